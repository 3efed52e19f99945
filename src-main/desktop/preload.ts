/**
 * The sandboxed preload: exposes exactly the GovernBridge to the renderer, through contextBridge.
 * No Node, no Electron objects, no arbitrary channels cross into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { BRIDGE_KEY, IPC_CALL_CHANNEL, IPC_CHANGED_CHANNEL, type ChangeNotice, type GovernBridge } from '../../src-shared/api/bridge'
import type { Result } from '../../src-shared/api/errors'

const bridge: GovernBridge = {
  call: (procedure, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, String(procedure), input) as Promise<Result<unknown>>,
  onChanged: (listener) => {
    const relay = (_event: IpcRendererEvent, notice: ChangeNotice) => listener(notice)
    ipcRenderer.on(IPC_CHANGED_CHANNEL, relay)
    return () => ipcRenderer.removeListener(IPC_CHANGED_CHANNEL, relay)
  },
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge)
