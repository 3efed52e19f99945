/**
 * The server's side of a desktop's first pull: every replicated row, read in one snapshot together
 * with the feed's cursor as of that snapshot, written out as JSON lines (domain/sync.ts). Writes
 * are serialised, so seq order is commit order and the highest seq the snapshot sees is exactly
 * where the feed must go on from.
 */
import { sql, type CompiledQuery } from 'kysely'
import type { SnapshotEnd, SnapshotHeader, SnapshotTable } from '../../../src-shared/domain/sync'
import type { ReadInSnapshot, ReadSnapshot } from '../db/read-snapshot'
import type { Db } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { encodeValue } from './change-feed'
import { REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'
import { tableLayouts } from './table-layouts'

/** Rows a line carries: one JSON.parse per line costs the desktop less than one per row. */
const ROWS_PER_LINE = 1_000

/** A line is handed to `send` at a time; it waits while the reader is behind, and throws to stop. */
export type SendPiece = (piece: string) => Promise<void>

export async function writeSnapshot(db: Db, readSnapshot: ReadInSnapshot, send: SendPiece): Promise<void> {
  const workspace_id = await workspaceId(db)
  const layouts = await tableLayouts(db)
  await readSnapshot(async (snapshot) => {
    // The first read fixes the view: the cursor, the counts and the rows are all of one moment.
    const newest = firstValue(await snapshot.rows(db.selectFrom('row_changes').select((eb) => eb.fn.max('seq').as('seq')).compile()))
    const tables: Record<string, number> = {}
    for (const table of replicatedTables()) tables[table] = await countRows(db, snapshot, table)
    await send(line({ workspace_id, cursor: String(newest ?? 0), tables } satisfies SnapshotHeader))
    let rows = 0
    for (const table of replicatedTables()) {
      const { columns, bytes } = layouts.get(table)!
      await send(line({ table, columns } satisfies SnapshotTable))
      for (let after: unknown[] | undefined; ; ) {
        const chunk = await snapshot.rows(stretchOf(db, table, columns, after))
        if (chunk.length === 0) break
        after = keyOf(table, columns, chunk.at(-1)!)
        if (bytes.length > 0) encodeBytes(chunk, bytes)
        await send(`${JSON.stringify(chunk)}\n`)
        rows += chunk.length
        if (chunk.length < ROWS_PER_LINE) break
        await otherRequestsFirst()
      }
    }
    await send(line({ end: true, rows } satisfies SnapshotEnd))
  })
}

/**
 * The next stretch of a table in key order, after the key of the last row read (from the start
 * when none): the primary key finds each stretch at once, and the desktop appends each table's
 * rows to the end of its index.
 */
function stretchOf(db: Db, table: ReplicatedTable, columns: readonly string[], after: readonly unknown[] | undefined): CompiledQuery {
  const key = REPLICATED_TABLES[table].map((column) => sql.ref(column))
  const past = after ? sql`WHERE (${sql.join(key)}) > (${sql.join(after)})` : sql``
  return sql`SELECT ${sql.join(columns.map((column) => sql.ref(column)))} FROM ${sql.table(table)} ${past}
    ORDER BY ${sql.join(key)} LIMIT ${ROWS_PER_LINE}`.compile(db)
}

/** Rows counted a stretch at a time, each stretch found through the primary key. */
const COUNTED_A_STRETCH = 50_000

/**
 * How many rows a table holds in the snapshot, counted a stretch at a time: counting millions in
 * one read would hold the server's event loop (on SQLite a read is synchronous) for a long moment.
 */
async function countRows(db: Db, snapshot: ReadSnapshot, table: ReplicatedTable): Promise<number> {
  const key = REPLICATED_TABLES[table].map((column) => sql.ref(column))
  let counted = 0
  for (let after: unknown[] | undefined; ; ) {
    const past = after ? sql`WHERE (${sql.join(key)}) > (${sql.join(after)})` : sql``
    const [boundary] = await snapshot.rows(sql`SELECT ${sql.join(key)} FROM ${sql.table(table)} ${past} ORDER BY ${sql.join(key)} LIMIT 1 OFFSET ${COUNTED_A_STRETCH - 1}`.compile(db))
    if (!boundary) return counted + Number(firstValue(await snapshot.rows(sql`SELECT count(*) FROM (SELECT 1 FROM ${sql.table(table)} ${past}) AS rest`.compile(db))))
    counted += COUNTED_A_STRETCH
    after = boundary
    await otherRequestsFirst()
  }
}

/** On SQLite a read is synchronous: the server's other requests go in between two. */
function otherRequestsFirst(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function keyOf(table: ReplicatedTable, columns: readonly string[], row: readonly unknown[]): unknown[] {
  return REPLICATED_TABLES[table].map((column) => row[columns.indexOf(column)])
}

function replicatedTables(): ReplicatedTable[] {
  return Object.keys(REPLICATED_TABLES) as ReplicatedTable[]
}

function firstValue(rows: unknown[][]): unknown {
  return rows[0]?.[0]
}

function line(value: SnapshotHeader | SnapshotTable | SnapshotEnd): string {
  return `${JSON.stringify(value)}\n`
}

/** Bytes travel as `{ $base64 }`, as in the change feed. */
function encodeBytes(rows: unknown[][], positions: readonly number[]): void {
  for (const row of rows) for (const position of positions) row[position] = encodeValue(row[position])
}
