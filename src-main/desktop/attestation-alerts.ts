/**
 * Attestation reminders on the desktop: each reminder addressed to the workspace's person shown
 * once as an OS notification that opens its request when clicked, and the count of requests
 * awaiting them on the tray and the dock or taskbar badge. No Electron import: it works over the
 * few Electron calls named below, so it is tested against a fake of them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { isOpenRoute } from '../../src-shared/api/bridge'
import type { Output } from '../../src-shared/api/contract'
import { INBOX_ROUTE, REMINDER_PAGE_SIZE, awaitingLabel, collectNewReminders, type ReminderAlert } from '../../src-shared/domain/reminder-alerts'
import type { Engine } from '../engine/engine'
import { dispatch, type Logger } from '../transport/dispatch'

/** The part of an Electron `Notification` used here. */
export interface DesktopNotification {
  on(event: 'click', listener: () => void): unknown
  on(event: 'close', listener: () => void): unknown
  show(): void
}

/** Electron's `Notification` class, as far as it is used here. */
export interface NotificationClass {
  new (options: { title: string; body: string }): DesktopNotification
  isSupported(): boolean
}

/** An entry of the tray's menu: a label, and what clicking it does (none: shown greyed out). */
export interface TrayMenuEntry {
  label: string
  click?: () => void
  enabled?: boolean
}

/** The tray icon, as far as it shows the count. */
export interface AlertTray {
  setToolTip(toolTip: string): void
  /** The text beside the icon in the menu bar: macOS only. */
  setTitle(title: string): void
  /** Sets the menu afresh with `entries` first (Linux shows a changed menu only once it is set again). */
  setContextMenu(entries: readonly TrayMenuEntry[]): void
}

export interface AlertShell {
  Notification: NotificationClass
  tray?: AlertTray
  /** `app.setBadgeCount`: the dock on macOS, the Unity launcher on Linux; false where it did nothing. */
  setBadgeCount(count: number): boolean
  platform: NodeJS.Platform
  /** `app.getPath('userData')`: where the last shown reminder is remembered. */
  userDataPath: string
  /** Shows the window with this route open (a route `isOpenRoute` accepts). */
  openRoute(route: string): void
}

export interface AttestationAlertOptions {
  /** The wall clock, for the first run's 24 hours; the engine's clock in tests. */
  now?: () => Date
  /** How long change notices are gathered before the count and reminders are read again. */
  gatherMs?: number
  log?: Logger
}

export interface AttestationAlerts {
  /** Reads the reminders and the count now (also done at start and after changes). */
  refresh(): Promise<void>
  /** Resolves once no refresh is waiting or running. */
  idle(): Promise<void>
  stop(): void
}

export const REMINDER_STATE_FILE = 'attestation-reminders.json'

/** Changes after which the count or the reminders addressed to the person may differ. */
const RELEVANT_AREAS: ReadonlySet<string> = new Set(['attestations', 'policies', 'compliance', 'people'])

/** Notifications kept referenced until clicked or closed: Electron drops the click of a collected one. */
const MAX_KEPT_NOTIFICATIONS = 50

const ReminderState = z.object({
  workspaces: z.record(z.string(), z.object({ last_shown_id: z.number().int().min(0) })),
})
type ReminderState = z.infer<typeof ReminderState>

