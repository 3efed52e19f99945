/** Audit events chained as the console chains them, for tests of audit packages and their trails. */
import type { ChainedEvent } from '../engine/audit/audit-chain'
import { auditEventHash, CHAIN_START } from '../engine/audit-hash'

/** `count` events from id `firstId`, linked to `prevHash`: a whole trail, or a period's extract of one. */
export function chainedTrail(count: number, firstId = 1, prevHash = CHAIN_START): ChainedEvent[] {
  const events: ChainedEvent[] = []
  let previous = prevHash
  for (let index = 0; index < count; index++) {
    const id = firstId + index
    const content = {
      id,
      at: new Date(Date.UTC(2026, 2, 1, 9, index)).toISOString(),
      actor_id: 'owner',
      actor_name: 'Olivia Owner',
      action: 'application.created',
      entity_type: 'application',
      entity_id: `app_${id}`,
      before_json: null,
      after_json: JSON.stringify({ name: `Application ${id}` }),
    }
    const hash = auditEventHash(previous, content)
    events.push({ ...content, prev_hash: previous, hash })
    previous = hash
  }
  return events
}

