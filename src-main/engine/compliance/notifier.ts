/**
 * Delivering the alert outbox (alert-outbox.ts) to each policy's notification webhook: every
 * alert once per gap transition, retried with backoff until the receiver says 2xx.
 */
import type { Selectable } from 'kysely'
import type { EngineContext } from '../context'
import type { NotificationsTable } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { DestinationRefused, WebhookDestinations } from '../webhooks/destinations'
import { postWebhook } from '../webhooks/webhook-post'

const RETRY_MINUTES = [1, 5, 30, 120, 360]
/** How long a receiver may take to answer one delivery, unless the engine is told otherwise. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000
/** Alerts claimed at a time. */
const CLAIM_BATCH = 20
/**
 * The header naming a delivery: `<workspace id>:<notification id>`, the same on every attempt and
 * from every process, so a receiver can drop a repeat (a process killed after the receiver had
 * the alert but before it recorded the answer leaves it to be sent again).
 */
export const DELIVERY_HEADER = 'x-governance-delivery'

export interface NotifierOptions {
  /** How long a receiver may take to answer; also sets how long a claim lasts (twice this). */
  webhookTimeoutMs?: number
  /** Where alerts may go: outside, and inside only where the operator's allow-list says. */
  destinations?: WebhookDestinations
}

export class Notifier {
  private delivering: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private workspace: string | undefined
  private readonly timeoutMs: number
  private readonly destinations: WebhookDestinations
  /**
   * A claim covers the delivery under way and a margin as long again, and is renewed for the rest
   * of the batch as each delivery is recorded: a live process never loses its claim, and one killed
   * mid-batch leaves its alerts to the others within two timeouts of its last delivery.
   */
  readonly claimMs: number

  constructor(
    private readonly engine: EngineContext,
    options: NotifierOptions = {},
  ) {
    this.timeoutMs = options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS
    this.claimMs = 2 * this.timeoutMs
    this.destinations = options.destinations ?? new WebhookDestinations()
  }

  /** Sends whatever is due; concurrent calls queue behind each other so nothing is sent twice. */
  deliverDue(): Promise<void> {
    // A connected desktop sends no alerts: its server does, once.
    if (this.engine.replica) return this.delivering
    this.delivering = this.delivering.then(() => this.sendDue()).catch(() => undefined)
    return this.delivering
  }

  /**
   * Looks for due alerts every claim length: retries whose backoff ran out, and claims another
   * process let lapse (it was killed), are sent without waiting for the next evaluation. Finding
   * nothing costs one indexed read.
   */
  start(): void {
    this.stop()
    this.timer = setInterval(() => {
      void this.anythingDue().then((due) => (due ? this.deliverDue() : undefined)).catch(() => undefined)
    }, this.claimMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  async idle(): Promise<void> {
    await this.delivering
  }

  private async anythingDue(): Promise<boolean> {
    const now = this.engine.nowIso()
    const row = await this.engine.db
      .selectFrom('notifications')
      .select('id')
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  private async sendDue(): Promise<void> {
    this.workspace ??= await workspaceId(this.engine.db)
    for (let batch = await this.claimDue(); batch.length > 0; batch = await this.claimDue()) {
      for (const [index, notification] of batch.entries()) await this.send(notification, batch.slice(index + 1))
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
        await tx.updateTable('notifications').set({ claimed_until: this.claimEnd(now) }).where('id', 'in', due.map((n) => n.id)).execute()
      }
      return due
    })
  }

  private claimEnd(now: string): string {
    return new Date(Date.parse(now) + this.claimMs).toISOString()
  }

  /** Sends one alert and records the answer, renewing the claim on `rest` (the batch still to send). */
  private async send(notification: Selectable<NotificationsTable>, rest: ReadonlyArray<Selectable<NotificationsTable>>): Promise<void> {
    let error: string | null = null
    try {
      const status = await postWebhook(this.destinations, {
        url: notification.url,
        headers: { 'content-type': 'application/json', 'user-agent': 'governance-console', [DELIVERY_HEADER]: `${this.workspace}:${notification.id}` },
        body: notification.payload_json,
        timeoutMs: this.timeoutMs,
      })
      if (status < 200 || status > 299) error = `HTTP ${status}`
    } catch (cause) {
      // Refused is retried like any failure: the operator may allow the destination meanwhile.
      error = cause instanceof DestinationRefused ? `refused: ${cause.message}` : (cause as Error).message
    }
    const attempts = notification.attempts + 1
    const at = this.engine.nowIso()
    await this.engine.bookkeep(async (tx) => {
      await tx
        .updateTable('notifications')
        .set(
          error === null
            ? { sent_at: at, attempts, last_error: null, claimed_until: null }
            : { attempts, last_error: error, claimed_until: null, next_attempt_at: new Date(Date.parse(at) + RETRY_MINUTES[Math.min(attempts - 1, RETRY_MINUTES.length - 1)]! * 60_000).toISOString() },
        )
        .where('id', '=', notification.id)
        // Sent by another process meanwhile (this one's claim lapsed while it waited): the first answer stands.
        .where('sent_at', 'is', null)
        .execute()
      if (rest.length > 0) {
        await tx.updateTable('notifications').set({ claimed_until: this.claimEnd(at) }).where('id', 'in', rest.map((n) => n.id)).where('sent_at', 'is', null).execute()
      }
    })
  }
}
