/**
 * The server's side of sync: the rows changed after a cursor, each as it now stands, and rows by
 * key. Writes on a server are serialised (one writer on SQLite, a global advisory lock on
 * PostgreSQL), so seq order is commit order and a reader's cursor never passes a change it missed.
 */
import { sql, type RawBuilder } from 'kysely'
import type { ChangePage, RowChange, RowKey, RowsAnswer } from '../../../src-shared/domain/sync'
import { onPostgres, rawRows } from '../db/prepared'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { workspaceId } from '../db/workspace-identity'
import { isReplicated, REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'
import { tableLayouts } from './table-layouts'

type KeyValue = string | number
/** Keys asked for in one statement: a few columns each, well inside SQLite's parameter limit. */
const KEYS_PER_READ = 1_000

export async function changesAfter(db: Db, after: string, limit: number): Promise<ChangePage> {
  const from = Number(after)
  const entries = await db.selectFrom('row_changes').select(['seq', 'table_name', 'row_key']).where('seq', '>', from).orderBy('seq').limit(limit).execute()
  const next = entries.length > 0 ? entries.at(-1)!.seq : from
  const remaining = entries.length < limit ? 0 : await remainingAfter(db, next, entries)
  return { workspace_id: await workspaceId(db), changes: await rowsOfPage(db, from, next, entries), next: String(next), remaining }
}

type FeedEntry = { seq: number; table_name: string; row_key: string }

/**
 * Each entry's row as it now stands, null where it is gone: one statement a table, joining the
 * page's stretch of the feed with the table on its key, however many keys the page holds. Rows
 * are read as arrays and made into the answer's objects once.
 */
async function rowsOfPage(db: Db, from: number, to: number, entries: readonly FeedEntry[]): Promise<RowChange[]> {
  const replicated = entries.filter((entry) => isReplicated(entry.table_name))
  const layouts = await tableLayouts(db)
  const found = new Map<number, Record<string, unknown>>()
  for (const table of new Set(replicated.map((entry) => entry.table_name as ReplicatedTable))) {
    const { columns, bytes } = layouts.get(table)!
    // The seq last, under a name no column has (PostgreSQL answers by name).
    const read = sql`SELECT ${sql.join(columns.map((column) => sql`t.${sql.ref(column)}`))}, rc.seq AS feed_seq__ ${joinedToFeed(db, table, from, to)}`.compile(db)
    for (const values of await rawRows(db, { compile: () => read })) {
      const row: Record<string, unknown> = {}
      for (let position = 0; position < columns.length; position++) row[columns[position]!] = values[position]
      for (const position of bytes) row[columns[position]!] = encodeValue(values[position])
      found.set(Number(values[columns.length]), row)
    }
  }
  return replicated.map((entry) => ({ table: entry.table_name, key: JSON.parse(entry.row_key) as KeyValue[], row: found.get(entry.seq) ?? null }))
}

/**
 * The table's rows joined to its feed entries in (from, to] on the key each entry holds (a JSON
 * array of the key's values), so that the table's primary key answers each: SQLite reads the JSON
 * as the values it holds; PostgreSQL is given them typed as the table's columns are.
 */
function joinedToFeed(db: Db, table: ReplicatedTable, from: number, to: number): RawBuilder<unknown> {
  const key = REPLICATED_TABLES[table]
  if (!onPostgres(db)) {
    const matches = key.map((column, index) => sql`t.${sql.ref(column)} = json_extract(rc.row_key, ${`$[${index}]`})`)
    // The unary + keeps SQLite from reading the table's every feed entry through the
    // (table_name, row_key) index: the seq range is the narrower way in.
    return sql`FROM row_changes rc JOIN ${sql.table(table)} t ON ${sql.join(matches, sql` AND `)}
      WHERE rc.seq > ${from} AND rc.seq <= ${to} AND +rc.table_name = ${table}`
  }
  const fields = key.map((column, index) => sql`${sql.lit(column)}, rc.row_key::jsonb -> ${sql.lit(index)}`)
  const matches = key.map((column) => sql`t.${sql.ref(column)} = k.${sql.ref(column)}`)
  return sql`FROM row_changes rc
    CROSS JOIN LATERAL jsonb_populate_record(NULL::${sql.table(table)}, jsonb_build_object(${sql.join(fields)})) AS k
    JOIN ${sql.table(table)} t ON ${sql.join(matches, sql` AND `)}
    WHERE rc.seq > ${from} AND rc.seq <= ${to} AND rc.table_name = ${table}`
}

/** Counted exactly up to this many; beyond, estimated, as counting millions for every page would cost more than the page. */
const COUNTED_EXACTLY = 10_000

/**
 * How many changes follow `next`: exact while few remain, else estimated from this page's density
 * (seqs are skipped where a row changed again). Zero exactly when none remain.
 */
async function remainingAfter(db: Db, next: number, page: ReadonlyArray<{ seq: number }>): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM row_changes WHERE seq > ${next} LIMIT ${COUNTED_EXACTLY}) AS following`.execute(db)
  const counted = Number(rows[0]?.n ?? 0)
  if (counted < COUNTED_EXACTLY) return counted
  const newest = await db.selectFrom('row_changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst()
  const density = page.length / (page.at(-1)!.seq - page[0]!.seq + 1)
  return Math.max(COUNTED_EXACTLY, Math.round((Number(newest?.seq ?? next) - next) * density))
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
    for (const slice of readsOf(tableKeys)) {
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE ${keysMatching(columns, slice)}`.execute(db)
      for (const row of rows) found.set(identify(table, columns.map((column) => row[column] as KeyValue)), row)
    }
  }
  return keys.map(({ table, key }) => {
    const row = found.get(identify(table, key))
    return { table, key, row: row ? encodeRow(row) : null }
  })
}

