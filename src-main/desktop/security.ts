/**
 * The desktop shell's guards, following Electron's security checklist: no permission is granted
 * but writing plain text to the clipboard from the console's own pages (copying a report's hash), no frame navigates away from the console, new windows are refused (allowed links open in the
 * system browser), and no webview can be attached. Written over the few Electron calls it makes,
 * with no Electron import, so it is tested against fakes; main.ts passes the real objects.
 */

export interface CancellableEvent {
  preventDefault(): void
}

export interface NavigationEvent extends CancellableEvent {
  url: string
}

/** The part of Electron's WebContents the guards use. */
export interface GuardedContents {
  // will-frame-navigate covers every frame; will-navigate and will-redirect stay as a second lock.
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-attach-webview', listener: (event: CancellableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** The parts of Electron's app, default session and shell the guards use. */
export interface GuardedShell {
  app: { on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown }
  session: {
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void
    setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean): void
  }
  openExternal(url: string): Promise<void>
}

export interface GuardPolicy {
  isConsoleUrl(url: string): boolean
  isAllowedExternalLink(url: string): boolean
}

/** Sanitised clipboard writes only: the page may put text there, never read it. */
const GRANTED = new Set(['clipboard-sanitized-write'])

export function installSecurityGuards(shell: GuardedShell, policy: GuardPolicy): void {
  const grants = (permission: string, url: string | undefined) => GRANTED.has(permission) && url !== undefined && policy.isConsoleUrl(url)
  // Chromium checks a permission first and asks only when the check says no: both answer alike.
  shell.session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(grants(permission, details.requestingUrl)))
  shell.session.setPermissionCheckHandler((_contents, permission, _origin, details) => grants(permission, details.requestingUrl))
  shell.app.on('web-contents-created', (_event, contents) => guardContents(contents, shell, policy))
}

function guardContents(contents: GuardedContents, shell: GuardedShell, policy: GuardPolicy): void {
  const stayInConsole = (event: NavigationEvent) => {
    if (!policy.isConsoleUrl(event.url)) event.preventDefault()
  }
  contents.on('will-frame-navigate', stayInConsole)
  contents.on('will-navigate', stayInConsole)
  contents.on('will-redirect', stayInConsole)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (policy.isAllowedExternalLink(url)) shell.openExternal(url).catch(() => undefined)
    return { action: 'deny' }
  })
}
