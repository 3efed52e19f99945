/**
 * Attestation reminders in the browser console, in Chromium against the real `govern serve`: a
 * reminder shows as a Web Notification once per browser (not again after a reload), clicking it
 * opens the request, the page title carries the count, and permission is asked only from a click.
 * Headless Chromium displays no notifications, so the page's `Notification` is replaced by one that
 * records what the console constructs.
 */
import type { Page } from '@playwright/test'
import { expect, test, type Console } from './console-fixture'

interface Recorded {
  title: string
  body: string | undefined
  tag: string | undefined
  onclick: (() => void) | null
}

/** Runs in the page before the console: a `Notification` that records instead of displaying. */
function recordNotifications(): void {
  const Real = window.Notification
  const shown: Recorded[] = []
  let permissionRequests = 0
  class RecordingNotification {
    onclick: (() => void) | null = null
    readonly body: string | undefined
    readonly tag: string | undefined
    constructor(
      readonly title: string,
      options: NotificationOptions = {},
    ) {
      this.body = options.body
      this.tag = options.tag
      shown.push(this)
    }
    static get permission(): NotificationPermission {
      return Real.permission
    }
    static requestPermission(): Promise<NotificationPermission> {
      permissionRequests++
      return Real.requestPermission()
    }
    close(): void {}
  }
  Object.assign(window, {
    Notification: RecordingNotification,
    recordedNotifications: shown,
    permissionRequests: () => permissionRequests,
  })
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { recordedNotifications: Recorded[] }).recordedNotifications.map(({ title, body, tag }) => ({ title, body, tag })))
const permissionRequests = (page: Page) => page.evaluate(() => (window as unknown as { permissionRequests: () => number }).permissionRequests())

/** The console is up, and has read the reminders once (the title is set only after that). */
async function consoleReady(page: Page): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible()
  await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.startsWith('governance-console.reminders.last-shown:')))
}

/** A published policy whose attestation rule names the workspace's owner, the person signed in. */
async function requestSignOff(console: Console, name: string) {
  const rule = await console.call('attestationRules.create', { name: `${name} review`, frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }] })
  const policy = await console.call('policies.create', { name, attestation_rule_ids: [rule.id] })
  const { requests } = await console.call('attestations.inbox', { tab: 'open', policy_id: policy.id })
  const { reminders } = await console.call('attestations.reminders', { after_id: 0, limit: 100 })
  return { request: requests[0]!, reminder: reminders.find((reminder) => reminder.request_id === requests[0]!.id)! }
}

test('a reminder shows once as a notification, opens its request when clicked, and the title counts what awaits', async ({ page, context, console }) => {
  await context.grantPermissions(['notifications'], { origin: console.server.origin })
  await page.addInitScript(recordNotifications)
  await console.open(page)
  await consoleReady(page)
  expect(await recorded(page)).toEqual([])
  await expect(page).toHaveTitle('Governance Console')

  const { request, reminder } = await requestSignOff(console, 'Claims guardrails')
  expect(reminder.title).toContain('Claims guardrails')
  await expect.poll(() => recorded(page)).toEqual([{ title: reminder.title, body: reminder.body, tag: `reminder-${reminder.id}` }])
  await expect(page).toHaveTitle('(1) Governance Console')

  await page.evaluate(() => (window as unknown as { recordedNotifications: Recorded[] }).recordedNotifications[0]!.onclick!())
  await expect(page).toHaveURL(new RegExp(`#/attestations/${request.id}$`))

  // Another look at the same browser: the reminder was shown here already.
  await page.reload()
  await expect(page).toHaveTitle('(1) Governance Console')
  expect(await recorded(page)).toEqual([])
  expect(await permissionRequests(page), 'permission was granted beforehand; the console never asks on load').toBe(0)
})

test('asks for permission only when the person clicks "Turn on reminders"', async ({ page, console }) => {
  await page.addInitScript(recordNotifications)
  await console.open(page)
  await expect(page.getByRole('navigation', { name: 'Areas' })).toBeVisible()
  await requestSignOff(console, 'Claims guardrails')
  await expect(page).toHaveTitle('(1) Governance Console')
  expect(await permissionRequests(page)).toBe(0)
  expect(await recorded(page)).toEqual([])

  await page.getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Turn on reminders' }).click()
  await expect.poll(() => permissionRequests(page)).toBe(1)
})

test('"Turn off reminders" stops them in this browser, while the title keeps counting', async ({ page, context, console }) => {
  await context.grantPermissions(['notifications'], { origin: console.server.origin })
  await page.addInitScript(recordNotifications)
  await console.open(page)
  await consoleReady(page)
  await page.getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByText('Reminders are on')).toBeVisible()
  await page.getByRole('button', { name: 'Turn off reminders' }).click()
  await expect(page.getByRole('button', { name: 'Turn on reminders' })).toBeVisible()

  await requestSignOff(console, 'Claims guardrails')
  await expect(page).toHaveTitle('(1) Governance Console')
  expect(await recorded(page)).toEqual([])
  await page.reload()
  await expect(page).toHaveTitle('(1) Governance Console')
  expect(await recorded(page)).toEqual([])
})
