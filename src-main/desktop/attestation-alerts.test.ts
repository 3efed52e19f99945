import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { OWNER_USER_ID } from '../../src-shared/domain/people'
import type { Engine } from '../engine/engine'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { caller, tempFolder } from '../testing/workspace'
import { REMINDER_STATE_FILE, startAttestationAlerts, type AlertShell, type AttestationAlerts, type DesktopNotification, type TrayMenuEntry } from './attestation-alerts'

const fixture = freshEngineForEachTest('attestation-alerts', '2026-03-02T09:00:00.000Z')
const folders: Array<ReturnType<typeof tempFolder>> = []
const running: AttestationAlerts[] = []
afterEach(() => {
  running.splice(0).forEach((alerts) => alerts.stop())
  folders.splice(0).forEach((folder) => folder.remove())
})

/** A fake of the Electron calls the module makes: notifications, the tray, the badge, the window. */
function fakeDesktop(platform: NodeJS.Platform = 'linux', system: { supported?: boolean; userDataPath?: string } = {}) {
  const shown: FakeNotification[] = []
  class FakeNotification implements DesktopNotification {
    private readonly listeners = new Map<string, Array<() => void>>()
    constructor(readonly options: { title: string; body: string }) {}
    static isSupported(): boolean {
      return system.supported ?? true
    }
    on(event: 'click' | 'close', listener: () => void): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
      return this
    }
    show(): void {
      shown.push(this)
    }
    /** What Electron does when the person clicks it. */
    click(): void {
      for (const listener of this.listeners.get('click') ?? []) listener()
    }
  }
  const tray = { toolTip: '', title: undefined as string | undefined, menu: [] as readonly TrayMenuEntry[] }
  const badge: number[] = []
  const opened: string[] = []
  const folder = tempFolder()
  folders.push(folder)
  const shell: AlertShell = {
    Notification: FakeNotification,
    tray: {
      setToolTip: (text) => void (tray.toolTip = text),
      setTitle: (text) => void (tray.title = text),
      setContextMenu: (entries) => void (tray.menu = entries),
    },
    setBadgeCount: (count) => badge.push(count) > 0,
    platform,
    userDataPath: system.userDataPath ?? folder.path('userData'),
    openRoute: (route) => void opened.push(route),
  }
  return { shell, shown, tray, badge, opened, stateFile: join(shell.userDataPath, REMINDER_STATE_FILE) }
}

type Desktop = ReturnType<typeof fakeDesktop>

async function start(desktop: Desktop, engine: Engine = fixture.engine, gatherMs = 5): Promise<AttestationAlerts> {
  const alerts = startAttestationAlerts(engine, desktop.shell, { now: () => fixture.clock.now(), gatherMs, log: () => undefined })
  running.push(alerts)
  await alerts.idle()
  return alerts
}

/** A published policy whose attestation rule names the workspace's owner: a request, and its reminder. */
async function policyToSignOff(name: string) {
  const rule = await fixture.call('attestationRules.create', { name: `${name} review`, frequency: 'monthly', reviewers: [{ type: 'user', id: OWNER_USER_ID }] })
  const policy = await fixture.call('policies.create', { name, attestation_rule_ids: [rule.id] })
  await fixture.engine.settle()
  const { requests } = await fixture.call('attestations.inbox', { tab: 'open', policy_id: policy.id })
  return { policy, request: requests[0]! }
}

const titles = (desktop: Desktop) => desktop.shown.map((notification) => notification.options.title)

