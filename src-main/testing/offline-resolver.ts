/**
 * A resolver that knows no name, as the system's answers offline: webhooks of example policies
 * (hooks.example.com) are saved unchecked and never sent, so tests built on them reach no network.
 */
import type { ResolveHost } from '../engine/webhooks/destinations'

export const namesResolveNowhere: ResolveHost = async (hostname) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}
