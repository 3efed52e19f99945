/**
 * One consistent view of the whole workspace, held while a large read streams out (a desktop's
 * first pull), on a connection of its own so that writers go on meanwhile: on a SQLite file a
 * read transaction on a new connection (WAL keeps the view), on PostgreSQL a REPEATABLE READ,
 * READ ONLY transaction on a pooled connection of its own.
 */
import BetterSqlite3 from 'better-sqlite3'
import type { CompiledQuery, Kysely } from 'kysely'
import type { Database } from './schema'

export interface ReadSnapshot {
  /**
   * A read's rows, as arrays in the order of its selected columns. A large table is read a
   * bounded stretch at a time (by key), and on SQLite each read runs synchronously: the caller
   * gives the event loop a turn in between.
   */
  rows(query: CompiledQuery): Promise<unknown[][]>
}

/** Runs `work` on one read snapshot; the snapshot is let go when it settles, however it ends. */
export type ReadInSnapshot = <T>(work: (snapshot: ReadSnapshot) => Promise<T>) => Promise<T>

/** Readers in WAL mode almost never wait; when they do it is for a crash recovery, briefly. */
const BUSY_TIMEOUT_MS = 2_000

export function sqliteReadSnapshot(file: string, nativeBinding?: string): ReadInSnapshot {
  return async (work) => {
    // The workspace is open already: were it gone, SQLite must not make a new one.
    const connection = new BetterSqlite3(file, { ...(nativeBinding ? { nativeBinding } : {}), fileMustExist: true })
    try {
      connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
      connection.pragma('query_only = ON')
      // The same few reads run again and again, a stretch of a table each.
      const prepared = new Map<string, BetterSqlite3.Statement>()
      const statementFor = (text: string) => prepared.get(text) ?? prepared.set(text, connection.prepare(text).raw(true)).get(text)!
      // Deferred: the view is fixed by the first read inside it, and kept until COMMIT (or close).
      connection.exec('BEGIN')
      const result = await work({ rows: async ({ sql, parameters }) => statementFor(sql).all(parameters) as unknown[][] })
      connection.exec('COMMIT')
      return result
    } finally {
      connection.close()
    }
  }
}

export function postgresReadSnapshot(db: Kysely<Database>): ReadInSnapshot {
  return (work) =>
    db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((tx) => work({ rows: async (query) => (await tx.executeQuery<Record<string, unknown>>(query)).rows.map((row) => Object.values(row)) }))
}