describe('attestation reminders on the desktop', () => {
  it('shows each reminder once, even when the module starts again on the same state file', async () => {
    const desktop = fakeDesktop()
    await policyToSignOff('Claims guardrails')
    const first = await start(desktop)
    expect(titles(desktop)).toEqual(['Sign-off requested: Claims guardrails'])
    first.stop()

    await start(desktop)
    expect(titles(desktop)).toHaveLength(1)

    await policyToSignOff('Fraud guardrails')
    await running.at(-1)!.idle()
    expect(titles(desktop)).toEqual(['Sign-off requested: Claims guardrails', 'Sign-off requested: Fraud guardrails'])
  })

  it('opens the request in the inbox when its notification is clicked', async () => {
    const desktop = fakeDesktop()
    const { request } = await policyToSignOff('Claims guardrails')
    await start(desktop)
    desktop.shown[0]!.click()
    expect(desktop.opened).toEqual([`#/attestations/${request.id}`])
  })

  it('reminds as time passes: the background evaluation announces the due date nearing, and it shows once', async () => {
    const desktop = fakeDesktop()
    const { request } = await policyToSignOff('Claims guardrails')
    const alerts = await start(desktop)
    fixture.clock.set(new Date(Date.parse(request.due_at) - 3 * 86_400_000 + 3_600_000))
    await fixture.call('compliance.evaluate', {})
    await alerts.idle()
    await fixture.call('compliance.evaluate', {})
    await alerts.idle()
    expect(desktop.shown.map((notification) => notification.options.title)).toEqual(['Sign-off requested: Claims guardrails', expect.stringMatching(/^Sign-off due .*: Claims guardrails$/)])
    desktop.shown[1]!.click()
    expect(desktop.opened).toEqual([`#/attestations/${request.id}`])
  })

  it('opens the policy when a reminder is about an exception it granted', async () => {
    const asOwner = caller(fixture.engine, { actor: await fixture.engine.owner() })
    await fixture.call('applications.create', { id: 'app_bot', name: 'Claims Bot' })
    const rule = await fixture.call('attestationRules.create', { name: 'Review', frequency: 'quarterly', reviewers: [{ type: 'user', id: OWNER_USER_ID }] })
    const policy = await fixture.call('policies.create', {
      name: 'Customer Data',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
      attestation_rule_ids: [rule.id],
      scope: { apply_to_all: true, tags: [], application_ids: [] },
    })
    await asOwner('attestations.submit', {
      id: policy.id,
      status: 'compliant_with_exceptions',
      exceptions: [{ application_id: 'app_bot', requirement: 'pii', justification: 'Accepted until the fix ships', expiry_date: '2026-04-15' }],
    })
    const desktop = fakeDesktop()
    const alerts = await start(desktop)
    fixture.clock.set('2026-03-16T01:00:00.000Z')
    await fixture.call('compliance.evaluate', {})
    await alerts.idle()
    const expiring = desktop.shown.filter((notification) => /exception/i.test(notification.options.title + notification.options.body))
    expect(expiring).toHaveLength(1)
    expiring[0]!.click()
    expect(desktop.opened).toEqual([`#/policies/${policy.id}?tab=attestations`])
  })

  it('keeps the tray and the badge on the count of requests awaiting the person, following changes', async () => {
    const desktop = fakeDesktop('linux')
    await start(desktop)
    expect(desktop.tray).toMatchObject({ toolTip: 'Governance Console', menu: [{ label: 'No attestations awaiting you', enabled: false }] })
    expect(desktop.badge).toEqual([0])

    const { policy } = await policyToSignOff('Claims guardrails')
    await policyToSignOff('Fraud guardrails')
    await running[0]!.idle()
    expect(desktop.tray.toolTip).toBe('Governance Console: 2 attestations awaiting you')
    expect(desktop.tray.menu.map((entry) => entry.label)).toEqual(['2 attestations awaiting you'])
    expect(desktop.badge.at(-1)).toBe(2)
    expect(desktop.tray.title, 'the title beside the icon is macOS only').toBeUndefined()
    desktop.tray.menu[0]!.click!()
    expect(desktop.opened).toEqual(['#/attestations'])

    await fixture.call('attestations.submit', { id: policy.id, status: 'compliant', notes: 'Reviewed the evidence.' })
    await running[0]!.idle()
    expect(desktop.tray.toolTip).toBe('Governance Console: 1 attestation awaiting you')
    expect(desktop.badge.at(-1)).toBe(1)
  })

  it('reads the count once for a burst of changes, not once per change', async () => {
    const rules = []
    for (const name of ['A', 'B', 'C', 'D']) rules.push(await fixture.call('attestationRules.create', { name, frequency: 'monthly', reviewers: [{ type: 'user', id: OWNER_USER_ID }] }))
    let reads = 0
    const counting: Engine = {
      ...fixture.engine,
      handlers: {
        ...fixture.engine.handlers,
        'attestations.inbox': (input, ctx) => {
          reads++
          return fixture.engine.handlers['attestations.inbox'](input, ctx)
        },
      },
    }
    const desktop = fakeDesktop()
    const alerts = await start(desktop, counting, 200)
    reads = 0
    let notices = 0
    const unsubscribe = fixture.engine.onChange(() => notices++)
    await Promise.all(rules.map((rule) => fixture.call('policies.create', { name: `Policy ${rule.name}`, attestation_rule_ids: [rule.id] })))
    await alerts.idle()
    unsubscribe()
    // Four changes announced; a slow machine may split the burst in two reads, never four.
    expect(notices).toBeGreaterThanOrEqual(rules.length)
    expect(reads).toBeLessThanOrEqual(2)
    expect(desktop.tray.toolTip).toBe('Governance Console: 4 attestations awaiting you')
  })

  it('shows the count beside the tray icon on macOS, and sets no badge on Windows, which has none', async () => {
    await policyToSignOff('Claims guardrails')
    const mac = fakeDesktop('darwin')
    await start(mac)
    expect(mac.tray.title).toBe('1')
    expect(mac.badge).toEqual([1])

    const windows = fakeDesktop('win32')
    await start(windows)
    expect(windows.tray.toolTip).toBe('Governance Console: 1 attestation awaiting you')
    expect(windows.tray.title).toBeUndefined()
    expect(windows.badge).toEqual([])
  })

  it('on its first run shows only the last 24 hours of reminders, not the whole backlog', async () => {
    await policyToSignOff('Old policy')
    fixture.clock.advance(2 * 24 * 3_600_000)
    await policyToSignOff('New policy')
    const desktop = fakeDesktop()
    await start(desktop)
    expect(titles(desktop)).toEqual(['Sign-off requested: New policy'])
    expect(JSON.parse(readFileSync(desktop.stateFile, 'utf8'))).toMatchObject({ workspaces: { [fixture.engine.path]: { last_shown_id: expect.any(Number) } } })
  })

  it('treats a damaged state file as a first run instead of failing, and writes a sound one', async () => {
    const desktop = fakeDesktop()
    await start(desktop)
    running.splice(0).forEach((alerts) => alerts.stop())
    await policyToSignOff('Claims guardrails')
    for (const damage of ['{"workspaces": {"x": {"last_shown_id": "seven"}}', '\u0000\u0001garbage', '[]']) {
      writeFileSync(desktop.stateFile, damage)
      const before = desktop.shown.length
      const alerts = await start(desktop)
      expect(desktop.shown.length - before, damage).toBe(1)
      alerts.stop()
      expect(() => JSON.parse(readFileSync(desktop.stateFile, 'utf8'))).not.toThrow()
    }
  })

  it('shows nothing where the system cannot notify, and does not save them up for later', async () => {
    await policyToSignOff('Claims guardrails')
    const silent = fakeDesktop('linux', { supported: false })
    await start(silent)
    expect(silent.shown).toEqual([])
    expect(silent.badge).toEqual([1])

    const later = fakeDesktop('linux', { userDataPath: silent.shell.userDataPath })
    await start(later)
    expect(later.shown).toEqual([])
  })
})
