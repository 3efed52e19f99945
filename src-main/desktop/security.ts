/**
 * The desktop shell's guards, following Electron's security checklist: no permission is granted,
 * the window never navigates away from the console, new windows are refused (https links open in
 * the system browser), and no webview can be attached.
 */
import { app, session, shell, type WebContents } from 'electron'

export function installSecurityGuards(isConsoleUrl: (url: string) => boolean): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isConsoleUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isConsoleUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
}
