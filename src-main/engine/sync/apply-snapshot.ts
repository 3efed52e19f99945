/**
 * A desktop's first pull from its server's snapshot (domain/sync.ts), inside the one write
 * transaction it is given: the replicated tables emptied, then rows inserted as their lines
 * arrive, a prepared statement per table, never all held at once. A
 * stream cut off, malformed or of another workspace throws ServerUnavailable, and the
 * transaction, rolled back, leaves the workspace as it was.
 */
import { sql } from 'kysely'
import { SnapshotEnd, SnapshotHeader, SnapshotTable } from '../../../src-shared/domain/sync'
import { rowInserter, type RowInserter } from '../db/prepared'
import type { Tx } from '../db/schema'
import { beginApplyingServerRows, dropReplicatedRows, endApplyingServerRows } from './apply-rows'
import { decodeValue } from './change-feed'
import { isReplicated } from './replicated-tables'
import { sameWorkspace, ServerUnavailable } from './server-client'
import { checkSnapshotTrail } from './server-trail'

/** How often the progress bar hears of the pull: every this many rows, or this long. */
const PROGRESS_EVERY_ROWS = 50_000
const PROGRESS_EVERY_MS = 250

export type SnapshotProgress = (done: number, total: number) => void

/** The table whose rows the next lines carry; rows of a table this desktop does not know are passed over, as the feed's are. */
interface CurrentTable {
  name: string
  width: number
  inserter: RowInserter | undefined
  rows: number
  restore?: () => Promise<void>
}

/**
 * Makes this workspace, inside the transaction given, a copy of the server's snapshot: every
 * replicated row replaced by the snapshot's, nothing left recorded as changed here, and the
 * feed's cursor set to the snapshot's.
 */
export async function replaceWithSnapshot(tx: Tx, lines: AsyncIterable<string>, serverWorkspace: string, progress: SnapshotProgress): Promise<void> {
  await beginApplyingServerRows(tx)
  await dropReplicatedRows(tx)
  const cursor = await insertSnapshotRows(tx, lines, serverWorkspace, progress)
  // Every row this desktop changed is now as the server has it (pulled rows record nothing here).
  await tx.deleteFrom('row_changes').execute()
  await endApplyingServerRows(tx)
  // The trail the snapshot brought must chain whole before it is kept.
  await checkSnapshotTrail(tx)
  await tx.updateTable('sync_state').set({ cursor }).execute()
}

/** Inserts the snapshot's rows as they arrive; answers the cursor the feed goes on from. */
async function insertSnapshotRows(tx: Tx, lines: AsyncIterable<string>, serverWorkspace: string, progress: SnapshotProgress): Promise<string> {
  let header: SnapshotHeader | undefined
  let current: CurrentTable | undefined
  const seen = new Map<string, number>()
  let done = 0
  let total = 0
  let reported = { rows: 0, at: performance.now() }
  const finishTable = async () => {
    if (!current) return
    await current.inserter?.finish()
    await current.restore?.()
    if (current.rows !== header!.tables[current.name]) malformed(`it sent ${current.rows} rows of ${current.name}, having counted ${header!.tables[current.name]}`)
    seen.set(current.name, current.rows)
    current = undefined
  }
  for await (const line of lines) {
    if (!header) {
      header = parseLine(SnapshotHeader, parseJson(line), 'its first line')
      sameWorkspace(header.workspace_id, serverWorkspace)
      total = Object.values(header.tables).reduce((sum, count) => sum + count, 0)
      progress(0, total)
      continue
    }
    if (line.startsWith('[')) {
      if (!current) malformed('rows came before the table they belong to')
      const rows = parseJson(line)
      if (!Array.isArray(rows)) malformed(`a line of ${current.name} is not a list of rows`)
      for (const row of rows as unknown[]) {
        if (!Array.isArray(row) || row.length !== current.width) malformed(`a row of ${current.name} does not have its ${current.width} columns`)
        decodeBytes(row, current.name)
        // SQLite writes at once (no promise); PostgreSQL answers a promise when it sent a batch.
        const writing = current.inserter?.add(row)
        if (writing) await writing
      }
      current.rows += rows.length
      done += rows.length
      if (done - reported.rows >= PROGRESS_EVERY_ROWS || performance.now() - reported.at >= PROGRESS_EVERY_MS) {
        progress(done, total)
        reported = { rows: done, at: performance.now() }
      }
      continue
    }
    await finishTable()
    const value = parseJson(line)
    if (typeof value === 'object' && value !== null && 'end' in value) {
      const end = parseLine(SnapshotEnd, value, 'its last line')
      const missing = Object.keys(header.tables).filter((table) => !seen.has(table))
      if (missing.length > 0) malformed(`it never sent ${missing.join(', ')}`)
      if (end.rows !== done) malformed(`it sent ${done} rows, and says it sent ${end.rows}`)
      progress(done, total)
      return header.cursor
    }
    const table = parseLine(SnapshotTable, value, 'a table’s line')
    if (!Object.hasOwn(header.tables, table.table) || seen.has(table.table)) malformed(`it sent ${table.table}, which its first line does not count or which came twice`)
    current = await startTable(tx, table)
  }
  if (!header) throw new ServerUnavailable('The server’s snapshot was empty; trying again shortly')
  throw new ServerUnavailable(`The server’s snapshot was cut off after ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows; nothing of it was kept, trying again shortly`)
}

