/**
 * A workspace on a PostgreSQL server, named by a URL (postgres://USER:PASSWORD@HOST:5432/DATABASE).
 * Opening one checks the URL, then the connection, and says which is at fault, never repeating
 * the password; a database that holds another program's tables is refused before anything is
 * written, as a foreign SQLite file is.
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import { Pool, types } from 'pg'
import { postgresMigrations } from '../../../migrations/dialect'
import { WorkspaceError } from '../errors'
import { appliedMigrationsProblem, KNOWN_MIGRATIONS, MIGRATION_TABLE, migrateToLatest } from './migrate'
import type { OpenedDatabase } from './open'
import { postgresReadSnapshot } from './read-snapshot'
import type { Database } from './schema'
import { OthersCommits } from './postgres-commits'
import { sharedRead } from './shared-read'
import { DEFAULT_LOCK_WAIT_MS, workspaceBusy } from './write-lock'

const CONNECT_TIMEOUT_MS = 10_000
const URL_SHAPE = 'postgres://USER:PASSWORD@HOST:5432/DATABASE'

/** A checked database URL, and how to name it where people read: without its password. */
export interface PostgresTarget {
  label: string
  user: string
  server: string
  database: string
  password: string
}

function parseDatabaseUrl(url: string): PostgresTarget {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WorkspaceError('bad_database_url', `The database URL is not a URL; write it as ${URL_SHAPE}.`)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new WorkspaceError('bad_database_url', `The database URL starts with ${parsed.protocol}// where a PostgreSQL one starts with postgres://; write it as ${URL_SHAPE}.`)
  }
  const host = parsed.host
  const database = decodeURIComponent(parsed.pathname.slice(1))
  const user = decodeURIComponent(parsed.username)
  const problem = !host ? 'names no server' : !database ? 'names no database' : database.includes('/') ? `names "${database}", which is not a database name` : undefined
  if (problem) throw new WorkspaceError('bad_database_url', `The database URL ${problem}; write it as ${URL_SHAPE}.`)
  const label = `postgres://${user ? `${user}@` : ''}${host}/${database}`
  return { label, user, server: host, database, password: decodeURIComponent(parsed.password) }
}

/**
 * SQLite hands back its 64-bit integers as numbers, and the engine keeps every stored integer
 * below 2^53 (metrics/exact-buckets.ts); so do we, rather than pg's strings. A hash over a row
 * (the audit chain) must see the same values on either database.
 */
function parseInt8(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw new RangeError(`${text} is beyond the integers JavaScript holds exactly`)
  return value
}

/**
 * PostgreSQL sums integers as numeric, which pg hands back as text; a sum is a number to the
 * engine, as SQLite answers it.
 */
function parseNumeric(text: string): number {
  const value = Number(text)
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new RangeError(`${text} is beyond the integers JavaScript holds exactly`)
  return value
}

/** How the engine reads PostgreSQL's values, as SQLite answers them: every connection to a workspace reads with these. */
export const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? parseInt8 : oid === types.builtins.NUMERIC ? parseNumeric : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'])

function connectionRefusal(error: unknown, target: PostgresTarget): WorkspaceError {
  const { code, message } = error as { code?: string; message: string }
  const because =
    code === '28P01' || code === '28000' || /SASL|password/i.test(message)
      ? `the server at ${target.server} did not accept ${target.user ? `user ${target.user}` : 'the user'} (${message}); check the user and password in the URL`
      : code === '3D000'
        ? `there is no database ${target.database} on the server at ${target.server}; create it first (createdb ${target.database})`
        : (code && UNREACHABLE.has(code)) || /timeout|terminated/i.test(message)
          ? `no PostgreSQL server answers at ${target.server} (${message})`
          : message
  const text = `Cannot connect to ${target.label}: ${because}.`
  return new WorkspaceError('cannot_connect', target.password ? text.replaceAll(target.password, '***') : text)
}

/** Connects to the database the URL names; refuses with what is wrong when it cannot. */
export async function connectPostgres(url: string): Promise<{ db: Kysely<Database>; target: PostgresTarget }> {
  const target = parseDatabaseUrl(url)
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types: typeParsers })
  // An idle connection the server drops is discarded by the pool; the next query opens another.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    await sql`SELECT 1`.execute(db)
  } catch (error) {
    await db.destroy()
    throw connectionRefusal(error, target)
  }
  return { db, target }
}

/**
 * Brings a PostgreSQL workspace up to date; answers the migrations applied, oldest first. An empty
 * database (its current schema without tables) becomes a new workspace.
 */
