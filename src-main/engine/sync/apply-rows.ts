/**
 * Applying the server's rows on a desktop, inside one write transaction: each row upserted or
 * deleted by key, foreign keys checked only at commit (a page may hold a child before its parent).
 * The server is authoritative, so its row replaces the desktop's whatever the desktop held.
 */
import { sql } from 'kysely'
import type { RowChange } from '../../../src-shared/domain/sync'
import type { Tx } from '../db/schema'
import { decodeRow } from './change-feed'
import { isReplicated, REPLICATED_TABLES } from './replicated-tables'

/** Lets the server's audit events and policy versions replace provisional ones (0012_sync.ts), for this transaction only. */
export async function beginApplyingServerRows(tx: Tx): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(tx)
  await tx.updateTable('sync_state').set({ pulling: 1 }).execute()
}

export async function endApplyingServerRows(tx: Tx): Promise<void> {
  await tx.updateTable('sync_state').set({ pulling: 0 }).execute()
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

export async function applyRowChange(tx: Tx, change: RowChange): Promise<void> {
  if (!isReplicated(change.table)) return
  const key = REPLICATED_TABLES[change.table]
  const matches = sql.join(
    key.map((column, index) => sql`${sql.ref(column)} = ${change.key[index]}`),
    sql` AND `,
  )
  if (change.row === null) {
    await sql`DELETE FROM ${sql.table(change.table)} WHERE ${matches}`.execute(tx)
    return
  }
  const row = decodeRow(change.row)
  const columns = Object.keys(row)
  const others = columns.filter((column) => !(key as readonly string[]).includes(column))
  const onConflict = others.length > 0 ? sql`DO UPDATE SET ${sql.join(others.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}` : sql`DO NOTHING`
  await sql`INSERT INTO ${sql.table(change.table)} (${sql.join(columns.map((column) => sql.ref(column)))})
    VALUES (${sql.join(columns.map((column) => row[column]))})
    ON CONFLICT (${sql.join(key.map((column) => sql.ref(column)))}) ${onConflict}`.execute(tx)
}
