/** `govern report`, run as the real command: the file written, named in its answer with its SHA-256. */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
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

  it('replaces a file at --out whole, leaving nothing beside it', () => {
    mkdirSync(folder.path('replaced'))
    const out = folder.path('replaced/compliance.zip')
    writeFileSync(out, 'last month')
    const run = govern('report', '--db', db, '--format', 'csv', '--out', out)
    expect(run.code).toBe(0)
    expect(run.out).toContain(`SHA-256 ${createHash('sha256').update(readFileSync(out)).digest('hex')}`)
    expect(readdirSync(folder.path('replaced'))).toEqual(['compliance.zip'])
  })

  it('leaves a file at --out untouched when the report fails', () => {
    mkdirSync(folder.path('kept'))
    const out = folder.path('kept/compliance.pdf')
    writeFileSync(out, 'last month')
    const run = govern('report', '--db', db, '--format', 'pdf', '--policy', 'pol_nowhere', '--out', out)
    expect(run.code).toBe(2)
    expect(run.err).toContain('pol_nowhere')
    expect(readFileSync(out, 'utf8')).toBe('last month')
    expect(readdirSync(folder.path('kept'))).toEqual(['compliance.pdf'])
  })

  it('refuses an --out naming the workspace, and leaves the workspace as it was', () => {
    const fingerprint = () => ({ size: statSync(db).size, sha: createHash('sha256').update(readFileSync(db)).digest('hex') })
    const before = fingerprint()
    const run = govern('report', '--db', db, '--format', 'csv', '--out', db)
    expect(run.code).toBe(2)
    expect(run.err).toBe(`govern: --out ${db} is the workspace itself (or a file SQLite keeps beside it); write the report to another file\n`)
    expect(fingerprint()).toEqual(before)
  })

  it('refuses an --out naming a folder, or in a folder that does not exist, before any work', () => {
    mkdirSync(folder.path('a-folder'))
    const onFolder = govern('report', '--db', db, '--format', 'csv', '--out', folder.path('a-folder'))
    expect(onFolder.code).toBe(2)
    expect(onFolder.err).toBe(`govern: --out ${folder.path('a-folder')} is a folder; name the file to write in it\n`)
    expect(readdirSync(folder.path('a-folder'))).toEqual([])

    const inNowhere = govern('report', '--db', db, '--format', 'csv', '--out', folder.path('nowhere/compliance.zip'))
    expect(inNowhere.code).toBe(2)
    expect(inNowhere.err).toBe(`govern: cannot write ${folder.path('nowhere/compliance.zip')}: there is no folder ${folder.path('nowhere')}\n`)
  })
})
