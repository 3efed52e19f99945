/**
 * A connection as kysely sees it, with each statement compiled once: kysely prepares every query
 * it runs afresh, and for the small reads a request makes, preparing costs more than running.
 * Statements are kept by their SQL text, the most recently used few hundred of them.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

const KEPT_STATEMENTS = 500

export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>()
  return {
    close: () => sqlite.close(),
    prepare: (sql) => {
      let statement = statements.get(sql)
      if (statement) {
        // Most recently used last: a Map keeps insertion order.
        statements.delete(sql)
      } else {
        statement = sqlite.prepare(sql)
        if (statements.size >= KEPT_STATEMENTS) statements.delete(statements.keys().next().value!)
      }
      statements.set(sql, statement)
      return statement
    },
  }
}
