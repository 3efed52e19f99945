/**
 * The desktop shell: one window on the local workspace, the engine in this (main) process, the
 * renderer reaching it only through the preload bridge. All behaviour lives in the engine.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BrowserWindow, Notification, app, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron'
import { IPC_CALL_CHANNEL, IPC_CHANGED_CHANNEL } from '../../src-shared/api/bridge'
import { openEngine, type Engine } from '../engine/engine'
import { WebhookAllowList } from '../engine/webhooks/destinations'
import { WORKSPACE_FILE } from '../engine/workspace/location'
import { createIpcHandler } from '../transport/ipc/ipc-handler'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, CONSOLE_URL, createAppProtocolHandler } from './app-protocol'
import { startAttestationAlerts, type AttestationAlerts } from './attestation-alerts'
import { createConsoleUrlCheck } from './console-origin'
import { handleDownloads } from './downloads'
import { isAllowedExternalLink } from './external-links'
import { auditKeyFolder, createAuditKeychain } from './audit-keychain'
import { createKeychain } from './keychain'
import { installSecurityGuards } from './security'
import { createTray } from './tray'
import { createWindowOpener } from './window-opener'

const rendererRoot = join(__dirname, '../renderer')
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const isConsoleUrl = createConsoleUrlCheck(devServerUrl)

// Privileges can only be granted before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

let engine: Engine | undefined
let window: BrowserWindow | undefined
// Kept here: a tray that is garbage collected disappears.
let tray: ReturnType<typeof createTray> | undefined
let alerts: AttestationAlerts | undefined

function createWindow(url: string): void {
  window = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Governance Console',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window?.show())
  void window.loadURL(url)
}

/** Shows the window; with a route (a clicked reminder), that page of the console in it. */
const showWindow = createWindowOpener({ current: () => window, create: createWindow, consoleUrl: devServerUrl ?? CONSOLE_URL })

async function start(): Promise<void> {
  installSecurityGuards({ app, session: session.defaultSession, openExternal: (url) => shell.openExternal(url) }, { isConsoleUrl, isAllowedExternalLink })
  handleDownloads({
    session: session.defaultSession,
    downloadsFolder: () => app.getPath('downloads'),
    showMessageBox: (options) => (window && !window.isDestroyed() ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options)),
    showItemInFolder: (path) => shell.showItemInFolder(path),
  })
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot, (path) => readFile(path)))
  const workspacePath = process.env.GOVERN_WORKSPACE ?? join(app.getPath('userData'), WORKSPACE_FILE)
  // Webhooks inside this computer or its network, allowed as `govern serve` reads them: whoever
  // starts the app is its operator, and nothing stored in the workspace can widen the list.
  const webhookAllow = WebhookAllowList.parse([process.env.GOVERN_WEBHOOK_ALLOW ?? ''])
  if (!webhookAllow.ok) {
    dialog.showErrorBox('GOVERN_WEBHOOK_ALLOW is not valid', webhookAllow.message)
    app.exit(1)
    return
  }
  try {
    // The server token of a connected workspace lives in the OS keychain, never in the workspace file.
    const credentials = createKeychain(safeStorage, app.getPath('userData'))
    // So is the key that signs the audit trail's head: whoever holds the workspace file alone cannot sign.
    const auditKeys = createAuditKeychain(safeStorage, auditKeyFolder(app.getPath('userData')))
    // better-sqlite3 13 is a Node-API addon: the one build in node_modules loads in Node and in Electron alike.
    engine = await openEngine(workspacePath, { evaluateInWorker: true, credentials, auditKeys, webhookAllow: webhookAllow.value.entries })
  } catch (error) {
    dialog.showErrorBox('Cannot open the workspace', (error as Error).message)
    app.exit(1)
    return
  }
  const opened = engine
  opened.startBackgroundWork()
  ipcMain.handle(IPC_CALL_CHANNEL, createIpcHandler({ engine: opened, actor: () => opened.owner(), isTrustedUrl: isConsoleUrl }))
  opened.onChange((notice) => {
    if (window && !window.isDestroyed()) window.webContents.send(IPC_CHANGED_CHANNEL, notice)
  })
  tray = createTray(join(app.getAppPath(), 'resources', 'icon.png'), { open: () => showWindow(), quit: () => app.quit() })
  alerts = startAttestationAlerts(opened, {
    Notification,
    tray,
    setBadgeCount: (count) => app.setBadgeCount(count),
    platform: process.platform,
    userDataPath: app.getPath('userData'),
    openRoute: showWindow,
  })
  showWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // Windows shows notifications only for the app ID its Start-menu shortcut carries (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId('com.governance-console.desktop')
  app.on('second-instance', () => showWindow())
  app.on('activate', () => showWindow())
  // Closing the window keeps the console in the tray, where reminders still reach the reviewer.
  app.on('window-all-closed', () => undefined)
  app.on('before-quit', () => {
    alerts?.stop()
    void engine?.close()
  })
  void app.whenReady().then(start)
}
