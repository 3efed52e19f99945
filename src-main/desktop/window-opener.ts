/**
 * Bringing the console's window forward, with a page of it open when asked (a clicked reminder):
 * a new window loads that route; a window already open gets it over the one-way open channel.
 * No Electron import, so it is tested against a fake window.
 */
import { IPC_OPEN_CHANNEL, isOpenRoute } from '../../src-shared/api/bridge'

/** The part of a BrowserWindow used here. */
export interface ConsoleWindow {
  isDestroyed(): boolean
  isMinimized(): boolean
  restore(): void
  show(): void
  focus(): void
  webContents: {
    isLoading(): boolean
    once(event: 'did-finish-load', listener: () => void): unknown
    send(channel: string, ...args: unknown[]): void
  }
}

export function createWindowOpener(options: {
  /** The window, if one was made. */
  current: () => ConsoleWindow | undefined
  /** Makes the window and loads `url` in it. */
  create: (url: string) => void
  consoleUrl: string
}): (route?: string) => void {
  return (route) => {
    // Checked here too: only a route the page would accept is ever sent or loaded.
    const opening = isOpenRoute(route) ? route : undefined
    const window = options.current()
    if (!window || window.isDestroyed()) {
      options.create(`${options.consoleUrl}${opening ?? ''}`)
      return
    }
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    if (!opening) return
    const contents = window.webContents
    const send = () => contents.send(IPC_OPEN_CHANNEL, opening)
    // A page still loading gets it once loaded; the preload keeps it until the console listens.
    if (contents.isLoading()) contents.once('did-finish-load', send)
    else send()
  }
}