export function startAttestationAlerts(engine: Engine, shell: AlertShell, options: AttestationAlertOptions = {}): AttestationAlerts {
  const now = options.now ?? (() => new Date())
  const gatherMs = options.gatherMs ?? 250
  const log: Logger = options.log ?? ((message, error) => console.error(message, error))
  const stateFile = join(shell.userDataPath, REMINDER_STATE_FILE)
  const kept = new Set<DesktopNotification>()
  let lastShownId: number | undefined
  let stateLoaded = false
  let shownCount: number | undefined
  let stopped = false

  async function call<K extends 'attestations.reminders' | 'attestations.inbox'>(procedure: K, input: unknown): Promise<Output<K>> {
    const result = await dispatch(engine, procedure, input, { actor: await engine.owner() }, log)
    if (!result.ok) throw new Error(`${procedure}: ${result.error.message}`)
    return result.value as Output<K>
  }

  async function readState(): Promise<ReminderState> {
    let text: string
    try {
      text = await readFile(stateFile, 'utf8')
    } catch {
      return { workspaces: {} }
    }
    try {
      return ReminderState.parse(JSON.parse(text))
    } catch (error) {
      // A damaged record costs at most a first run's worth of reminders shown again, never a crash.
      log(`Ignoring the unreadable ${stateFile}; showing only the last day's reminders`, error)
      return { workspaces: {} }
    }
  }

  async function rememberShown(id: number): Promise<void> {
    lastShownId = id
    const state = await readState()
    state.workspaces[engine.path] = { last_shown_id: id }
    // Written whole then renamed, so a crash mid-write leaves the old record, not half of one.
    const partial = `${stateFile}.${process.pid}.tmp`
    try {
      await mkdir(dirname(stateFile), { recursive: true })
      await writeFile(partial, `${JSON.stringify(state, null, 2)}\n`)
      await rename(partial, stateFile)
    } catch (error) {
      log(`Cannot remember the last reminder shown in ${stateFile}`, error)
    }
  }

  function notify(alert: ReminderAlert): void {
    if (!isOpenRoute(alert.route)) return
    const notification = new shell.Notification({ title: alert.title, body: alert.body })
    const release = () => void kept.delete(notification)
    notification.on('click', () => {
      release()
      shell.openRoute(alert.route)
    })
    notification.on('close', release)
    kept.add(notification)
    if (kept.size > MAX_KEPT_NOTIFICATIONS) kept.delete(kept.values().next().value!)
    notification.show()
  }

  async function showNewReminders(): Promise<void> {
    if (!stateLoaded) {
      lastShownId = (await readState()).workspaces[engine.path]?.last_shown_id
      stateLoaded = true
    }
    const read = (afterId: number) => call('attestations.reminders', { after_id: afterId, limit: REMINDER_PAGE_SIZE })
    const { alerts, lastShownId: newest } = await collectNewReminders(read, lastShownId, now())
    // Remembered before showing: a crash in between loses a notification rather than repeating one.
    if (newest !== lastShownId) await rememberShown(newest)
    if (stopped || !shell.Notification.isSupported()) return
    for (const alert of alerts) notify(alert)
  }

  async function showCount(): Promise<void> {
    const { counts } = await call('attestations.inbox', { tab: 'open' })
    const count = counts.awaiting_me
    if (stopped || count === shownCount) return
    shownCount = count
    const label = awaitingLabel(count)
    shell.tray?.setToolTip(count > 0 ? `Governance Console: ${label}` : 'Governance Console')
    if (shell.platform === 'darwin') shell.tray?.setTitle(count > 0 ? String(count) : '')
    shell.tray?.setContextMenu([count > 0 ? { label, click: () => shell.openRoute(INBOX_ROUTE) } : { label, enabled: false }])
    // Windows has no count badge (only an overlay image on the taskbar button); the tray says it there.
    if (shell.platform === 'darwin' || shell.platform === 'linux') shell.setBadgeCount(count)
  }

  let running: Promise<void> | undefined
  let again = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerDone: (() => void) | undefined
  let timerFired: Promise<void> | undefined

  // Notices arriving while a refresh runs earn exactly one more, not one each.
  const oneMore = () => {
    const more = again && !stopped
    again = false
    return more
  }

  function refresh(): Promise<void> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        for (const step of [showNewReminders, showCount]) {
          try {
            await step()
          } catch (error) {
            log('Cannot read the attestation reminders for the desktop', error)
          }
        }
      } while (oneMore())
    })().finally(() => (running = undefined))
    return running
  }

  function schedule(): void {
    if (timer || stopped) return
    timerFired = new Promise((resolve) => (timerDone = resolve))
    timer = setTimeout(() => {
      timer = undefined
      void refresh().finally(timerDone)
    }, gatherMs)
  }

  const unsubscribe = engine.onChange(({ areas }) => {
    if ((areas as readonly string[]).some((area) => RELEVANT_AREAS.has(area))) schedule()
  })
  void refresh()

  return {
    refresh,
    async idle() {
      const pending = () => (timer ? timerFired : running)
      for (let waiting = pending(); waiting; waiting = pending()) await waiting
    },
    stop() {
      stopped = true
      unsubscribe()
      if (timer) clearTimeout(timer)
      timer = undefined
      timerDone?.()
    },
  }
}
