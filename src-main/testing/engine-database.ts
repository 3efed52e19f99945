/**
 * Where a test's engine keeps its workspace. The engine's and API's suites run twice: on SQLite
 * files, and (the `engine-on-postgres` project, GOVERN_TEST_DATABASE=postgres) on PostgreSQL,
 * where each workspace file a test names stands for a database of its own, copied from a
 * migrated template so it opens as fast as a new file. Opening the same file again (a restart,
 * a second process) opens the same database. Each test file's databases are dropped after it.
 * Nothing here needs vitest, so scripts that tests run as processes of their own may import it.
 */
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { Client, Pool } from 'pg'
import { typeParsers, WRITE_LOCK_KEY } from '../engine/db/postgres'
import { TEMPLATE_DATABASE } from './postgres-server'

export const ENGINE_TESTS_ON_POSTGRES = process.env.GOVERN_TEST_DATABASE === 'postgres'

/**
 * Whether test engines run full evaluations and reports on their worker threads, as `govern serve`
 * and the desktop app do (the `engine-with-workers` project sets GOVERN_TEST_WORKERS=1). Without
 * them, the engine does that work on the test's own thread, a path no user takes.
 */
export const ENGINE_TESTS_WITH_WORKERS = process.env.GOVERN_TEST_WORKERS === '1'


const databases = new Map<string, Promise<string>>()

/** Drops the databases this test file made (engine-on-postgres-setup.ts runs it after each file). */
export async function dropTestDatabases(): Promise<void> {
  if (databases.size === 0) return
  const { dropDatabases } = await import('./postgres-database')
  await dropDatabases(new Set(await Promise.all(databases.values())))
  databases.clear()
}

/**
 * The workspace a test's file name stands for: the file itself, or its PostgreSQL database's URL.
 * An engine's `path` names its database without the password, and opens the same database again.
 */
export async function testWorkspaceLocation(file: string): Promise<string> {
  if (!ENGINE_TESTS_ON_POSTGRES) return file
  let url = databases.get(file)
  if (!url) {
    // Imported here: the helpers reach vitest's context, which scripts run beside tests lack.
    databases.set(file, (url = import('./postgres-database').then(({ createDatabase }) => createDatabase(TEMPLATE_DATABASE))))
    void url.then((made) => databases.set(withoutPassword(made), url!), () => undefined)
  }
  return url
}

function withoutPassword(url: string): string {
  const parsed = new URL(url)
  return `postgres://${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host}${parsed.pathname}`
}

/** Whether a test engine's `path` names a PostgreSQL database this file's tests made (rather than a SQLite file). */
export function isTestDatabase(path: string): boolean {
  return databases.has(path)
}

/** Where another process opens a test engine's workspace: its file, or its database's URL with the password. */
export function workspaceLocationOf(enginePath: string): Promise<string> {
  return isTestDatabase(enginePath) ? databaseOf(enginePath) : Promise.resolve(enginePath)
}

/** The database a test engine's `path` names, with the password to connect. */
function databaseOf(path: string): Promise<string> {
  const url = databases.get(path)
  if (!url) throw new Error(`${path} is not a database this test file made`)
  return url
}

/**
 * Takes the workspace's write lock as another process would, until released: on a file, a SQLite
 * write transaction; on PostgreSQL, the engine's advisory lock on a connection of its own.
 */
export async function holdWriteLock(enginePath: string): Promise<{ release: () => Promise<void> }> {
  if (!ENGINE_TESTS_ON_POSTGRES) {
    const other = new BetterSqlite3(enginePath)
    other.exec('BEGIN IMMEDIATE')
    return {
      release: async () => {
        other.exec('ROLLBACK')
        other.close()
      },
    }
  }
  const client = new Client({ connectionString: await databaseOf(enginePath) })
  await client.connect()
  await client.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK_KEY])
  return { release: () => client.end() }
}

/**
 * A connection of its own to a test engine's workspace, as another program (or someone with the
 * database's password) would open it: for tests that change rows behind the engine's back. A
 * path this file's tests made no database for is a SQLite file (a desktop's, say).
 */
export async function withRawWorkspace<T>(enginePath: string, work: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = databases.has(enginePath)
    ? new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: await databaseOf(enginePath), max: 1, types: typeParsers }) }) })
    : new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(enginePath) }) })
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

/**
 * Runs `work` on a connection of its own with the audit trail's append-only triggers lifted, as
 * the file's or the database's owner could, and puts them back: for tests that rewrite the trail
 * behind the engine's back. On a file they are dropped and made again (another program cannot
 * satisfy them); on PostgreSQL, disabled and enabled.
 */
export async function aroundTrailTriggers<T>(enginePath: string, work: (db: Kysely<any>) => Promise<T>): Promise<T> {
  return withRawWorkspace(enginePath, async (db) => {
    if (databases.has(enginePath)) {
      const { rows } = await sql<{ name: string }>`SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgname LIKE 'audit_events_append_only_%'`.execute(db)
      const each = (verb: 'DISABLE' | 'ENABLE') => Promise.all(rows.map(({ name }) => sql.raw(`ALTER TABLE audit_events ${verb} TRIGGER "${name}"`).execute(db)))
      await each('DISABLE')
      try {
        return await work(db)
      } finally {
        await each('ENABLE')
      }
    }
    const { rows } = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_events_append_only_%'`.execute(db)
    for (const { name } of rows) await sql.raw(`DROP TRIGGER "${name}"`).execute(db)
    try {
      return await work(db)
    } finally {
      for (const trigger of rows) await sql.raw(trigger.sql).execute(db)
    }
  })
}
