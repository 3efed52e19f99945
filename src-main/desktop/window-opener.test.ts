import { describe, expect, it } from 'vitest'
import { IPC_OPEN_CHANNEL } from '../../src-shared/api/bridge'
import { createWindowOpener, type ConsoleWindow } from './window-opener'

const CONSOLE = 'app://console/'

/** A window that records what was done to it, loading or loaded, minimised or not. */
class FakeWindow implements ConsoleWindow {
  readonly calls: string[] = []
  readonly sent: unknown[][] = []
  private finishLoad: Array<() => void> = []
  constructor(
    public loading = false,
    public minimized = false,
    public destroyed = false,
  ) {}
  isDestroyed = () => this.destroyed
  isMinimized = () => this.minimized
  restore = () => void this.calls.push('restore')
  show = () => void this.calls.push('show')
  focus = () => void this.calls.push('focus')
  webContents = {
    isLoading: () => this.loading,
    once: (_event: 'did-finish-load', listener: () => void) => this.finishLoad.push(listener),
    send: (channel: string, ...args: unknown[]) => void this.sent.push([channel, ...args]),
  }
  /** The page finished loading, as Electron announces it. */
  loaded(): void {
    this.loading = false
    this.finishLoad.splice(0).forEach((listener) => listener())
  }
}

function opener(window?: FakeWindow) {
  const created: string[] = []
  const open = createWindowOpener({ current: () => window, create: (url) => void created.push(url), consoleUrl: CONSOLE })
  return { open, created }
}

describe('opening the console window on a route', () => {
  it('makes the window with the route in its address when none is open', () => {
    const { open, created } = opener()
    open('#/attestations/atq_abc')
    open()
    expect(created).toEqual(['app://console/#/attestations/atq_abc', 'app://console/'])
  })

  it('makes a new window when the last one was destroyed', () => {
    const { open, created } = opener(new FakeWindow(false, false, true))
    open('#/policies/pol_1')
    expect(created).toEqual(['app://console/#/policies/pol_1'])
  })

  it('brings an open window forward and sends it the route', () => {
    const window = new FakeWindow(false, true)
    const { open, created } = opener(window)
    open('#/attestations/atq_abc')
    expect(created).toEqual([])
    expect(window.calls).toEqual(['restore', 'show', 'focus'])
    expect(window.sent).toEqual([[IPC_OPEN_CHANNEL, '#/attestations/atq_abc']])
  })

  it('waits for a page still loading before sending the route', () => {
    const window = new FakeWindow(true)
    const { open } = opener(window)
    open('#/attestations')
    expect(window.sent).toEqual([])
    window.loaded()
    expect(window.sent).toEqual([[IPC_OPEN_CHANNEL, '#/attestations']])
  })

  it('sends or loads no route the page would refuse, and still shows the window', () => {
    const window = new FakeWindow()
    const { open } = opener(window)
    open('#/settings')
    open('https://evil.example/')
    expect(window.sent).toEqual([])
    expect(window.calls).toEqual(['show', 'focus', 'show', 'focus'])
    const fresh = opener()
    fresh.open('javascript:alert(1)')
    expect(fresh.created).toEqual(['app://console/'])
  })
})
