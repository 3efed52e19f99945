/**
 * Which URLs are the console itself: the app://console origin and, in development only, the
 * renderer's dev server. The IPC sender check and the navigation guards both ask this.
 */
import { APP_HOST, APP_SCHEME } from './app-protocol'

export function createConsoleUrlCheck(devServerUrl?: string): (url: string) => boolean {
  // http(s) URLs have an origin to compare; app:// is not a scheme Node knows, so its parts are compared.
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined
  return (candidate) => {
    const url = parseUrl(candidate)
    if (!url || url.username || url.password) return false
    if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true
    return devOrigin !== undefined && url.origin === devOrigin
  }
}

function parseUrl(candidate: string): URL | undefined {
  try {
    return new URL(candidate)
  } catch {
    return undefined
  }
}
