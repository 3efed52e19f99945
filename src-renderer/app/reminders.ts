/**
 * Attestation reminders in the page: the count of requests awaiting the signed-in person (shown in
 * the title, desktop and browser alike), and in the browser console, once the person allows it,
 * each new reminder as a Web Notification, once per browser. The desktop app's main process shows
 * its own OS notifications, so a page with the desktop bridge never shows Web Notifications.
 */
import { create } from 'zustand'
import { isOpenRoute } from '../../src-shared/api/bridge'
import { REMINDER_PAGE_SIZE, collectNewReminders, type ReminderAlert } from '../../src-shared/domain/reminder-alerts'
import { client } from '../api/client'
import { useWorkspace } from './workspace-store'

/** Where Web Notifications stand here: 'desktop' where the app shows them itself. */
export type ReminderPermission = NotificationPermission | 'unsupported' | 'desktop'

interface RemindersState {
  /** Open requests addressed to the person; undefined until first read. */
  awaiting?: number
  permission: ReminderPermission
  /** Turned off in this browser, though the browser would allow them. */
  mutedHere: boolean
  /** Reads the count, and shows any new reminder (also after changes, through refresh-on-change). */
  refresh(): Promise<void>
  /** Asks the browser's permission (only ever from a click) and starts showing reminders. */
  turnOn(): Promise<void>
  turnOff(): void
}

const MUTED_KEY = 'governance-console.reminders.muted'
const LAST_SHOWN_PREFIX = 'governance-console.reminders.last-shown:'
/** Two windows of the console in one browser take turns, so each reminder shows once. */
const LOCK_NAME = 'governance-console.reminders'

function webPermission(): ReminderPermission {
  if (client.transport.kind === 'ipc') return 'desktop'
  // Browsers offer notifications only to secure pages: HTTPS, or the console on this computer.
  if (typeof Notification === 'undefined' || !window.isSecureContext) return 'unsupported'
  return Notification.permission
}

/** localStorage, which a browser may refuse (storage turned off): then nothing is remembered. */
const stored = {
  get(key: string): string | null {
    try {
      return window.localStorage.getItem(key)
    } catch {
      return null
    }
  },
  set(key: string, value: string | null): void {
    try {
      if (value === null) window.localStorage.removeItem(key)
      else window.localStorage.setItem(key, value)
    } catch {
      // Not remembered: the next first run shows only the last day's reminders again.
    }
  },
}

/** What this browser last showed, per workspace and person. */
function lastShownKey(): string | undefined {
  const { info, actor } = useWorkspace.getState()
  return info && actor ? `${LAST_SHOWN_PREFIX}${info.path}|${actor.id}` : undefined
}

function readLastShown(key: string): number | undefined {
  const text = stored.get(key)
  const id = text === null ? Number.NaN : Number(text)
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined
}

function show(alert: ReminderAlert): void {
  const notification = new Notification(alert.title, { body: alert.body, tag: alert.tag })
  notification.onclick = () => {
    window.focus()
    if (isOpenRoute(alert.route)) window.location.hash = alert.route
    notification.close()
  }
}

async function withTabLock(work: () => Promise<void>): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.locks) await navigator.locks.request(LOCK_NAME, work)
  else await work()
}

async function showNewReminders(): Promise<void> {
  const key = lastShownKey()
  if (!key) return
  await withTabLock(async () => {
    // Read inside the lock: another window may have just shown (and recorded) the same reminders.
    const read = (afterId: number) => client.call('attestations.reminders', { after_id: afterId, limit: REMINDER_PAGE_SIZE })
    const { alerts, lastShownId } = await collectNewReminders(read, readLastShown(key), new Date())
    stored.set(key, String(lastShownId))
    for (const alert of alerts) show(alert)
  })
}

export const useReminders = create<RemindersState>((set, get) => {
  let running: Promise<void> | undefined
  let again = false
  const oneMore = () => {
    const more = again
    again = false
    return more
  }

  async function refreshOnce(): Promise<void> {
    const permission = webPermission()
    const mutedHere = stored.get(MUTED_KEY) === '1'
    set({ permission, mutedHere })
    if (permission === 'granted' && !mutedHere) {
      try {
        await showNewReminders()
      } catch (error) {
        console.error('Cannot read the attestation reminders', error)
      }
    }
    // The count last, so a title showing it says this round's reminders were dealt with too.
    try {
      const { counts } = await client.call('attestations.inbox', { tab: 'open' })
      set({ awaiting: counts.awaiting_me })
    } catch (error) {
      console.error('Cannot read the attestation count', error)
    }
  }

  return {
    permission: webPermission(),
    mutedHere: stored.get(MUTED_KEY) === '1',
    refresh() {
      if (running) {
        again = true
        return running
      }
      running = (async () => {
        do await refreshOnce()
        while (oneMore())
      })().finally(() => (running = undefined))
      return running
    },
    async turnOn() {
      stored.set(MUTED_KEY, null)
      if (webPermission() === 'default') await Notification.requestPermission()
      await get().refresh()
    },
    turnOff() {
      stored.set(MUTED_KEY, '1')
      // Turned on again later, it starts like a first run, rather than with all that came meanwhile.
      const key = lastShownKey()
      if (key) stored.set(key, null)
      set({ mutedHere: true })
    },
  }
})
