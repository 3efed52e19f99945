import { describe, expect, it } from 'vitest'
import { createConsoleUrlCheck } from './console-origin'
import { installSecurityGuards, type CancellableEvent, type GuardedContents, type GuardedShell, type NavigationEvent } from './security'

type Listener = (event: never) => void

/** A web contents that records its listeners and window-open handler, and fires them on demand. */
class FakeContents implements GuardedContents {
  readonly listeners = new Map<string, Listener[]>()
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler
  }

  /** Fires an event as Electron would; true when some listener cancelled it. */
  fire(name: string, url = ''): boolean {
    let cancelled = false
    const event: NavigationEvent & CancellableEvent = { url, preventDefault: () => void (cancelled = true) }
    for (const listener of this.listeners.get(name) ?? []) (listener as (event: NavigationEvent) => void)(event)
    return cancelled
  }
}

function fakeShell() {
  const created: ((event: unknown, contents: GuardedContents) => void)[] = []
  const opened: string[] = []
  const permissions: { request?: Parameters<GuardedShell['session']['setPermissionRequestHandler']>[0]; check?: Parameters<GuardedShell['session']['setPermissionCheckHandler']>[0] } = {}
  const shell: GuardedShell = {
    app: { on: (_event, listener) => created.push(listener) },
    session: {
      setPermissionRequestHandler: (handler) => void (permissions.request = handler),
      setPermissionCheckHandler: (handler) => void (permissions.check = handler),
    },
    openExternal: async (url) => void opened.push(url),
  }
  const newContents = () => {
    const contents = new FakeContents()
    for (const listener of created) listener({}, contents)
    return contents
  }
  return { shell, opened, permissions, newContents }
}

const DOCS = 'https://docs.governance-console.example/guide'
const policy = { isConsoleUrl: createConsoleUrlCheck(), isAllowedExternalLink: (url: string) => url === DOCS }

describe('the desktop security guards', () => {
  it('denies every permission request and every permission check but clipboard writes from the console', () => {
    const { shell, permissions } = fakeShell()
    installSecurityGuards(shell, policy)
    const console = 'app://console/index.html#/reports'
    const answers: boolean[] = []
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      permissions.request?.({}, permission, (granted) => answers.push(granted), { requestingUrl: console })
      expect(permissions.check?.({}, permission, 'app://console', { requestingUrl: console }), permission).toBe(false)
    }
    expect(answers).toEqual([false, false, false, false, false])
  })

  it('lets the console write text to the clipboard, and nothing else do so', () => {
    const { shell, permissions } = fakeShell()
    installSecurityGuards(shell, policy)
    const answers: boolean[] = []
    for (const requestingUrl of ['app://console/index.html#/reports', 'https://evil.example/', 'app://other/index.html', undefined]) {
      permissions.request?.({}, 'clipboard-sanitized-write', (granted) => answers.push(granted), { requestingUrl })
      answers.push(permissions.check!({}, 'clipboard-sanitized-write', 'app://console', { requestingUrl }))
    }
    expect(answers).toEqual([true, true, false, false, false, false, false, false])
  })

  it('stops any frame, not only the main one, from navigating away from the console', () => {
    const { shell, newContents } = fakeShell()
    installSecurityGuards(shell, policy)
    const contents = newContents()
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/', 'about:blank', 'data:text/html,x', 'javascript:alert(1)']) {
      expect(contents.fire('will-frame-navigate', url), url).toBe(true)
    }
  })

  it('also cancels main-frame navigations and redirects away from the console', () => {
    const { shell, newContents } = fakeShell()
    installSecurityGuards(shell, policy)
    const contents = newContents()
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true)
  })

  it('lets navigations within the console proceed', () => {
    const { shell, newContents } = fakeShell()
    installSecurityGuards(shell, policy)
    const contents = newContents()
    for (const event of ['will-frame-navigate', 'will-navigate', 'will-redirect']) {
      expect(contents.fire(event, 'app://console/#/policies'), event).toBe(false)
    }
  })

  it('refuses to attach a webview', () => {
    const { shell, newContents } = fakeShell()
    installSecurityGuards(shell, policy)
    expect(newContents().fire('will-attach-webview')).toBe(true)
  })

  it('denies every new window, and opens only allowed links in the system browser', async () => {
    const { shell, newContents, opened } = fakeShell()
    installSecurityGuards(shell, policy)
    const contents = newContents()
    for (const url of [DOCS, 'https://evil.example/', 'file:///etc/passwd', 'app://console/']) {
      expect(contents.openHandler?.({ url }), url).toEqual({ action: 'deny' })
    }
    await Promise.resolve()
    expect(opened).toEqual([DOCS])
  })

  it('survives the system browser failing to open a link', async () => {
    const { shell, newContents } = fakeShell()
    let rejected = false
    installSecurityGuards({ ...shell, openExternal: () => Promise.reject(new Error('no handler')).finally(() => void (rejected = true)) }, policy)
    expect(newContents().openHandler?.({ url: DOCS })).toEqual({ action: 'deny' })
    await new Promise((settle) => setTimeout(settle, 0))
    expect(rejected).toBe(true)
  })

  it('guards every web contents created, not only the first window', () => {
    const { shell, newContents } = fakeShell()
    installSecurityGuards(shell, policy)
    newContents()
    const second = newContents()
    expect(second.fire('will-frame-navigate', 'https://evil.example/')).toBe(true)
    expect(second.openHandler).toBeDefined()
  })
})
