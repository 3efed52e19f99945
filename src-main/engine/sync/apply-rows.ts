/**
 * Applying the server's rows on a desktop, inside one write transaction: deletes first, then
 * upserts by key, a prepared statement run per row, foreign keys checked only at commit (a page may hold a
 * child before its parent). The server is authoritative: its row replaces the desktop's. A row
 * whose unique value another row here still holds (a name the server moved from one policy to
 * another) waits until that row has been applied; one still waiting at the end needs a later page.
 */
import { sql } from 'kysely'
import type { RowChange } from '../../../src-shared/domain/sync'
import { repeatedStatement, type RepeatedStatement } from '../db/prepared'
import type { Tx } from '../db/schema'
import { whileApplyingServerTrail } from '../db/trail-guard'
import { decodeValue } from './change-feed'
import { isReplicated, REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'
import { checkPulledTrail, notePulled } from './server-trail'

/** Lets the server's audit events and policy versions replace provisional ones, and records nothing in the feed (0013_sync.ts): this transaction only. */
export async function beginApplyingServerRows(tx: Tx): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(tx)
  await tx.updateTable('sync_state').set({ pulling: 1 }).execute()
}

export async function endApplyingServerRows(tx: Tx): Promise<void> {
  await tx.updateTable('sync_state').set({ pulling: 0 }).execute()
  // The chain is the server's: its newest event pulled here is the highest id issued, whatever
  // provisional events this desktop numbered before the server's replaced them.
  const newest = await tx.selectFrom('audit_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
  await tx.updateTable('audit_ids_issued').set({ highest_id: Math.max(0, Number(newest?.id ?? 0)) }).execute()
}

/**
 * A first pull makes this workspace a copy of the server's: the rows it held are dropped, except
 * its own audit events (ids below zero), which the server never had.
 */
export async function dropReplicatedRows(tx: Tx): Promise<void> {
  for (const table of Object.keys(REPLICATED_TABLES)) {
    if (table === 'audit_events') await whileApplyingServerTrail(tx, () => tx.deleteFrom('audit_events').where('id', '>', 0).execute())
    else await sql`DELETE FROM ${sql.table(table)}`.execute(tx)
  }
}

/** A row to write: its values in the order of its columns, bytes decoded. */
type Upsert = { table: ReplicatedTable; columns: string[]; values: unknown[] }

export async function applyRowChanges(tx: Tx, changes: readonly RowChange[]): Promise<void> {
  // The latest answer for each row wins (a row asked for by key may be in the page as well).
  const latest = new Map<string, RowChange>()
  for (const change of changes) {
    if (!isReplicated(change.table)) continue
    const id = JSON.stringify([change.table, ...change.key])
    latest.delete(id)
    latest.set(id, change)
  }
  // The server's audit events are checked against this desktop's copy of its chain before anything is written.
  const trail = [...latest.values()].filter((change) => change.table === 'audit_events')
  const pulled = trail.length > 0 ? await checkPulledTrail(tx, trail, decodeRow) : undefined
  const upserts: Upsert[] = []
  for (const { table, key, row } of latest.values()) {
    if (table === 'audit_events') continue
    if (row === null) await deleteRow(tx, table as ReplicatedTable, key)
    else {
      const columns = Object.keys(row)
      upserts.push({ table: table as ReplicatedTable, columns, values: columns.map((column) => decodeValue(row[column])) })
    }
  }
  if (pulled) {
    await whileApplyingServerTrail(tx, async () => {
      for (const id of pulled.removed) await deleteRow(tx, 'audit_events', [id])
      const columns = pulled.added[0] ? Object.keys(pulled.added[0]) : []
      const rows: Upsert[] = pulled.added.map((event) => ({ table: 'audit_events', columns, values: columns.map((column) => event[column as keyof typeof event]) }))
      if ((await upsertEach(tx, rows)).length > 0) throw new Error('An audit event was refused as a duplicate of another row')
    })
    await notePulled(tx, pulled.added)
  }
  // Each pass applies what the last one freed; a pass that frees nothing leaves it to a later page.
  let waiting = await upsertEach(tx, upserts)
  while (waiting.length > 0) {
    const still = await upsertEach(tx, waiting)
    // Nothing freed: let the refusal stand, so the caller asks for the next page.
    if (still.length === waiting.length) await upsertStatement(tx, still[0]!).run(still[0]!.values)
    waiting = still
  }
}

function decodeRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column, decodeValue(value)]))
}

async function deleteRow(tx: Tx, table: ReplicatedTable, key: ReadonlyArray<string | number>): Promise<void> {
  const statement = repeatedStatement(tx, `${table}.sync-delete`, () => {
    const matches = sql.join(
      REPLICATED_TABLES[table].map((column) => sql`${sql.ref(column)} = ${null}`),
      sql` AND `,
    )
    return sql`DELETE FROM ${sql.table(table)} WHERE ${matches}`.compile(tx)
  })
  await statement.run(key)
}

/**
 * Upserts row by row (a prepared statement run each, without a round trip on SQLite); answers
 * those a uniqueness index refused for now. A run of rows of one table and the same columns (a
 * page's rows of a table, as the server sends them) shares one statement, looked up once.
 */
async function upsertEach(tx: Tx, upserts: readonly Upsert[]): Promise<Upsert[]> {
  const refused: Upsert[] = []
  let last: { upsert: Upsert; statement: RepeatedStatement } | undefined
  for (const upsert of upserts) {
    if (!last || last.upsert.table !== upsert.table || !sameColumns(last.upsert.columns, upsert.columns)) last = { upsert, statement: upsertStatement(tx, upsert) }
    try {
      await last.statement.run(upsert.values)
    } catch (error) {
      if (!isUniquenessViolation(error)) throw error
      refused.push(upsert)
    }
  }
  return refused
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

function upsertStatement(tx: Tx, { table, columns }: Upsert): RepeatedStatement {
  return repeatedStatement(tx, `${table}.sync-upsert.${columns.join(',')}`, () => {
    const key: readonly string[] = REPLICATED_TABLES[table]
    const others = columns.filter((column) => !key.includes(column))
    const onConflict = others.length > 0 ? sql`DO UPDATE SET ${sql.join(others.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}` : sql`DO NOTHING`
    return sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))}) VALUES (${sql.join(columns.map(() => null))})
      ON CONFLICT (${sql.join(key.map((column) => sql.ref(column)))}) ${onConflict}`.compile(tx)
  })
}

export function isUniquenessViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}
