/**
 * The audit trail as an audit package carries it: the events of the report's period, oldest
 * first, each with its place in the hash chain, so an auditor can check the extract against the
 * chain's head the manifest names.
 */
import { AUDIT_CHAIN_COLUMNS, type ChainedEvent } from '../audit/audit-chain'
import type { Db } from '../db/schema'

/**
 * Each event as stored, its JSON fields as the exact text that was hashed: anyone can recompute
 * the chain from the file alone (README: tamper-evident audit trail).
 */
export function auditTrailExtract(db: Db, from: string, to: string): Promise<ChainedEvent[]> {
  return db.selectFrom('audit_events').select(AUDIT_CHAIN_COLUMNS).where('at', '>=', from).where('at', '<=', to).orderBy('id').execute()
}

/**
 * The chain's head as of the report's moment: the hash of the newest event then. The extract ends
 * on it, and the same moment names the same head however many exports (each an audit event) follow.
 */
export async function chainHeadAt(db: Db, asOf: string): Promise<string> {
  const row = await db.selectFrom('audit_events').select('hash').where('at', '<=', asOf).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row?.hash ?? '0'.repeat(64)
}