/** A table's rows are about to come: inserted here, or passed over for a table this desktop does not copy. */
async function startTable(tx: Tx, table: SnapshotTable): Promise<CurrentTable> {
  const known = isReplicated(table.table)
  return {
    name: table.table,
    width: table.columns.length,
    inserter: known ? await inserterFor(tx, table) : undefined,
    rows: 0,
    restore: known ? await withoutRecording(tx, table.table) : undefined,
  }
}

/** A prepared insert of the snapshot's columns, each checked to be a column this desktop's table has. */
async function inserterFor(tx: Tx, { table, columns }: SnapshotTable): Promise<RowInserter> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(tx)
  const known = new Set(rows.map((row) => row.name))
  const unknown = columns.filter((column) => !known.has(column))
  if (unknown.length > 0) {
    throw new ServerUnavailable(`The server’s ${table} has columns this desktop does not know (${unknown.join(', ')}): update the Governance Console to sync with it`)
  }
  if (new Set(columns).size !== columns.length) malformed(`it names a column of ${table} twice`)
  return rowInserter(tx, table as never, columns as never)
}

/**
 * The trigger that records a row inserted here in the feed (0013_sync.ts) records nothing while
 * server rows are applied, yet asks so for every row: for the millions of a first pull it stands
 * aside, and is created again from its own text before the transaction ends.
 */
async function withoutRecording(tx: Tx, table: string): Promise<() => Promise<void>> {
  const name = `row_changes_${table}_insert`
  const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ${name}`.execute(tx)
  const definition = rows[0]?.sql
  if (!definition) return async () => undefined
  await sql`DROP TRIGGER ${sql.id(name)}`.execute(tx)
  return async () => void (await sql.raw(definition).execute(tx))
}

/** `{ $base64 }` back to bytes; any other object is not a column value. */
function decodeBytes(row: unknown[], table: string): void {
  for (let position = 0; position < row.length; position++) {
    const value = row[position]
    if (typeof value !== 'object' || value === null) continue
    const decoded = decodeValue(value)
    // An object decodeValue leaves as it was is no `{ $base64 }`.
    if (decoded === value) malformed(`a row of ${table} holds a value that is not text, a number, bytes or null`)
    row[position] = decoded
  }
}

function parseLine<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) malformed(`${what} is not what a snapshot line holds`)
  return parsed.data
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    return malformed('a line is not JSON (cut off part-way?)')
  }
}

function malformed(why: string): never {
  throw new ServerUnavailable(`The server’s snapshot cannot be used: ${why}; nothing of it was kept, trying again shortly`)
}
