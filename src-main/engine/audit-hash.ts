/**
 * The audit trail's hash chain: each event's hash covers its content, its id and the hash of the
 * event before it, so an event altered, removed or slipped in breaks the chain at that point.
 * The encoding is frozen: the migration that chained the first events, the writer and the
 * verifier all hash through this one function, and a trail hashed today must verify for good.
 */
import { createHash } from 'node:crypto'

/** What the first event of a workspace links to. */
export const CHAIN_START = '0'.repeat(64)

/** The fields an event's hash covers, in the order they are hashed. */
export interface HashedAuditFields {
  id: number
  at: string
  actor_id: string
  actor_name: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
}

/** SHA-256 (hex) of a JSON array of the fields: strings are quoted and escaped, so no two events encode alike. */
export function auditEventHash(prevHash: string, event: HashedAuditFields): string {
  const encoded = JSON.stringify([
    prevHash,
    event.id,
    event.at,
    event.actor_id,
    event.actor_name,
    event.action,
    event.entity_type,
    event.entity_id,
    event.before_json,
    event.after_json,
  ])
  return createHash('sha256').update(encoded).digest('hex')
}
