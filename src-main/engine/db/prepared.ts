/**
 * Prepared statements for the few paths that write thousands of rows at a time (metric buckets,
 * a full evaluation's statuses). kysely compiles the SQL once per connection and key, with
 * placeholders only; better-sqlite3 runs it with each row's parameters. Building and compiling a
 * query tree per row or per batch would cost more than SQLite's own work.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { Compilable, CompiledQuery } from 'kysely'

const cache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>()

export function preparedStatement(sqlite: BetterSqlite3.Database, key: string, compile: () => CompiledQuery): BetterSqlite3.Statement {
  let statements = cache.get(sqlite)
  if (!statements) cache.set(sqlite, (statements = new Map()))
  let statement = statements.get(key)
  if (!statement) statements.set(key, (statement = sqlite.prepare(compile().sql)))
  return statement
}

/**
 * A read's rows as arrays, in the order of its selected columns, for the reads of tens of
 * thousands of rows a full evaluation makes: an object per row would cost more than the read.
 */
export function rawRows<Row extends unknown[]>(sqlite: BetterSqlite3.Database, query: Compilable): Row[] {
  const { sql, parameters } = query.compile()
  return sqlite.prepare(sql).raw(true).all(parameters) as Row[]
}
