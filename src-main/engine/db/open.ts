/**
 * Opening a workspace: a single SQLite file. Anything that is not one of our workspaces, or was
 * written by a newer version of the console, is refused before a single byte of it is changed.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { sqliteMigrations } from '../../../migrations/dialect'
import { WorkspaceError } from '../errors'
import { appliedMigrationsProblem, KNOWN_MIGRATIONS, MIGRATION_TABLE, migrateToLatest } from './migrate'
import { bindConnection } from './prepared'
import { sqliteReadSnapshot, type ReadInSnapshot } from './read-snapshot'
import { withStatementCache } from './statement-cache'
import { defineTrailGuard } from './trail-guard'
import type { Database, Db, Tx } from './schema'
import { ImmediateTransactionDialect } from './write-lock'

export interface OpenOptions {
  /** Path to a better-sqlite3 build for this runtime (the desktop app passes its Electron build). */
  nativeBinding?: string
  /** How long a write waits for another process's transaction before answering `busy`. */
  lockWaitMs?: number
  /**
   * Refuse a missing or empty file rather than make a new workspace there: a command that reads
   * or changes a workspace must not invent one at a mistyped path.
   */
  mustExist?: boolean
}

/**
 * An open workspace: two connections to one file. Reads run on their own connection, so they see
 * only committed work; every write runs in a transaction on the other, holding the write lock.
 */
export interface OpenedDatabase {
  /** The read connection. */
  reader: Db
  /** Runs `work` in one write transaction: committed if it resolves, rolled back if it throws. */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * Changes whenever anything is committed to the workspace (by this process or another). Read
   * before an answer is built, it is never newer than what the answer saw.
   */
  generation(): Promise<string>
  /**
   * A mark that moves whenever a connection other than this process's writer has committed
   * (another process, this process's worker threads), given the generation just read: what this
   * process cannot attribute to changes of its own. It never moves for this writer's commits.
   */
  othersCommitted(generation: string): Promise<string>
  /** Name of the newest migration applied. */
  schemaVersion: string
  /** The migrations the workspace records as applied, oldest first, read afresh on the read connection. */
  appliedMigrations(): Promise<string[]>
  /** The migrations applied in opening it, oldest first: none when it was up to date. */
  migrated: readonly string[]
  /** Runs a long read on one consistent view of the workspace, on a connection of its own (read-snapshot.ts). */
  readSnapshot: ReadInSnapshot
  close(): Promise<void>
}

/** While opening, waiting on another process (say, one migrating the same file) is fine. */
const OPENING_BUSY_TIMEOUT_MS = 10_000
/** Readers in WAL mode almost never wait; when they do it is for a crash recovery, briefly. */
const READER_BUSY_TIMEOUT_MS = 2_000

/**
 * Runs `step` again while SQLite answers busy, for up to `timeoutMs`. Switching a new file to WAL
 * while another process is creating the same file can be refused at once, without SQLite's busy
 * handler ever waiting (it would risk a deadlock); a moment later it succeeds.
 */
function retryWhileBusy<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    try {
      return step()
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error
      Atomics.wait(pause, 0, 0, 25)
    }
  }
}

