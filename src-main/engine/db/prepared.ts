/**
 * Raw access for the few paths that write or read tens of thousands of rows at a time (metric
 * buckets, a full evaluation, the audit chain). kysely still builds every query, with placeholders
 * only. On SQLite, better-sqlite3 runs it on the connection the handle stands for: the read
 * connection for reads, the write connection inside a transaction, so a raw read inside a
 * transaction sees that transaction's writes, and one outside never sees uncommitted work. On
 * PostgreSQL the handle runs it, as any query.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { CompiledQuery, PostgresAdapter, type Compilable } from 'kysely'
import type { Database, Db, Tx } from './schema'

const connections = new WeakMap<object, BetterSqlite3.Database>()
const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>()

/** Records which SQLite connection a handle (the reader, or one transaction) runs on. */
export function bindConnection(handle: object, sqlite: BetterSqlite3.Database): void {
  connections.set(handle, sqlite)
}

/** Whether the handle runs on PostgreSQL rather than a SQLite file. */
export function onPostgres(handle: Db): boolean {
  return handle.getExecutor().adapter instanceof PostgresAdapter
}

/** The SQLite connection a handle runs on; undefined on PostgreSQL. */
export function sqliteOf(handle: Db): BetterSqlite3.Database | undefined {
  const sqlite = connections.get(handle)
  if (!sqlite && !onPostgres(handle)) throw new Error('This SQLite handle has no connection bound to it')
  return sqlite
}

/** A statement run many times with different parameters: compiled once per connection and key on SQLite. */
export interface RepeatedStatement {
  run(parameters: readonly unknown[]): Promise<void>
}

const DONE = Promise.resolve()

export function repeatedStatement(handle: Db, key: string, compile: () => CompiledQuery): RepeatedStatement {
  const sqlite = sqliteOf(handle)
  if (!sqlite) {
    const { sql } = compile()
    return { run: async (parameters) => void (await handle.executeQuery(CompiledQuery.raw(sql, [...parameters]))) }
  }
  let statements = statementCache.get(sqlite)
  if (!statements) statementCache.set(sqlite, (statements = new Map()))
  let statement = statements.get(key)
  if (!statement) statements.set(key, (statement = sqlite.prepare(compile().sql)))
  const prepared = statement
  return {
    run: (parameters) => {
      prepared.run(parameters)
      return DONE
    },
  }
}

/**
 * A read's rows as arrays, in the order of its selected columns, for the reads of tens of
 * thousands of rows a full evaluation makes: an object per row would cost more than the read.
 */
export async function rawRows<Row extends unknown[]>(handle: Db, query: Compilable): Promise<Row[]> {
  const sqlite = sqliteOf(handle)
  const { sql, parameters } = query.compile()
  if (sqlite) return sqlite.prepare(sql).raw(true).all(parameters) as Row[]
  const { rows } = await handle.executeQuery<Record<string, unknown>>(CompiledQuery.raw(sql, [...parameters]))
  return rows.map((row) => Object.values(row) as Row)
}

/**
 * A read's rows as arrays, for reading a whole large table: one at a time from a SQLite file,
 * without holding them; PostgreSQL's answer comes whole.
 */
export async function iterateRawRows<Row extends unknown[]>(handle: Db, query: Compilable): Promise<Iterable<Row>> {
  const sqlite = sqliteOf(handle)
  if (!sqlite) return rawRows<Row>(handle, query)
  const { sql, parameters } = query.compile()
  return sqlite.prepare(sql).raw(true).iterate(parameters) as IterableIterator<Row>
}

/** Rows per statement when PostgreSQL is sent many rows: few round trips, well inside its 65,535 parameters. */
const POSTGRES_ROWS_PER_INSERT = 1_000

/**
 * Inserts many rows into one table: on SQLite one prepared statement run per row (SQLite does no
 * round trips, and reuses the statement); on PostgreSQL many rows per statement.
 */
export interface RowInserter {
  /** Holds or writes a row; answers a promise only when it wrote (await it before the next). */
  add(values: readonly unknown[]): Promise<void> | undefined
  finish(): Promise<void>
}

export function rowInserter<T extends keyof Database & string>(tx: Tx, table: T, columns: ReadonlyArray<keyof Database[T] & string>): RowInserter {
  const blank = Object.fromEntries(columns.map((column) => [column, null]))
  if (!onPostgres(tx)) {
    const statement = repeatedStatement(tx, `${table}.insert.${columns.join(',')}`, () => tx.insertInto(table).values(blank as never).compile())
    return {
      add: (values) => {
        // SQLite has run it by the time run() returns: nothing to wait for, row after row.
        void statement.run(values)
        return undefined
      },
      finish: () => DONE,
    }
  }
  let held: Array<Record<string, unknown>> = []
  const finish = async () => {
    if (held.length === 0) return
    const rows = held
    held = []
    await tx.insertInto(table).values(rows as never).execute()
  }
  return {
    add: (values) => {
      held.push(Object.fromEntries(columns.map((column, index) => [column, values[index]])))
      return held.length === POSTGRES_ROWS_PER_INSERT ? finish() : undefined
    },
    finish,
  }
}
