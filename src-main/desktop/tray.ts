/** The tray icon keeps the console (and its attestation reminders) running with no window open. */
import { Menu, Tray, nativeImage } from 'electron'

export function createTray(iconPath: string, actions: { open: () => void; quit: () => void }): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 }))
  tray.setToolTip('Governance Console')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Governance Console', click: actions.open },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  )
  tray.on('click', actions.open)
  return tray
}
