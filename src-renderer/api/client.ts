/**
 * The console's one client for the engine. Underneath it is either the desktop bridge (IPC) or
 * HTTP to `govern serve`; screens never know which.
 */
import { BRIDGE_KEY, type ChangeNotice, type GovernBridge } from '../../src-shared/api/bridge'
import type { Input, Output, ProcedureName } from '../../src-shared/api/contract'
import { ApiError, ApiErrorBody, type Result } from '../../src-shared/api/errors'

export interface Transport {
  readonly kind: 'ipc' | 'http'
  call(procedure: string, input: unknown): Promise<Result<unknown>>
  onChanged(listener: (notice: ChangeNotice) => void): () => void
  /** Routes the desktop app asks the page to show (a clicked OS notification); never over HTTP. */
  onOpen(listener: (route: string) => void): () => void
}

export function ipcTransport(bridge: GovernBridge): Transport {
  return {
    kind: 'ipc',
    call: (procedure, input) => bridge.call(procedure, input),
    onChanged: (l) => bridge.onChanged(l),
    onOpen: (l) => bridge.onOpen(l),
  }
}

export function httpTransport(baseUrl = ''): Transport {
  return {
    kind: 'http',
    async call(procedure, input) {
      let response: Response
      try {
        response = await fetch(`${baseUrl}/rpc/${encodeURIComponent(procedure)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-govern-console': '1' },
          body: JSON.stringify(input ?? {}),
        })
      } catch {
        return { ok: false, error: { error: 'internal', message: 'Cannot reach the console server. Is `govern serve` still running?' } }
      }
      const body: unknown = await response.json().catch(() => undefined)
      if (response.ok) return { ok: true, value: body }
      const error = ApiErrorBody.safeParse(body)
      return {
        ok: false,
        error: error.success ? error.data : { error: 'internal', message: `The server answered ${response.status}` },
      }
    },
    // Server-sent events carry the same change notices the desktop gets over IPC.
    onChanged(listener) {
      if (typeof EventSource === 'undefined') return () => undefined
      const source = new EventSource(`${baseUrl}/rpc-changes`, { withCredentials: true })
      const handler = (event: MessageEvent<string>) => listener(JSON.parse(event.data) as ChangeNotice)
      source.addEventListener('changed', handler)
      return () => source.close()
    },
    onOpen: () => () => undefined,
  }
}

export class GovernClient {
  constructor(readonly transport: Transport) {}

  async call<K extends ProcedureName>(procedure: K, input: Input<K>): Promise<Output<K>> {
    const result = await this.transport.call(procedure, input)
    if (!result.ok) throw new ApiError(result.error)
    return result.value as Output<K>
  }

  onChanged(listener: (notice: ChangeNotice) => void): () => void {
    return this.transport.onChanged(listener)
  }
}

function detectTransport(): Transport {
  const bridge = (globalThis as unknown as Record<string, GovernBridge | undefined>)[BRIDGE_KEY]
  return bridge ? ipcTransport(bridge) : httpTransport()
}

export const client = new GovernClient(detectTransport())
