/**
 * The server's side of sync: the rows changed after a cursor, each as it now stands, and rows by
 * key. Writes on a server are serialised (one writer on SQLite, a global advisory lock on
 * PostgreSQL), so seq order is commit order and a reader's cursor never passes a change it missed.
 */
import { sql } from 'kysely'
import type { ChangePage, RowChange, RowKey, RowsAnswer } from '../../../src-shared/domain/sync'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { workspaceId } from '../workspace/identity'
import { isReplicated, REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'

type KeyValue = string | number
/** Keys asked for in one statement: a few columns each, well inside SQLite's parameter limit. */
const KEYS_PER_READ = 200

export async function changesAfter(db: Db, after: string, limit: number): Promise<ChangePage> {
  const from = Number(after)
  const entries = await db.selectFrom('row_changes').select(['seq', 'table_name', 'row_key']).where('seq', '>', from).orderBy('seq').limit(limit).execute()
  const next = entries.length > 0 ? entries.at(-1)!.seq : from
  const [{ remaining }] = (await db.selectFrom('row_changes').select((eb) => eb.fn.countAll<number>().as('remaining')).where('seq', '>', next).execute()) as [{ remaining: number }]
  const keys = entries.filter((entry) => isReplicated(entry.table_name)).map((entry) => ({ table: entry.table_name, key: JSON.parse(entry.row_key) as KeyValue[] }))
  return { workspace_id: await workspaceId(db), changes: await currentRows(db, keys), next: String(next), remaining: Number(remaining) }
}

export async function rowsByKey(db: Db, keys: readonly RowKey[]): Promise<RowsAnswer> {
  for (const { table, key } of keys) {
    if (!isReplicated(table)) throw new EngineError('invalid_input', `${table} is not a table a desktop copies`, 'keys')
    if (key.length !== REPLICATED_TABLES[table].length) throw new EngineError('invalid_input', `A key of ${table} has ${REPLICATED_TABLES[table].length} values`, 'keys')
  }
  return { workspace_id: await workspaceId(db), rows: await currentRows(db, keys) }
}

/** Each key's row as it stands, in the order asked, null where it is gone. */
async function currentRows(db: Db, keys: readonly RowKey[]): Promise<RowChange[]> {
  const found = new Map<string, Record<string, unknown>>()
  const byTable = new Map<ReplicatedTable, RowKey[]>()
  for (const key of keys) {
    const table = key.table as ReplicatedTable
    byTable.set(table, [...(byTable.get(table) ?? []), key])
  }
  for (const [table, tableKeys] of byTable) {
    const columns = REPLICATED_TABLES[table]
    for (let start = 0; start < tableKeys.length; start += KEYS_PER_READ) {
      const slice = tableKeys.slice(start, start + KEYS_PER_READ)
      const matches = sql.join(
        slice.map(({ key }) => sql`(${sql.join(columns.map((column, index) => sql`${sql.ref(column)} = ${key[index]}`), sql` AND `)})`),
        sql` OR `,
      )
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE ${matches}`.execute(db)
      for (const row of rows) found.set(identify(table, columns.map((column) => row[column] as KeyValue)), row)
    }
  }
  return keys.map(({ table, key }) => {
    const row = found.get(identify(table, key))
    return { table, key, row: row ? encodeRow(row) : null }
  })
}

function identify(table: string, key: readonly KeyValue[]): string {
  return JSON.stringify([table, ...key])
}

/** Bytes travel as `{ $base64 }` (domain/sync.ts); every other value as it is stored. */
function encodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const encoded: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) encoded[column] = value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value
  return encoded
}

/** A pulled row's columns as they are stored: `{ $base64 }` back to bytes. */
export function decodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const decoded: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    const base64 = typeof value === 'object' && value !== null ? (value as { $base64?: unknown }).$base64 : undefined
    decoded[column] = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : value
  }
  return decoded
}
