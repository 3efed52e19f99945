/**
 * The server's change feed on a real workspace: every replicated row's latest change, in commit
 * order, paged by cursor; and the list of replicated tables holds every table of the schema.
 */
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangePage } from '../../../src-shared/domain/sync'
import { ENGINE_TESTS_ON_POSTGRES } from '../../testing/engine-database'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { writeNewSeries } from '../metrics/buckets'
import { LOCAL_TABLES, REPLICATED_TABLES } from './replicated-tables'

const folder = tempFolder()
let server: TestEngine
let call: ReturnType<typeof caller>

beforeAll(async () => {
  server = await openTestEngine(folder.path('server.sqlite'))
  call = caller(server.engine)
})
afterAll(async () => {
  await server.engine.close()
  folder.remove()
})

async function readAll(after: string, limit = 10_000): Promise<ChangePage> {
  return call('sync.changes', { after, limit })
}

const keyOf = (change: { table: string; key: unknown[] }) => `${change.table}:${change.key.join('/')}`

describe('the change feed', () => {
  it('answers every row a new workspace holds, and an empty page from its end', async () => {
    const all = await readAll('0')
    expect(all.remaining).toBe(0)
    expect(all.changes.map(keyOf)).toContain('users:usr_owner')
    expect(all.changes.every((change) => change.row !== null)).toBe(true)
    const after = await readAll(all.next)
    expect(after).toMatchObject({ changes: [], next: all.next, remaining: 0 })
  })

  it('answers creates, updates and deletes oldest first, each row once with its latest state', async () => {
    const start = (await readAll('0')).next
    const app = await call('applications.create', { name: 'Claims Bot', tags: ['prod', 'eu'] })
    const other = await call('applications.create', { name: 'Fraud Scorer' })
    await call('applications.update', { id: app.id, name: 'Claims Assistant', tags: ['prod'] })
    const page = await readAll(start)
    const changed = page.changes.map(keyOf)
    // Renamed after the other was made: the rename is its latest change, so it comes last of the two.
    expect(changed.indexOf(`applications:${other.id}`)).toBeLessThan(changed.indexOf(`applications:${app.id}`))
    expect(changed.filter((key) => key === `applications:${app.id}`)).toHaveLength(1)
    expect(page.changes.find((change) => keyOf(change) === `applications:${app.id}`)!.row).toMatchObject({ name: 'Claims Assistant' })
    // The dropped tag is answered as deleted.
    expect(page.changes.find((change) => keyOf(change) === `application_tags:${app.id}/eu`)).toMatchObject({ row: null })
    expect(page.changes.find((change) => keyOf(change) === `application_tags:${app.id}/prod`)!.row).toMatchObject({ tag: 'prod' })
  })

  it('pages by cursor: every change once, none skipped, with what remains to read', async () => {
    const whole = await readAll('0')
    const seen: string[] = []
    let cursor = '0'
    let remaining = Infinity
    for (let guard = 0; remaining > 0 && guard < 1000; guard++) {
      const page = await readAll(cursor, 7)
      expect(page.changes.length).toBeLessThanOrEqual(7)
      expect(page.remaining).toBe(Math.max(0, (remaining === Infinity ? whole.changes.length : remaining) - page.changes.length))
      seen.push(...page.changes.map(keyOf))
      cursor = page.next
      remaining = page.remaining
    }
    expect(seen).toEqual(whole.changes.map(keyOf))
  })

  it('sends a latency sketch’s bytes as base64, and answers rows by key', async () => {
    const app = await call('applications.create', { name: 'Latency Bot' })
    await call('metrics.ingest', { id: app.id, observations: [{ metric: 'latency_p95', timestamp: new Date(server.clock.now().getTime() - 60_000).toISOString(), values: [120, 340] }] })
    const buckets = (await readAll('0')).changes.filter((change) => change.table === 'metric_buckets')
    const withSketch = buckets.find((change) => change.row?.sketch !== null)
    expect(withSketch?.row?.sketch).toEqual({ $base64: expect.stringMatching(/^[A-Za-z0-9+/=]+$/) })
    const rows = await call('sync.rows', { keys: [{ table: 'applications', key: [app.id] }, { table: 'applications', key: ['app_gone'] }] })
    expect(rows.rows).toEqual([expect.objectContaining({ key: [app.id], row: expect.objectContaining({ name: 'Latency Bot' }) }), { table: 'applications', key: ['app_gone'], row: null }])
  })

  it('holds every bucket of series written whole, as the sample workspace writes its history', async () => {
    const app = await call('applications.create', { name: 'History Bot' })
    const hours = 48
    await server.context.mutate(['metrics'], (tx) =>
      writeNewSeries(tx, app.id, [{ metric: 'throughput_drop', firstHour: 490_000, n: new Float64Array(hours).fill(10), total: null, sum: null, sketches: null }]),
    )
    const buckets = (await readAll('0')).changes.filter((change) => change.table === 'metric_buckets' && typeof change.row?.hour === 'number' && change.row.hour >= 490_000 && change.row.hour < 490_000 + hours)
    expect(buckets.map((change) => change.key[1])).toEqual(Array.from({ length: hours }, (_, hour) => 490_000 + hour))
    expect(buckets.every((change) => change.row?.n === 10)).toBe(true)
    // Another series of the same application, written whole later, enters the feed alone.
    await server.context.mutate(['metrics'], (tx) =>
      writeNewSeries(tx, app.id, [{ metric: 'pii', firstHour: 490_000, n: new Float64Array(hours).fill(5), total: new Float64Array(hours).fill(100), sum: null, sketches: null }]),
    )
    const both = (await readAll('0')).changes.filter((change) => change.table === 'metric_buckets' && typeof change.row?.hour === 'number' && change.row.hour >= 490_000 && change.row.hour < 490_000 + hours)
    expect(both).toHaveLength(2 * hours)
    expect(both.filter((change) => change.row?.n === 5)).toHaveLength(hours)
  })

  it('reads keys spread over thousands of series, as one new hour of every series is', async () => {
    // One hour of 1,500 series: each key its own prefix, more ORs than SQLite nests in one statement.
    const keys = Array.from({ length: 1500 }, (_, series) => ({ table: 'metric_buckets', key: [series + 1_000_000, 500_000] }))
    const answer = await call('sync.rows', { keys })
    expect(answer.rows).toHaveLength(1500)
    expect(answer.rows.every((row) => row.row === null)).toBe(true)
  })
})

describe('the replicated tables', () => {
  // Read from the SQLite file's catalogue; PostgreSQL's triggers are checked in migrations.postgres.test.ts.
  it.skipIf(ENGINE_TESTS_ON_POSTGRES)('name every table of the schema as replicated or local, with the reason', () => {
    const sqlite = new BetterSqlite3(folder.path('server.sqlite'), { readonly: true })
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").pluck().all() as string[]).sort()
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]
    sqlite.close()
    expect([...Object.keys(REPLICATED_TABLES), ...Object.keys(LOCAL_TABLES)].sort()).toEqual(tables)
    for (const table of Object.keys(REPLICATED_TABLES)) {
      for (const change of ['insert', 'update', 'delete']) expect(triggers).toContain(`row_changes_${table}_${change}`)
    }
    // A local table's rows never enter the feed.
    expect(triggers.filter((name) => Object.keys(LOCAL_TABLES).some((table) => name.startsWith(`row_changes_${table}_`)))).toEqual([])
  })
})
