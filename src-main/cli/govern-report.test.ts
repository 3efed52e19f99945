/** `govern report`, run as the real command: the file written, named in its answer with its SHA-256. */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { caller, tempFolder } from '../testing/workspace'
import { runGovern } from '../testing/govern-cli'

const folder = tempFolder()
const db = folder.path('report.sqlite')

const govern = (...args: string[]) => runGovern(args)

beforeAll(async () => {
  const engine = await openEngine(db)
  await caller(engine)('applications.create', { id: 'app_chat', name: 'Chat Assistant' })
  await caller(engine)('policies.createFromTemplate', { template_id: 'system_health', scope: { apply_to_all: true } })
  await engine.close()
})
afterAll(() => folder.remove())

describe('govern report', () => {
  it('writes the package and then verifies it; refuses a moment in the future naming it', () => {
    const out = folder.path('package.zip')
    const run = govern('report', '--db', db, '--format', 'package', '--out', out)
    expect(run.code).toBe(0)
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex')
    expect(run.out).toContain(`SHA-256 ${sha}`)
    expect(govern('audit', 'verify', '--package', out).code).toBe(0)
    const future = govern('report', '--db', db, '--format', 'pdf', '--as-of', '2999-01-01T00:00:00Z', '--out', folder.path('x.pdf'))
    expect(future.code).toBe(2)
    expect(future.err).toContain('as_of')
  })
})
