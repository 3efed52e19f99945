/**
 * Taking the workspace's write lock. Several processes may have one workspace open (the desktop
 * app, `govern serve`, `govern import`); SQLite lets one write at a time. Every write transaction
 * takes the lock up front (BEGIN IMMEDIATE), so a transaction that reads and then writes never
 * fails half-way; while another process holds it, this one waits its turn without blocking its
 * event loop, and gives up with a `busy` error after a bounded wait.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type SqliteDialectConfig } from 'kysely'
import { EngineError } from '../errors'

/** How long a write waits for other processes' transactions before answering `busy`. */
export const DEFAULT_LOCK_WAIT_MS = 10_000

/** Raised when the write lock could not be had in time; transports answer 503 with Retry-After. */
export function workspaceBusy(waitedMs: number): EngineError {
  return new EngineError('busy', `The workspace is busy with another program's change (waited ${Math.round(waitedMs)} ms); try again in a moment.`)
}

export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED')
}

/**
 * The longest pause between tries for the lock. A try costs microseconds, and a long task leaves
 * the lock free only briefly between its steps (resumable-tasks.ts), so a waiter must look often.
 */
export const LOCK_POLL_MAX_MS = 10

/** Short, growing, jittered pauses: a lock held for a few milliseconds is picked up promptly. */
function pauseMs(attempt: number): number {
  return Math.min(2 ** attempt, LOCK_POLL_MAX_MS * 0.8) * (0.5 + Math.random() * 0.75)
}

class ImmediateTransactionDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly lockWaitMs: number,
  ) {
    super(config)
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const started = performance.now()
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'))
        return
      } catch (error) {
        if (!isSqliteBusy(error)) throw error
        const waited = performance.now() - started
        if (waited >= this.lockWaitMs) throw workspaceBusy(waited)
        await sleep(Math.min(pauseMs(attempt), this.lockWaitMs - waited))
      }
    }
  }
}

/**
 * SQLite changes its schema inside transactions, though kysely's adapter says otherwise; saying so
 * makes the migrator run every pending migration in one transaction (begun IMMEDIATE, so under
 * the write lock). A program killed while creating or upgrading a workspace leaves it as it was,
 * and two programs creating one file at once take turns instead of racing.
 */
class TransactionalMigrations extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

/** kysely's SQLite dialect, with every transaction begun IMMEDIATE and waiting its turn. */
export class ImmediateTransactionDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly lockWaitMs = DEFAULT_LOCK_WAIT_MS,
  ) {
    super(config)
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.config, this.lockWaitMs)
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalMigrations()
  }
}
