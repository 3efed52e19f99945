/**
 * Applying the server's rows on a desktop, inside one write transaction: deletes first, then
 * upserts by key, a prepared statement run per row, foreign keys checked only at commit (a page may hold a
 * child before its parent). The server is authoritative: its row replaces the desktop's. A row
 * whose unique value another row here still holds (a name the server moved from one policy to
 * another) waits until that row has been applied; one still waiting at the end needs a later page.
 */
import { sql } from 'kysely'
import type { RowChange } from '../../../src-shared/domain/sync'
import { repeatedStatement } from '../db/prepared'
import type { Tx } from '../db/schema'
import { decodeRow } from './change-feed'
import { isReplicated, REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'

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
    if (table === 'audit_events') await tx.deleteFrom('audit_events').where('id', '>', 0).execute()
    else await sql`DELETE FROM ${sql.table(table)}`.execute(tx)
  }
}

type Upsert = { table: ReplicatedTable; row: Record<string, unknown> }

export async function applyRowChanges(tx: Tx, changes: readonly RowChange[]): Promise<void> {
  // The latest answer for each row wins (a row asked for by key may be in the page as well).
  const latest = new Map<string, RowChange>()
  for (const change of changes) {
    if (!isReplicated(change.table)) continue
    const id = JSON.stringify([change.table, ...change.key])
    latest.delete(id)
    latest.set(id, change)
  }
  const upserts: Upsert[] = []
  for (const change of latest.values()) {
    if (change.row === null) await deleteRow(tx, change)
    else upserts.push({ table: change.table as ReplicatedTable, row: decodeRow(change.row) })
  }
  // Each pass applies what the last one freed; a pass that frees nothing leaves it to a later page.
  let waiting = await upsertEach(tx, upserts)
  while (waiting.length > 0) {
    const still = await upsertEach(tx, waiting)
    // Nothing freed: let the refusal stand, so the caller asks for the next page.
    if (still.length === waiting.length) await upsertRow(tx, still[0]!)
    waiting = still
  }
}

async function deleteRow(tx: Tx, change: RowChange): Promise<void> {
  const table = change.table as ReplicatedTable
  const key = REPLICATED_TABLES[table]
  const statement = repeatedStatement(tx, `${table}.sync-delete`, () => {
    const matches = sql.join(
      key.map((column) => sql`${sql.ref(column)} = ${null}`),
      sql` AND `,
    )
    return sql`DELETE FROM ${sql.table(table)} WHERE ${matches}`.compile(tx)
  })
  await statement.run(change.key)
}

/** Upserts row by row (a prepared statement each, run without a round trip on SQLite); answers those a uniqueness index refused for now. */
async function upsertEach(tx: Tx, upserts: readonly Upsert[]): Promise<Upsert[]> {
  const refused: Upsert[] = []
  for (const upsert of upserts) {
    try {
      await upsertRow(tx, upsert)
    } catch (error) {
      if (!isUniquenessViolation(error)) throw error
      refused.push(upsert)
    }
  }
  return refused
}

async function upsertRow(tx: Tx, { table, row }: Upsert): Promise<void> {
  const columns = Object.keys(row)
  const statement = repeatedStatement(tx, `${table}.sync-upsert.${columns.join(',')}`, () => {
    const key: readonly string[] = REPLICATED_TABLES[table]
    const others = columns.filter((column) => !key.includes(column))
    const onConflict = others.length > 0 ? sql`DO UPDATE SET ${sql.join(others.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}` : sql`DO NOTHING`
    return sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))}) VALUES (${sql.join(columns.map(() => null))})
      ON CONFLICT (${sql.join(key.map((column) => sql.ref(column)))}) ${onConflict}`.compile(tx)
  })
  await statement.run(columns.map((column) => row[column]))
}

export function isUniquenessViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}
