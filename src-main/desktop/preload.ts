/**
 * The sandboxed preload: exposes exactly the GovernBridge to the renderer, through contextBridge.
 * No Node, no Electron objects, no arbitrary channels cross into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { BRIDGE_KEY, IPC_CALL_CHANNEL, IPC_CHANGED_CHANNEL, IPC_OPEN_CHANNEL, isOpenRoute, type ChangeNotice, type GovernBridge } from '../../src-shared/api/bridge'
import type { Result } from '../../src-shared/api/errors'

// A clicked reminder can open the window before the page subscribes: the route waits here for it.
const openListeners = new Set<(route: string) => void>()
let unopenedRoute: string | undefined
ipcRenderer.on(IPC_OPEN_CHANNEL, (_event: IpcRendererEvent, route: unknown) => {
  if (!isOpenRoute(route)) return
  if (openListeners.size === 0) unopenedRoute = route
  for (const listener of openListeners) listener(route)
})

const bridge: GovernBridge = {
  call: (procedure, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, String(procedure), input) as Promise<Result<unknown>>,
  onChanged: (listener) => {
    const relay = (_event: IpcRendererEvent, notice: ChangeNotice) => listener(notice)
    ipcRenderer.on(IPC_CHANGED_CHANNEL, relay)
    return () => ipcRenderer.removeListener(IPC_CHANGED_CHANNEL, relay)
  },
  onOpen: (listener) => {
    const relay = (route: string) => listener(route)
    openListeners.add(relay)
    if (unopenedRoute !== undefined) {
      const route = unopenedRoute
      unopenedRoute = undefined
      relay(route)
    }
    return () => void openListeners.delete(relay)
  },
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge)
