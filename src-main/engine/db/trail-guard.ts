/**
 * The one switch that lets the append-only refusal on audit_events stand aside (migrations/
 * 0014_audit_checkpoints.ts): a SQL function only the console's own connections define, true
 * only while that connection applies its server's trail (sync/server-trail.ts). A flag in the
 * workspace file could be set by anyone holding the file; this cannot, and any other program's
 * write to the trail fails at once ("no such function"). Dropping the triggers is still open to
 * anyone with the file: the signed checkpoints (audit/checkpoint.ts) are what reveal that.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { sqliteOf } from './prepared'
import type { Tx } from './schema'

export const TRAIL_GUARD_FUNCTION = 'console_applies_server_trail'

/** Per connection: how many server-trail writes are under way on it (one transaction at a time). */
const applying = new WeakMap<BetterSqlite3.Database, number>()

export function defineTrailGuard(sqlite: BetterSqlite3.Database): void {
  sqlite.function(TRAIL_GUARD_FUNCTION, { deterministic: false }, () => ((applying.get(sqlite) ?? 0) > 0 ? 1 : 0))
}

/** Runs `work` (writes of the server's trail, inside the pull's transaction) with the refusal stood aside on that transaction's connection. */
export async function whileApplyingServerTrail<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const sqlite = sqliteOf(tx)
  // PostgreSQL workspaces are servers: they never pull, and their refusal never stands aside.
  if (!sqlite) return work()
  applying.set(sqlite, (applying.get(sqlite) ?? 0) + 1)
  try {
    return await work()
  } finally {
    applying.set(sqlite, applying.get(sqlite)! - 1)
  }
}
