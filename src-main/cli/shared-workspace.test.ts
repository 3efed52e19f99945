/**
 * One workspace file, several processes: two `govern serve` and a `govern import`, as a team
 * runs the desktop app, a server and a pipeline's imports on one file. Every write waits its turn
 * for the write lock; none fails for want of it, and every acknowledged write is there after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine, openEngineParts } from '../engine/engine'
import { tempFolder } from '../testing/workspace'

const folder = tempFolder()
const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')
const db = folder.path('shared.sqlite')
const servers: Array<{ child: ChildProcess; url: string }> = []
let token: string

function govern(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, encoding: 'utf8' })
}

function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve', '--db', db, '--port', '0'], { cwd: root })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (piece: Buffer) => {
      output += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output)?.[1]
      if (url) resolve({ child, url })
    })
    child.stderr!.on('data', (piece: Buffer) => (output += piece.toString()))
    child.once('exit', (code) => reject(new Error(`govern serve exited with ${code}: ${output}`)))
  })
}

async function api(server: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

beforeAll(async () => {
  // The workspace a first `govern serve` (or the desktop app) makes: a token is made in one that exists.
  await (await openEngine(db)).close()
  token = govern('token', 'create', '--db', db, '--name', 'shared').stdout.trim()
  servers.push(...(await Promise.all([serve(), serve()])))
  expect((await api(servers[0]!, 'POST', '/applications', { id: 'app_base', name: 'Base', tags: ['production'] })).status).toBe(201)
  expect((await api(servers[1]!, 'POST', '/organization/policies/from-template', { template_id: 'system_health', scope: { apply_to_all: true, tags: [], application_ids: [] } })).status).toBe(201)
})

afterAll(() => {
  for (const server of servers) server.child.kill('SIGTERM')
  folder.remove()
})

interface Write {
  kind: 'application' | 'update' | 'metrics' | 'policy' | 'group' | 'rule'
  key: string
  request: () => Promise<{ status: number; body: unknown }>
}

describe('two servers and an import on one workspace', () => {
  it('answers 200 concurrent mixed writes without a 500, keeps every acknowledged one, and imports meanwhile', async () => {
    const policyId = ((await api(servers[0]!, 'GET', '/organization/policies')).body as { policies: Array<{ id: string }> }).policies[0]!.id
    const hour = new Date(Date.now() - 3_600_000).toISOString()
    const events = Array.from({ length: 20_000 }, (_, k) => JSON.stringify({ timestamp: new Date(Date.now() - (k % 3600) * 1000).toISOString(), latency_ms: 400 + (k % 700), error: k % 40 === 0 })).join('\n')
    writeFileSync(folder.path('events.jsonl'), `${events}\n`)

    const writes: Write[] = Array.from({ length: 200 }, (_, i): Write => {
      const server = servers[i % 2]!
      switch (i % 6) {
        case 0:
          return { kind: 'application', key: `app_w${i}`, request: () => api(server, 'POST', '/applications', { id: `app_w${i}`, name: `Written ${i}`, tags: ['production'] }) }
        case 1:
          return { kind: 'update', key: `t${i}`, request: () => api(server, 'PATCH', '/applications/app_base', { tags: ['production', `t${i}`] }) }
        case 2:
          return {
            kind: 'metrics',
            key: `batch-${i}`,
            request: () => api(server, 'POST', '/applications/app_base/metrics', { batch_id: `batch-${i}`, observations: [{ metric: 'error_rate', timestamp: hour, count: i % 7, total: 100 }] }),
          }
        case 3:
          return { kind: 'policy', key: String(i), request: () => api(server, 'PATCH', `/organization/policies/${policyId}`, { description: `Revision ${i}` }) }
        case 4:
          return { kind: 'group', key: `Group ${i}`, request: () => api(server, 'POST', '/groups', { name: `Group ${i}` }) }
        default:
          return { kind: 'rule', key: `Latency under ${1000 + i}`, request: () => api(server, 'POST', '/organization/alert-rules', { name: `Latency under ${1000 + i}`, metric: 'latency_p95', operator: '>', threshold: 1000 + i, severity: 'medium' }) }
      }
    })
    const importing = new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, 'import', '--db', db, '--app', 'app_base', folder.path('events.jsonl')], { cwd: root })
      let out = ''
      child.stdout.on('data', (piece: Buffer) => (out += piece.toString()))
      child.stderr.on('data', (piece: Buffer) => (out += piece.toString()))
      child.once('exit', (code) => resolve({ code, out }))
    })
    const answers = await Promise.all(writes.map((write) => write.request()))
    const imported = await importing

    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status >= 500)).toEqual([])
    expect(statuses.filter((status) => status >= 300)).toEqual([])
    expect(imported).toMatchObject({ code: 0, out: expect.stringContaining('Imported 20000 events') })

    // Every acknowledged write is in the file, read by a process of its own.
    const { engine, context } = await openEngineParts(db)
    try {
      const acknowledged = (kind: Write['kind']) => writes.filter((write, index) => write.kind === kind && answers[index]!.status < 300).map((write) => write.key)
      const applications = (await context.db.selectFrom('applications').select('id').execute()).map((row) => row.id)
      expect(applications).toEqual(expect.arrayContaining(acknowledged('application')))
      const batches = (await context.db.selectFrom('metric_batches').select('batch_id').execute()).map((row) => row.batch_id)
      expect(batches).toEqual(expect.arrayContaining(acknowledged('metrics')))
      expect(batches.filter((id) => id.startsWith('sha256:'))).toHaveLength(1)
      const versions = await context.db.selectFrom('policy_versions').select('version').where('policy_id', '=', policyId).execute()
      expect(versions).toHaveLength(1 + acknowledged('policy').length)
      const groups = (await context.db.selectFrom('groups').select('name').execute()).map((row) => row.name)
      expect(groups).toEqual(expect.arrayContaining(acknowledged('group')))
      const rules = (await context.db.selectFrom('alert_rules').select('name').execute()).map((row) => row.name)
      expect(rules).toEqual(expect.arrayContaining(acknowledged('rule')))
      const updates = await context.db.selectFrom('audit_events').select('id').where('action', '=', 'application.updated').where('entity_id', '=', 'app_base').execute()
      expect(updates).toHaveLength(acknowledged('update').length)
    } finally {
      await engine.close()
    }
    const file = new BetterSqlite3(db, { readonly: true })
    expect(file.pragma('integrity_check', { simple: true })).toBe('ok')
    file.close()
  }, 120_000)
})
