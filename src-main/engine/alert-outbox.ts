/**
 * The outbox of webhook alerts. An alert is written in the transaction that causes it (a gap
 * opening or resolving, an attestation requested, submitted, overdue or escalated, an exception
 * expiring or expired), so it is owed exactly once per event even if the console stops mid-way;
 * the notifier delivers it later, with retries.
 */
import type { Tx } from './db/schema'

export interface GapAlert {
  event: 'gap.opened' | 'gap.resolved'
  policy: { id: string; name: string }
  application: { id: string; name: string }
  requirement: string
  severity: string
  value: number | null
  threshold: number | null
  reason: string
  opened_at: string
  resolved_at: string | null
}

export async function queueAlert(tx: Tx, url: string, at: string, alert: GapAlert): Promise<void> {
  const verb = alert.event === 'gap.opened' ? 'Compliance gap opened' : 'Compliance gap resolved'
  // `text` makes the payload readable as is by Slack and Teams incoming webhooks.
  const payload = { ...alert, text: `${verb}: ${alert.application.name} — ${alert.policy.name}, ${alert.requirement} (${alert.severity}). ${alert.reason}` }
  await tx
    .insertInto('notifications')
    .values({ policy_id: alert.policy.id, url, event: alert.event, payload_json: JSON.stringify(payload), created_at: at, next_attempt_at: at, sent_at: null, last_error: null })
    .execute()
}

/** A policy event other than a gap's: `text` is the line chat webhooks show. */
export async function queuePolicyEvent(tx: Tx, url: string, at: string, policy: { id: string; name: string }, event: string, text: string, details: Record<string, unknown>): Promise<void> {
  const payload = { event, policy, ...details, at, text }
  await tx
    .insertInto('notifications')
    .values({ policy_id: policy.id, url, event, payload_json: JSON.stringify(payload), created_at: at, next_attempt_at: at, sent_at: null, last_error: null })
    .execute()
}
