/**
 * The audit trail as an audit package carries it: the events of the report's period, oldest
 * first, each with its place in the hash chain, so an auditor can check the extract against the
 * chain's head the manifest names.
 */
import type { Db } from '../db/schema'

export interface ExtractedEvent {
  id: number
  at: string
  actor: { id: string; name: string }
  action: string
  entity_type: string
  entity_id: string
  before: unknown
  after: unknown
  prev_hash: string | null
  hash: string | null
}

export async function auditTrailExtract(db: Db, from: string, to: string): Promise<ExtractedEvent[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('at', '>=', from).where('at', '<=', to).orderBy('id').execute()
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
    prev_hash: row.prev_hash,
    hash: row.hash,
  }))
}

/**
 * The chain's head as of the report's moment: the hash of the newest event then. The extract ends
 * on it, and the same moment names the same head however many exports (each an audit event) follow.
 */
export async function chainHeadAt(db: Db, asOf: string): Promise<string> {
  const row = await db.selectFrom('audit_events').select('hash').where('at', '<=', asOf).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row?.hash ?? '0'.repeat(64)
}