export async function openDatabase(file: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
  assertNotAFolder(file)
  if (options.mustExist) assertWorkspaceExists(file)
  else mkdirSync(dirname(file), { recursive: true })

  const writerSqlite = connect(file, options)
  defineTrailGuard(writerSqlite)
  try {
    writerSqlite.pragma(`busy_timeout = ${OPENING_BUSY_TIMEOUT_MS}`)
    assertSchemaIsOurs(writerSqlite, file)
    // Only now may the file change: WAL for concurrent readers, foreign keys always enforced.
    retryWhileBusy(() => writerSqlite.pragma('journal_mode = WAL'), OPENING_BUSY_TIMEOUT_MS)
    writerSqlite.pragma('foreign_keys = ON')
    writerSqlite.pragma('synchronous = NORMAL')
  } catch (error) {
    writerSqlite.close()
    throw error
  }

  const writer = new Kysely<Database>({ dialect: new ImmediateTransactionDialect({ database: withStatementCache(writerSqlite) }, options.lockWaitMs) })
  let readerSqlite: BetterSqlite3.Database | undefined
  let migrated: string[]
  try {
    migrated = await migrateToLatest(writer, sqliteMigrations, file)
    // From here on a write waits for the lock asynchronously (see write-lock.ts), never blocking the thread.
    writerSqlite.pragma('busy_timeout = 0')
    readerSqlite = connect(file, options)
    readerSqlite.pragma(`busy_timeout = ${READER_BUSY_TIMEOUT_MS}`)
    readerSqlite.pragma('query_only = ON')
  } catch (error) {
    readerSqlite?.close()
    await writer.destroy()
    throw error
  }
  const reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(readerSqlite) }) })
  bindConnection(reader, readerSqlite)
  const readConnection = readerSqlite
  const appliedStatement = readerSqlite.prepare(`SELECT name FROM ${MIGRATION_TABLE} ORDER BY name`).pluck()
  // Asked on every kept read: prepared once, not on each call as pragma() would.
  const readVersion = readerSqlite.prepare('PRAGMA data_version').pluck()
  const writeVersion = writerSqlite.prepare('PRAGMA data_version').pluck()

  return {
    reader,
    write: (work) =>
      writer.transaction().execute((tx) => {
        bindConnection(tx, writerSqlite)
        return work(tx)
      }),
    generation: () => Promise.resolve(String(readVersion.get())),
    // SQLite's data_version on a connection moves only for commits by other connections.
    othersCommitted: () => Promise.resolve(String(writeVersion.get())),
    schemaVersion: KNOWN_MIGRATIONS.at(-1) ?? 'none',
    appliedMigrations: () => Promise.resolve(appliedStatement.all() as string[]),
    migrated,
    readSnapshot: sqliteReadSnapshot(file, options.nativeBinding),
    close: async () => {
      await reader.destroy()
      // kysely closes only a connection it has run a query on, and raw reads (the readiness
      // probe's among them) may be all this one served; left open with a statement prepared on
      // it, it keeps the writer's close from checkpointing the WAL into the workspace file.
      if (readConnection.open) readConnection.close()
      await writer.destroy()
    },
  }
}

function connect(file: string, options: OpenOptions): BetterSqlite3.Database {
  try {
    // Told it must exist, SQLite does not create the file if it vanished since it was looked at.
    return new BetterSqlite3(file, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), fileMustExist: options.mustExist === true })
  } catch (error) {
    throw new WorkspaceError('not_a_workspace', `Cannot open ${file} as a workspace: ${(error as Error).message}`)
  }
}

/**
 * Refuses what SQLite cannot tell: a folder. The header is not read here but by SQLite itself
 * (assertSchemaIsOurs): a handle of our own on the file, once closed, would drop every POSIX lock
 * this process holds on it through SQLite (another thread's connections included), and other
 * programs would take the workspace for unused and delete its WAL while it is being written.
 */
function assertNotAFolder(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new WorkspaceError('not_a_workspace', `${file} is a folder, not a workspace file.`)
  }
}

/** An empty file is what SQLite makes a new workspace from: to a command that needs one, there is none. */
function assertWorkspaceExists(file: string): void {
  if (!existsSync(file)) throw new WorkspaceError('no_workspace', `There is no workspace at ${file}. Nothing was created there.`)
  if (statSync(file).size === 0) throw new WorkspaceError('no_workspace', `${file} is an empty file, not a workspace. It was left untouched.`)
}

function assertSchemaIsOurs(sqlite: BetterSqlite3.Database, file: string): void {
  let tables: string[]
  try {
    tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (row) => row.name,
    )
  } catch (error) {
    // SQLite read the file's first page and found no database header there.
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new WorkspaceError('not_a_workspace', `${file} is not a Governance Console workspace (it is not a SQLite database). It was left untouched.`)
    }
    throw new WorkspaceError(
      'not_a_workspace',
      `${file} is not a readable SQLite database (${(error as Error).message}). It was left untouched.`,
    )
  }
  if (tables.length === 0) return
  if (!tables.includes(MIGRATION_TABLE)) {
    throw new WorkspaceError(
      'not_a_workspace',
      `${file} is a SQLite database but not a Governance Console workspace. It was left untouched.`,
    )
  }
  const applied = (sqlite.prepare(`SELECT name FROM ${MIGRATION_TABLE} ORDER BY name`).all() as { name: string }[]).map(
    (row) => row.name,
  )
  const problem = appliedMigrationsProblem(applied)
  if (problem?.reason === 'schema_too_new') {
    throw new WorkspaceError(
      'schema_too_new',
      `${file} was written by a newer version of Governance Console (schema ${problem.newest}; this version knows up to ${KNOWN_MIGRATIONS.at(-1)}). Update the console to open it. The file was left untouched.`,
    )
  }
  if (problem) {
    throw new WorkspaceError(
      'schema_mismatch',
      `${file} has schema migrations applied out of order (${applied.join(', ')}); it cannot be opened safely. It was left untouched.`,
    )
  }
}
