/**
 * What the desktop preload exposes to the renderer, and nothing more: one call into the engine, one
 * subscription to its change feed, and one to the routes main asks the page to open (a clicked
 * reminder). Kept free of zod so the sandboxed preload stays tiny.
 */
import type { Result } from './errors'

export const IPC_CALL_CHANNEL = 'govern:call'
export const IPC_CHANGED_CHANNEL = 'govern:changed'
/** Main to renderer only: a route to show, such as the request a clicked notification is about. */
export const IPC_OPEN_CHANNEL = 'govern:open'
/** The name of the bridge on `window`. */
export const BRIDGE_KEY = 'governBridge'

export interface ChangeNotice {
  areas: string[]
}

/**
 * The only routes main may ask the page to open: the Attestation inbox, a request in it, or a
 * policy's page (on its Attestations tab, for an exception's reminder). Main checks before
 * sending, the preload and the renderer again on arrival.
 */
const OPEN_ROUTE = /^#\/(?:attestations(?:\/atq_[A-Za-z0-9_-]{1,64})?|policies\/pol_[A-Za-z0-9_-]{1,64}(?:\?tab=attestations)?)$/

export function isOpenRoute(route: unknown): route is string {
  return typeof route === 'string' && OPEN_ROUTE.test(route)
}

export interface GovernBridge {
  call(procedure: string, input: unknown): Promise<Result<unknown>>
  onChanged(listener: (notice: ChangeNotice) => void): () => void
  /** Routes main asks the page to show; one sent before anyone listened is delivered on subscribing. */
  onOpen(listener: (route: string) => void): () => void
}
