/**
 * Raw access to the SQLite connection behind a kysely handle, for the few paths that write or
 * read tens of thousands of rows at a time (metric buckets, a full evaluation). kysely still
 * builds every query, with placeholders only; better-sqlite3 runs it on the connection the
 * handle stands for: the read connection for reads, the write connection inside a transaction.
 * So a raw read inside a transaction sees that transaction's writes, and a raw read outside one
 * never sees another request's uncommitted work.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { Compilable, CompiledQuery } from 'kysely'
import type { Db } from './schema'

const connections = new WeakMap<object, BetterSqlite3.Database>()
const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>()

/** Records which connection a handle (the reader, or one transaction) runs on. */
export function bindConnection(handle: object, sqlite: BetterSqlite3.Database): void {
  connections.set(handle, sqlite)
}

function connectionOf(handle: Db): BetterSqlite3.Database {
  const sqlite = connections.get(handle)
  if (!sqlite) throw new Error('This database handle has no SQLite connection bound to it')
  return sqlite
}

/** A statement compiled once per connection and key, run with each row's parameters. */
export function preparedStatement(handle: Db, key: string, compile: () => CompiledQuery): BetterSqlite3.Statement {
  const sqlite = connectionOf(handle)
  let statements = statementCache.get(sqlite)
  if (!statements) statementCache.set(sqlite, (statements = new Map()))
  let statement = statements.get(key)
  if (!statement) statements.set(key, (statement = sqlite.prepare(compile().sql)))
  return statement
}

/**
 * A read's rows as arrays, in the order of its selected columns, for the reads of tens of
 * thousands of rows a full evaluation makes: an object per row would cost more than the read.
 */
export function rawRows<Row extends unknown[]>(handle: Db, query: Compilable): Row[] {
  const { sql, parameters } = query.compile()
  return connectionOf(handle).prepare(sql).raw(true).all(parameters) as Row[]
}

/** A read's rows as arrays, one at a time, for reading a whole large table without holding it. */
export function iterateRawRows<Row extends unknown[]>(handle: Db, query: Compilable): IterableIterator<Row> {
  const { sql, parameters } = query.compile()
  return connectionOf(handle).prepare(sql).raw(true).iterate(parameters) as IterableIterator<Row>
}
