import { describe, expect, it } from 'vitest'
import type { Reminder } from './attestations'
import { REMINDER_PAGE_SIZE, alertsFor, awaitingLabel, collectNewReminders, reminderRoute, titleWithCount, type ReminderPage } from './reminder-alerts'
import { isOpenRoute } from '../api/bridge'

const NOW = new Date('2026-03-10T12:00:00.000Z')
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString()

function reminder(id: number, at = hoursAgo(1), overrides: Partial<Reminder> = {}): Reminder {
  return {
    id,
    kind: 'opened',
    at,
    policy_id: 'pol_guard',
    request_id: `atq_r${id}`,
    exception_id: null,
    title: `Reminder ${id}`,
    body: `Body ${id}`,
    ...overrides,
  }
}

/** The reminders procedure over a fixed list: after an id, oldest first, a page at a time. */
function feed(all: Reminder[]) {
  const asked: number[] = []
  const read = async (afterId: number): Promise<ReminderPage> => {
    asked.push(afterId)
    const reminders = all.filter((r) => r.id > afterId).slice(0, REMINDER_PAGE_SIZE)
    return { reminders, last_id: reminders.at(-1)?.id ?? afterId }
  }
  return { read, asked }
}

describe('which reminders a device shows', () => {
  it('shows only the last 24 hours on a first run, and remembers the newest id all the same', async () => {
    const { read } = feed([reminder(1, hoursAgo(72)), reminder(2, hoursAgo(25)), reminder(3, hoursAgo(23)), reminder(4, hoursAgo(0))])
    const { alerts, lastShownId } = await collectNewReminders(read, undefined, NOW)
    expect(alerts.map((alert) => alert.title)).toEqual(['Reminder 3', 'Reminder 4'])
    expect(lastShownId).toBe(4)
  })

  it('after the first run, shows every reminder after the last one shown, however old', async () => {
    const { read, asked } = feed([reminder(1), reminder(2, hoursAgo(100)), reminder(3)])
    const { alerts, lastShownId } = await collectNewReminders(read, 1, NOW)
    expect(alerts.map((alert) => alert.title)).toEqual(['Reminder 2', 'Reminder 3'])
    expect(asked).toEqual([1])
    expect(lastShownId).toBe(3)
  })

  it('shows nothing and keeps its place when nothing is new', async () => {
    const { read } = feed([reminder(1), reminder(2)])
    expect(await collectNewReminders(read, 2, NOW)).toEqual({ alerts: [], lastShownId: 2 })
  })

  it('reads page after page until the last', async () => {
    const all = Array.from({ length: REMINDER_PAGE_SIZE * 2 + 3 }, (_, index) => reminder(index + 1, hoursAgo(200)))
    const { read, asked } = feed(all)
    const { lastShownId, alerts } = await collectNewReminders(read, 0, NOW)
    expect(asked).toEqual([0, REMINDER_PAGE_SIZE, REMINDER_PAGE_SIZE * 2])
    expect(lastShownId).toBe(all.length)
    expect(alerts).toHaveLength(1)
  })

  it('starts afresh when the workspace was replaced by one whose ids are behind what it remembers', async () => {
    const read = async (afterId: number): Promise<ReminderPage> =>
      afterId >= 40 ? { reminders: [], last_id: 2 } : { reminders: [reminder(1, hoursAgo(30)), reminder(2)].filter((r) => r.id > afterId), last_id: 2 }
    const { alerts, lastShownId } = await collectNewReminders(read, 40, NOW)
    expect(alerts.map((alert) => alert.title)).toEqual(['Reminder 2'])
    expect(lastShownId).toBe(2)
  })
})

describe('what an alert says and where it leads', () => {
  it('opens a request in the inbox, and an exception’s reminder on its policy', () => {
    expect(reminderRoute(reminder(7))).toBe('#/attestations/atq_r7')
    expect(reminderRoute(reminder(8, NOW.toISOString(), { kind: 'exception_expiring', request_id: null, exception_id: 'exc_1' }))).toBe('#/policies/pol_guard?tab=attestations')
  })

  it('gives each reminder its own alert, up to three, each with a route the page accepts', () => {
    const alerts = alertsFor([reminder(1), reminder(2), reminder(3)])
    expect(alerts.map((alert) => [alert.title, alert.body, alert.route, alert.tag])).toEqual([
      ['Reminder 1', 'Body 1', '#/attestations/atq_r1', 'reminder-1'],
      ['Reminder 2', 'Body 2', '#/attestations/atq_r2', 'reminder-2'],
      ['Reminder 3', 'Body 3', '#/attestations/atq_r3', 'reminder-3'],
    ])
    expect(alerts.every((alert) => isOpenRoute(alert.route))).toBe(true)
  })

  it('sums up a flood in one alert that opens the inbox, naming the newest', () => {
    const [summary, ...rest] = alertsFor([1, 2, 3, 4, 5].map((id) => reminder(id)))
    expect(rest).toEqual([])
    expect(summary).toMatchObject({ title: '5 attestation reminders', route: '#/attestations' })
    expect(summary!.body).toBe('Reminder 5\nReminder 4\nReminder 3\n…and 2 more in the Attestation inbox.')
  })

  it('puts the count in the title and the tray’s words', () => {
    expect(titleWithCount('Governance Console', 3)).toBe('(3) Governance Console')
    expect(titleWithCount('Governance Console', 0)).toBe('Governance Console')
    expect([0, 1, 2].map(awaitingLabel)).toEqual(['No attestations awaiting you', '1 attestation awaiting you', '2 attestations awaiting you'])
  })
})

describe('the routes main may send the page', () => {
  it('accepts the inbox, a request and a policy, and nothing else', () => {
    for (const route of ['#/attestations', '#/attestations/atq_Ab1_-', '#/policies/pol_x', '#/policies/pol_x?tab=attestations']) expect(isOpenRoute(route), route).toBe(true)
    for (const route of [
      '#/attestations/atq_x/../../settings',
      '#/attestations/pol_x',
      '#/settings',
      'https://evil.example/#/attestations',
      'javascript:alert(1)',
      '#/attestations/atq_x?tab=done',
      '#/policies/pol_x?tab=versions',
      '#/policies/pol_x\n',
      `#/attestations/atq_${'a'.repeat(65)}`,
      42,
      null,
    ]) {
      expect(isOpenRoute(route), String(route)).toBe(false)
    }
  })
})
