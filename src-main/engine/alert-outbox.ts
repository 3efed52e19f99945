/**
 * The outbox of webhook alerts. An alert is written in the transaction that causes it (a gap
 * opening or resolving), so it is owed exactly once per transition even if the console stops
 * mid-way; the notifier delivers it later, with retries.
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
