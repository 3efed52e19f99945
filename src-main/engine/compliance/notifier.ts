/**
 * Alerts to each policy's notification webhook. The evaluator writes them to an outbox in the
 * transaction that opens or resolves the gap, so an alert is sent once per transition even if the
 * console stops mid-way; delivery retries with backoff until the receiver says 2xx.
 */
import type { EngineContext } from '../context'
import type { Tx } from '../db/schema'

const RETRY_MINUTES = [1, 5, 30, 120, 360]
const TIMEOUT_MS = 10_000

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

export class Notifier {
  private delivering: Promise<void> = Promise.resolve()

  constructor(private readonly engine: EngineContext) {}

  /** Sends whatever is due; concurrent calls queue behind each other so nothing is sent twice. */
  deliverDue(): Promise<void> {
    this.delivering = this.delivering.then(() => this.sendDue()).catch(() => undefined)
    return this.delivering
  }

  async idle(): Promise<void> {
    await this.delivering
  }

  private async sendDue(): Promise<void> {
    const now = this.engine.nowIso()
    const due = await this.engine.db.selectFrom('notifications').selectAll().where('sent_at', 'is', null).where('next_attempt_at', '<=', now).orderBy('id').limit(500).execute()
    for (const notification of due) {
      let error: string | null = null
      try {
        const response = await fetch(notification.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'governance-console' },
          body: notification.payload_json,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        })
        if (!response.ok) error = `HTTP ${response.status}`
      } catch (cause) {
        error = (cause as Error).message
      }
      const attempts = notification.attempts + 1
      const at = this.engine.nowIso()
      await this.engine.db
        .updateTable('notifications')
        .set(
          error === null
            ? { sent_at: at, attempts, last_error: null }
            : { attempts, last_error: error, next_attempt_at: new Date(Date.parse(at) + RETRY_MINUTES[Math.min(attempts - 1, RETRY_MINUTES.length - 1)]! * 60_000).toISOString() },
        )
        .where('id', '=', notification.id)
        .execute()
    }
  }
}