export async function migratePostgres(db: Kysely<Database>, target: PostgresTarget): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() ORDER BY table_name`.execute(db)
  if (tables.length > 0) {
    if (!tables.some((table) => table.name === MIGRATION_TABLE)) {
      const some = tables.slice(0, 3).map((table) => table.name).join(', ')
      throw new WorkspaceError('not_a_workspace', `${target.label} holds tables of another program (${some}${tables.length > 3 ? ', …' : ''}), not a Governance Console workspace. It was left untouched; name an empty database.`)
    }
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db)
    const applied = rows.map((row) => row.name)
    const problem = appliedMigrationsProblem(applied)
    if (problem?.reason === 'schema_too_new') {
      throw new WorkspaceError('schema_too_new', `${target.label} was written by a newer version of Governance Console (schema ${problem.newest}; this version knows up to ${KNOWN_MIGRATIONS.at(-1)}). Update the console to use it. It was left untouched.`)
    }
    if (problem) {
      throw new WorkspaceError('schema_mismatch', `${target.label} has schema migrations applied out of order (${applied.join(', ')}); it cannot be used safely. It was left untouched.`)
    }
  }
  return migrateToLatest(db, postgresMigrations, target.label)
}

/** `govern migrate --database-url`: connects, brings the database up to date, and lets go. */
export async function migrateDatabaseAt(url: string): Promise<{ workspace: string; applied: string[] }> {
  const { db, target } = await connectPostgres(url)
  try {
    return { workspace: target.label, applied: await migratePostgres(db, target) }
  } finally {
    await db.destroy()
  }
}

/**
 * The engine writes one transaction at a time, as it does on a SQLite file: the audit chain links
 * each event to the one before, and the sync change feed numbers changes in commit order. Every
 * write transaction therefore takes this advisory lock first, held until it commits or rolls back,
 * whichever server process it runs in. Reads never take it.
 */
export const WRITE_LOCK_KEY = 0x676f7665 // "gove"

/** PostgreSQL's code for a lock wait that ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03'

/** The largest seq in the change feed (postgres-commits.ts), as text; 'none' while it is empty. */
const LARGEST_SEQ = sql<string>`COALESCE((SELECT max(seq) FROM row_changes)::text, 'none')`

/** Takes the lock; answers the largest seq in the change feed as the lock was taken. */
async function takeWriteLock(tx: Transaction<Database>, lockWaitMs: number): Promise<string> {
  const started = performance.now()
  await sql`SELECT set_config('lock_timeout', ${`${Math.max(1, Math.round(lockWaitMs))}ms`}, true)`.execute(tx)
  try {
    await sql`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`.execute(tx)
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) throw workspaceBusy(performance.now() - started)
    throw error
  }
  const { rows } = await sql<{ seq: string }>`SELECT set_config('lock_timeout', '0', true), ${LARGEST_SEQ} AS seq`.execute(tx)
  return rows[0]!.seq
}

/**
 * A workspace on PostgreSQL, opened as a SQLite file is (db/open.ts): brought up to date, then
 * read through a pool of connections and written one transaction at a time under the write lock.
 */
export async function openPostgresDatabase(url: string, options: { lockWaitMs?: number } = {}): Promise<OpenedDatabase & { label: string }> {
  const { db, target } = await connectPostgres(url)
  let migrated: string[]
  try {
    migrated = await migratePostgres(db, target)
  } catch (error) {
    await db.destroy()
    throw error
  }
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS
  const others = new OthersCommits()
  let lastRead: { snapshot: string; seq: string } | undefined
  return {
    label: target.label,
    reader: db,
    write: (work) =>
      db.transaction().execute(async (tx) => {
        others.writeBegins(await takeWriteLock(tx, lockWaitMs))
        const done = await work(tx)
        others.writeLeaves((await sql<{ seq: string }>`SELECT ${LARGEST_SEQ} AS seq`.execute(tx)).rows[0]!.seq)
        return done
      }),
    // The snapshot names every transaction still running: it changes as soon as any commits.
    // Requests arriving together share one look (shared-read.ts): the server's hot reads, served
    // from kept answers, then cost a fraction of a round trip each.
    // The change feed's largest seq is read with it, in the same snapshot: othersCommitted's.
    generation: sharedRead(async () => {
      const row = (await sql<{ snapshot: string; seq: string }>`SELECT pg_current_snapshot()::text AS snapshot, ${LARGEST_SEQ} AS seq`.execute(db)).rows[0]!
      lastRead = row
      return row.snapshot
    }),
    othersCommitted: async (generation) => {
      const seq = lastRead?.snapshot === generation ? lastRead.seq : (await sql<{ seq: string }>`SELECT ${LARGEST_SEQ} AS seq`.execute(db)).rows[0]!.seq
      return others.mark(seq)
    },
    schemaVersion: KNOWN_MIGRATIONS.at(-1) ?? 'none',
    appliedMigrations: async () => (await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db)).rows.map((row) => row.name),
    migrated,
    readSnapshot: postgresReadSnapshot(db),
    close: () => db.destroy(),
  }
}
