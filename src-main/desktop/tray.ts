/** The tray icon keeps the console (and its attestation reminders) running with no window open. */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import type { AlertTray, TrayMenuEntry } from './attestation-alerts'

/**
 * The tray, with the count's entries (from attestation-alerts) above its own. Kept by the caller:
 * a tray that is garbage collected disappears.
 */
export function createTray(iconPath: string, actions: { open: () => void; quit: () => void }): AlertTray & { readonly tray: Tray } {
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 }))
  const setContextMenu = (entries: readonly TrayMenuEntry[]) => {
    const own: MenuItemConstructorOptions[] = [{ label: 'Open Governance Console', click: actions.open }, { type: 'separator' }, { label: 'Quit', click: actions.quit }]
    const counted: MenuItemConstructorOptions[] = entries.map(({ label, click, enabled }) => ({ label, ...(click ? { click } : {}), ...(enabled === false ? { enabled } : {}) }))
    tray.setContextMenu(Menu.buildFromTemplate(counted.length ? [...counted, { type: 'separator' }, ...own] : own))
  }
  tray.setToolTip('Governance Console')
  setContextMenu([])
  tray.on('click', actions.open)
  return {
    tray,
    setToolTip: (toolTip) => tray.setToolTip(toolTip),
    setTitle: (title) => tray.setTitle(title),
    setContextMenu,
  }
}
