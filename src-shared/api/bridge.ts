/**
 * What the desktop preload exposes to the renderer, and nothing more: one call into the engine and
 * one subscription to its change feed. Kept free of zod so the sandboxed preload stays tiny.
 */
import type { Result } from './errors'

export const IPC_CALL_CHANNEL = 'govern:call'
export const IPC_CHANGED_CHANNEL = 'govern:changed'
/** The name of the bridge on `window`. */
export const BRIDGE_KEY = 'governBridge'

export interface ChangeNotice {
  areas: string[]
}

export interface GovernBridge {
  call(procedure: string, input: unknown): Promise<Result<unknown>>
  onChanged(listener: (notice: ChangeNotice) => void): () => void
}
