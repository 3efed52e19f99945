/**
 * Delivering the alert outbox (alert-outbox.ts) to each policy's notification webhook: every
 * alert once per gap transition, retried with backoff until the receiver says 2xx.
 */
import type { Selectable } from 'kysely'
import type { EngineContext } from '../context'
import type { NotificationsTable } from '../db/schema'

const RETRY_MINUTES = [1, 5, 30, 120, 360]
const TIMEOUT_MS = 10_000

/** Alerts claimed at a time; each claim lasts long enough to send them all, even slowly. */
const CLAIM_BATCH = 20
const CLAIM_MS = CLAIM_BATCH * TIMEOUT_MS + 60_000

export class Notifier {
  private delivering: Promise<void> = Promise.resolve()

  constructor(private readonly engine: EngineContext) {}

  /** Sends whatever is due; concurrent calls queue behind each other so nothing is sent twice. */
  deliverDue(): Promise<void> {
    // A connected desktop sends no alerts: its server does, once.
    if (this.engine.replica) return this.delivering
    this.delivering = this.delivering.then(() => this.sendDue()).catch(() => undefined)
    return this.delivering
  }

  async idle(): Promise<void> {
    await this.delivering
  }

  private async sendDue(): Promise<void> {
    for (let batch = await this.claimDue(); batch.length > 0; batch = await this.claimDue()) {
      for (const notification of batch) await this.send(notification)
    }
  }

  /**
   * Takes the next due alerts under the write lock, so another process with this workspace open
   * skips them; one that crashes mid-way leaves them to others once its claim runs out.
   */
  private claimDue(): Promise<Array<Selectable<NotificationsTable>>> {
    return this.engine.bookkeep(async (tx) => {
      const now = this.engine.nowIso()
      const due = await tx
        .selectFrom('notifications')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .orderBy('id')
        .limit(CLAIM_BATCH)
        .execute()
      if (due.length > 0) {
        const until = new Date(Date.parse(now) + CLAIM_MS).toISOString()
        await tx.updateTable('notifications').set({ claimed_until: until }).where('id', 'in', due.map((n) => n.id)).execute()
      }
      return due
    })
  }

  private async send(notification: Selectable<NotificationsTable>): Promise<void> {
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
    await this.engine.bookkeep((tx) =>
      tx
        .updateTable('notifications')
        .set(
          error === null
            ? { sent_at: at, attempts, last_error: null, claimed_until: null }
            : { attempts, last_error: error, claimed_until: null, next_attempt_at: new Date(Date.parse(at) + RETRY_MINUTES[Math.min(attempts - 1, RETRY_MINUTES.length - 1)]! * 60_000).toISOString() },
        )
        .where('id', '=', notification.id)
        .execute(),
    )
  }
}
