/**
 * The server's snapshot on a real workspace (a file, or PostgreSQL): every replicated row as it
 * stands, with the feed's cursor of the same moment, and nothing of a change committed while it
 * streams, which the feed brings from that cursor instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SnapshotHeader, SnapshotTable, type RowChange } from '../../../src-shared/domain/sync'
import { replicatedRows } from '../../testing/sync-world'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { writeNewSeries } from '../metrics/buckets'
import { decodeRow } from './change-feed'

const folder = tempFolder()
let server: TestEngine
let call: ReturnType<typeof caller>

beforeAll(async () => {
  server = await openTestEngine(folder.path('server.sqlite'))
  call = caller(server.engine)
  const app = await call('applications.create', { id: 'app_claims', name: 'Claims Bot', tags: ['governed', 'eu'] })
  // More buckets than a line carries, keyed by two columns, some with bytes.
  const hours = 2_600
  await server.context.mutate(['metrics'], (tx) =>
    writeNewSeries(tx, app.id, [
      { metric: 'throughput_drop', firstHour: 480_000, n: new Float64Array(hours).fill(10), total: null, sum: null, sketches: null },
      { metric: 'latency_p95', firstHour: 480_000, n: new Float64Array(3).fill(1), total: null, sum: new Float64Array(3).fill(120), sketches: [Uint8Array.of(1, 2, 3), Uint8Array.of(0, 255), Uint8Array.of()] },
    ]),
  )
})
afterAll(async () => {
  await server.engine.close()
  folder.remove()
})

interface ReadSnapshot {
  header: SnapshotHeader
  /** Each table's rows as objects, JSON as the workspace digest writes them. */
  tables: Record<string, string[]>
  end: unknown
}

/** Reads the snapshot as a desktop would, its pieces handed to `meanwhile` as they come. */
async function readSnapshot(meanwhile: (piece: string) => Promise<void> = async () => undefined): Promise<ReadSnapshot> {
  let text = ''
  await server.engine.writeSyncSnapshot(async (piece) => {
    text += piece
    await meanwhile(piece)
  })
  expect(text.endsWith('\n')).toBe(true)
  const lines = text.trimEnd().split('\n')
  const header = SnapshotHeader.parse(JSON.parse(lines[0]!))
  const tables: Record<string, string[]> = {}
  let columns: string[] = []
  let table = ''
  for (const line of lines.slice(1, -1)) {
    const value = JSON.parse(line) as unknown
    if (!Array.isArray(value)) {
      ;({ table, columns } = SnapshotTable.parse(value))
      tables[table] = []
      continue
    }
    for (const values of value as unknown[][]) tables[table]!.push(JSON.stringify(decodeRow(Object.fromEntries(columns.map((column, index) => [column, values[index]])))))
  }
  for (const rows of Object.values(tables)) rows.sort()
  return { header, tables, end: JSON.parse(lines.at(-1)!) }
}

const keysOf = (changes: readonly RowChange[]) => changes.map((change) => `${change.table}:${change.key.join('/')}`)

describe('the sync snapshot', () => {
  it('holds every replicated row as it stands, bytes included, with counts that match and the feed’s cursor', async () => {
    const snapshot = await readSnapshot()
    expect(snapshot.tables).toEqual(await replicatedRows(server.engine.path))
    expect(Object.fromEntries(Object.entries(snapshot.tables).map(([table, rows]) => [table, rows.length]))).toEqual(snapshot.header.tables)
    expect(snapshot.end).toEqual({ end: true, rows: Object.values(snapshot.header.tables).reduce((sum, count) => sum + count, 0) })
    expect(snapshot.header.tables.metric_buckets).toBe(2_603)
    const feed = await call('sync.changes', { after: '0', limit: 10_000 })
    expect(snapshot.header).toMatchObject({ workspace_id: feed.workspace_id, cursor: feed.next })
  })

  it('leaves out, whole, a change committed while it streams: the feed brings it from the snapshot’s cursor', async () => {
    let changed = false
    const snapshot = await readSnapshot(async () => {
      if (changed) return
      changed = true
      // After the header: the cursor and the counts have been read, no row yet.
      await call('applications.create', { id: 'app_late', name: 'Late Bot', tags: ['governed'] })
      await call('applications.update', { id: 'app_claims', name: 'Claims Assistant', tags: ['governed'] })
    })
    const all = JSON.stringify(snapshot.tables)
    expect(all).not.toContain('app_late')
    expect(all).not.toContain('Claims Assistant')
    expect(snapshot.tables.application_tags).toContain(JSON.stringify({ application_id: 'app_claims', tag: 'eu' }))
    expect(Object.fromEntries(Object.entries(snapshot.tables).map(([table, rows]) => [table, rows.length]))).toEqual(snapshot.header.tables)

    const after = keysOf((await call('sync.changes', { after: snapshot.header.cursor, limit: 10_000 })).changes)
    expect(after).toEqual(expect.arrayContaining(['applications:app_late', 'application_tags:app_late/governed', 'applications:app_claims', 'application_tags:app_claims/eu']))
    // Nothing the snapshot holds as it stands is in the feed after it.
    expect(after).not.toContain('metric_buckets:1/480000')
  })
})