/**
 * SQLite nests each OR a level deeper and refuses past 1,000 levels: keys spread over many
 * prefixes (one new hour of every series) are read a few hundred prefixes at a time.
 */
const PREFIXES_PER_READ = 200

/** The keys in reads of at most KEYS_PER_READ keys and PREFIXES_PER_READ prefixes each. */
function readsOf(keys: readonly RowKey[]): RowKey[][] {
  const reads: RowKey[][] = []
  let read: RowKey[] = []
  let prefixes = new Set<string>()
  for (const key of keys) {
    const prefix = JSON.stringify(key.key.slice(0, -1))
    if (read.length === KEYS_PER_READ || (!prefixes.has(prefix) && prefixes.size === PREFIXES_PER_READ)) {
      reads.push(read)
      read = []
      prefixes = new Set()
    }
    read.push(key)
    prefixes.add(prefix)
  }
  if (read.length > 0) reads.push(read)
  return reads
}

/**
 * A condition matching exactly these keys, which the primary key's index answers: keys sharing
 * all but their last column (a metric series' hours) share one IN list.
 */
function keysMatching(columns: readonly string[], keys: readonly RowKey[]): RawBuilder<unknown> {
  const leading = columns.slice(0, -1)
  const last = columns.at(-1)!
  const groups = new Map<string, { prefix: KeyValue[]; lasts: KeyValue[] }>()
  for (const { key } of keys) {
    const prefix = key.slice(0, -1)
    const id = JSON.stringify(prefix)
    const group = groups.get(id) ?? { prefix, lasts: [] }
    group.lasts.push(key.at(-1)!)
    groups.set(id, group)
  }
  return sql.join(
    [...groups.values()].map(({ prefix, lasts }) => {
      const fixed = leading.map((column, index) => sql`${sql.ref(column)} = ${prefix[index]} AND `)
      return sql`(${sql.join(fixed, sql``)}${sql.ref(last)} IN (${sql.join(lasts)}))`
    }),
    sql` OR `,
  )
}

function identify(table: string, key: readonly KeyValue[]): string {
  return JSON.stringify([table, ...key])
}

/** Bytes travel as `{ $base64 }` (domain/sync.ts); every other value as it is stored. */
function encodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const encoded: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) encoded[column] = encodeValue(value)
  return encoded
}

/** A column value as it travels: bytes as `{ $base64 }`, every other value as it is stored. */
export function encodeValue(value: unknown): unknown {
  return value instanceof Uint8Array ? { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') } : value
}

/** A pulled row's columns as they are stored: `{ $base64 }` back to bytes. */
export function decodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const decoded: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) decoded[column] = decodeValue(value)
  return decoded
}

/** A pulled column value as it is stored: `{ $base64 }` back to bytes. */
export function decodeValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const base64 = (value as { $base64?: unknown }).$base64
  return typeof base64 === 'string' ? Buffer.from(base64, 'base64') : value
}
