/**
 * The audit trail as an audit package carries it: a contiguous run of event ids ending at the
 * chain's head for the report's moment, oldest first, each with its place in the hash chain, so
 * an auditor can check the extract against the head the manifest names.
 *
 * The run is found by id, never by filtering on time: an event written while some process's
 * clock ran ahead (or one recorded with a moment of its own) sits inside the run by its id, so a
 * genuine package never has a gap. The moments only locate the run's ends: its last event is the
 * newest (by id) recorded at or before as_of; its first follows the newest recorded before the
 * period began.
 */
import { AUDIT_CHAIN_COLUMNS, type ChainedEvent } from '../audit/audit-chain'
import type { Db } from '../db/schema'

export interface TrailRun {
  /** The first event of the run; past `head` when the period recorded nothing. */
  first_id: number
  /** The chain's head for the moment: its newest event by then (undefined while the trail was empty). */
  head: { id: number; hash: string } | undefined
}

/** Locates the run of events from the period's start to the head for `asOf`. A connected desktop's own events (ids below one) stand outside the chain. */
export async function trailRun(db: Db, periodStart: string, asOf: string): Promise<TrailRun> {
  const newest = await db.selectFrom('audit_events').select(['id', 'hash']).where('id', '>', 0).where('at', '<=', asOf).orderBy('id', 'desc').limit(1).executeTakeFirst()
  const head = newest?.hash ? { id: Number(newest.id), hash: newest.hash } : undefined
  if (!head) return { first_id: 1, head: undefined }
  const before = await db.selectFrom('audit_events').select('id').where('id', '>', 0).where('id', '<=', head.id).where('at', '<', periodStart).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return { first_id: Number(before?.id ?? 0) + 1, head }
}

/**
 * Each event of the run as stored, its JSON fields as the exact text that was hashed: anyone can
 * recompute the chain from the file alone (README: tamper-evident audit trail).
 */
export function auditTrailExtract(db: Db, run: TrailRun): Promise<ChainedEvent[]> {
  if (!run.head || run.first_id > run.head.id) return Promise.resolve([])
  return db.selectFrom('audit_events').select(AUDIT_CHAIN_COLUMNS).where('id', '>=', run.first_id).where('id', '<=', run.head.id).orderBy('id').execute()
}
