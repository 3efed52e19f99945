/**
 * How attestation reminders become alerts on a device, the same for the desktop app (OS
 * notifications from main) and the browser console (Web Notifications): which new reminders to
 * show, what each says, and where a click on it leads. Each device remembers the last reminder it
 * showed; everything here is pure, so both shells share it and it is tested once.
 */
import type { Reminder } from './attestations'

/** On a device's first run only recent reminders are shown, not the whole history at once. */
export const FIRST_RUN_WINDOW_MS = 24 * 60 * 60 * 1000

/** More new reminders than this at once (a laptop opened after weeks) become one summary alert. */
export const MAX_SEPARATE_ALERTS = 3

/** What the reminders procedure answers, one page at a time. */
export interface ReminderPage {
  reminders: readonly Reminder[]
  last_id: number
}

/** The largest page the reminders procedure serves. */
export const REMINDER_PAGE_SIZE = 500

export interface ReminderAlert {
  title: string
  body: string
  /** The console route a click opens: the request in the inbox, the policy, or the inbox. */
  route: string
  /** Stable per reminder, so two windows of one browser racing to show it show it once. */
  tag: string
}

/** The inbox; a request there; a policy's page. Nothing else may be opened from outside the page. */
export const INBOX_ROUTE = '#/attestations'

/** Where a click on a reminder leads: its request in the inbox, or for an exception, its policy. */
export function reminderRoute(reminder: Pick<Reminder, 'request_id' | 'policy_id'>): string {
  if (reminder.request_id) return `${INBOX_ROUTE}/${reminder.request_id}`
  return `#/policies/${reminder.policy_id}?tab=attestations`
}

/** The alerts for `reminders` (oldest first): one each, or one summary when there are too many. */
export function alertsFor(reminders: readonly Reminder[]): ReminderAlert[] {
  if (reminders.length <= MAX_SEPARATE_ALERTS) {
    return reminders.map((reminder) => ({ title: reminder.title, body: reminder.body, route: reminderRoute(reminder), tag: `reminder-${reminder.id}` }))
  }
  const newest = reminders.slice(-MAX_SEPARATE_ALERTS).reverse()
  const more = reminders.length - newest.length
  return [
    {
      title: `${reminders.length} attestation reminders`,
      body: `${newest.map((reminder) => reminder.title).join('\n')}\n…and ${more} more in the Attestation inbox.`,
      route: INBOX_ROUTE,
      tag: `reminders-${reminders[0]!.id}-${reminders.at(-1)!.id}`,
    },
  ]
}

export interface NewReminders {
  /** What to show now. */
  alerts: ReminderAlert[]
  /** The id to remember as shown: the next check asks only for reminders after it. */
  lastShownId: number
}

/**
 * The reminders this device has not shown yet, read page by page after `lastShownId`. With no
 * `lastShownId` (the device's first run, or its record was lost) only the last 24 hours count.
 */
export async function collectNewReminders(
  read: (afterId: number) => Promise<ReminderPage>,
  lastShownId: number | undefined,
  now: Date,
): Promise<NewReminders> {
  const firstRun = lastShownId === undefined
  let after = lastShownId ?? 0
  const fresh: Reminder[] = []
  for (;;) {
    const page = await read(after)
    // A workspace file replaced by another starts its ids again: what this device remembers is no
    // reminder of this workspace, so it starts afresh, as on a first run.
    if (!firstRun && page.reminders.length === 0 && page.last_id < after) {
      return collectNewReminders(read, undefined, now)
    }
    fresh.push(...page.reminders)
    const next = Math.max(after, page.last_id, ...page.reminders.map((reminder) => reminder.id))
    if (page.reminders.length < REMINDER_PAGE_SIZE || next === after) {
      after = next
      break
    }
    after = next
  }
  const since = now.getTime() - FIRST_RUN_WINDOW_MS
  const shown = firstRun ? fresh.filter((reminder) => Date.parse(reminder.at) >= since) : fresh
  return { alerts: alertsFor(shown), lastShownId: after }
}

/** The page title with the count of requests awaiting the person: "(3) Governance Console". */
export function titleWithCount(title: string, awaiting: number): string {
  return awaiting > 0 ? `(${awaiting}) ${title}` : title
}

/** "3 attestations awaiting you", for the tray and its menu. */
export function awaitingLabel(awaiting: number): string {
  if (awaiting === 0) return 'No attestations awaiting you'
  return `${awaiting} attestation${awaiting === 1 ? '' : 's'} awaiting you`
}
