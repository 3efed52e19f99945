/**
 * Talking to the server a desktop syncs with, over its REST API: a command sent as the call it
 * was (its route from the contract, its id as the Idempotency-Key), the change feed, rows by key.
 * Every answer is parsed: the server is another program.
 */
import { contract, isProcedureName } from '../../../src-shared/api/contract'
import { ApiErrorBody } from '../../../src-shared/api/errors'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import { ChangePage, RowsAnswer, type RowKey } from '../../../src-shared/domain/sync'
import type { SignedCheckpoint } from '../../../src-shared/domain/audit'
import type { EditConflict } from '../../../src-shared/domain/conflicts'

const API_BASE_PATH = '/api/v1'
const TIMEOUT_MS = 30_000

/** The server could not be asked (unreachable, busy, failing, or it refused the token): try again later. */
export class ServerUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ServerUnavailable'
  }
}

/** What became of one command the server was sent. */
export type SendOutcome = { kind: 'applied' } | { kind: 'conflict'; message: string; conflict?: EditConflict } | { kind: 'rejected'; message: string }

export class ServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    /** Ends every request under way: the engine is closing. */
    private readonly stopping?: AbortSignal,
  ) {}

  async send(procedure: string, input: unknown, commandId: string): Promise<SendOutcome> {
    if (!isProcedureName(procedure) || !contract[procedure].rest) return { kind: 'rejected', message: `${procedure} cannot be sent to a server` }
    const route = contract[procedure].rest
    const fields = { ...(input as Record<string, unknown>) }
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = fields[name]
      delete fields[name]
      return encodeURIComponent(String(value))
    })
    const withBody = route.method === 'POST' || route.method === 'PATCH'
    const query = withBody ? '' : queryString(fields)
    const response = await this.fetch(`${path}${query}`, {
      method: route.method,
      headers: { 'idempotency-key': commandId, ...(withBody ? { 'content-type': 'application/json' } : {}) },
      ...(withBody ? { body: JSON.stringify(fields) } : {}),
    })
    // Applied now, or before (a retry whose first answer was lost is answered as that one was, Idempotent-Replayed).
    if (response.ok) {
      await response.body?.cancel()
      return { kind: 'applied' }
    }
    const error = ApiErrorBody.safeParse(await response.json().catch(() => undefined))
    const message = error.success ? error.data.message : `The server answered ${response.status}`
    // A server of an earlier version says a command it applied, but whose answer a crash lost, is a conflict on its key: it is applied all the same.
    if (response.status === 409 && error.success && error.data.field === 'Idempotency-Key') return { kind: 'applied' }
    // A stale edit is a conflict to choose from; anything else refused (a name taken, a role that may not) is a rejection.
    if (response.status === 409 && error.success && error.data.conflict) return { kind: 'conflict', message, conflict: error.data.conflict }
    return { kind: 'rejected', message }
  }

  async changes(after: string, limit: number): Promise<ChangePage> {
    const response = await this.fetch(`/sync/changes?after=${encodeURIComponent(after)}&limit=${limit}`, { method: 'GET' })
    return parseAnswer(ChangePage, response, this.baseUrl)
  }

  /**
   * The server's snapshot for a first pull, its lines as they arrive (domain/sync.ts), or
   * undefined from a server too old to have one. Stopped (ending the request) by returning the
   * generator early; a stream that stalls or breaks off throws ServerUnavailable.
   */
  async snapshot(): Promise<AsyncGenerator<string> | undefined> {
    // The stream may take minutes: only a stall of TIMEOUT_MS gives up, not its length.
    const stalled = new StallTimer(TIMEOUT_MS)
    const response = await this.fetch(SYNC_SNAPSHOT_ROUTE.path, { method: 'GET' }, stalled.signal)
    if (response.status === 404) {
      // A server older than snapshots: the caller pages the change feed instead.
      stalled.stop()
      await response.body?.cancel()
      return undefined
    }
    if (!response.ok || !response.body) {
      stalled.stop()
      throw refusal(response, await response.json().catch(() => undefined), this.baseUrl)
    }
    if (!(response.headers.get('content-type') ?? '').startsWith(SYNC_SNAPSHOT_ROUTE.contentType)) {
      stalled.stop()
      await response.body.cancel()
      throw new NotAConsole(`${this.baseUrl} did not answer as a Governance Console server (no JSON lines for its snapshot)`)
    }
    return linesOf(response.body, stalled, this.baseUrl)
  }

  /**
   * Sends the desktop's newest signed head of the trail it pulled. A server that keeps none (older
   * than heads) is passed over; one that refuses it says this desktop's copy was rewritten or
   * went backwards, which stops the sync with its words.
   */
  async reportHead(desktopWorkspaceId: string, checkpoint: SignedCheckpoint): Promise<void> {
    const response = await this.fetch('/sync/heads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desktop_workspace_id: desktopWorkspaceId, checkpoint }) })
    if (response.ok || response.status === 404) {
      await response.body?.cancel()
      return
    }
    const error = ApiErrorBody.safeParse(await response.json().catch(() => undefined))
    throw new AuditHeadRefused(`${this.baseUrl} refused this desktop’s signed audit head: ${error.success ? error.data.message : `it answered ${response.status}`}`)
  }

  async rows(keys: readonly RowKey[]): Promise<RowsAnswer> {
    const response = await this.fetch('/sync/rows', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) })
    return parseAnswer(RowsAnswer, response, this.baseUrl)
  }

  /** A response the caller reads; unreachable, a refused token, busy (429, 503) or failing (5xx) are thrown as ServerUnavailable. */
  private async fetch(path: string, init: RequestInit, deadline: AbortSignal = AbortSignal.timeout(TIMEOUT_MS)): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${API_BASE_PATH}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
        signal: this.stopping ? AbortSignal.any([deadline, this.stopping]) : deadline,
      })
    } catch (error) {
      throw new ServerUnavailable(`Could not reach ${this.baseUrl}: ${causeOf(error)}`)
    }
    if (response.status === 401) {
      await response.body?.cancel()
      throw new ServerUnavailable(`${this.baseUrl} refused the token: ask its administrator for a new one (govern token create), then connect again`)
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel()
      throw new ServerUnavailable(`${this.baseUrl} is busy or failing (it answered ${response.status}); trying again shortly`)
    }
    return response
  }
}

/** Aborts its signal once nothing has happened for `ms`; each sign of life starts the wait again. */
class StallTimer {
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout

  constructor(ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new DOMException('no answer within 30 seconds', 'TimeoutError')), ms)
    this.timer.unref()
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  alive(): void {
    this.timer.refresh()
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}

/** A streamed body's whole lines (without their line breaks), as they arrive. */
async function* linesOf(body: ReadableStream<Uint8Array>, stalled: StallTimer, baseUrl: string): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let partial = ''
  const reader = body.getReader()
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>
      try {
        read = await reader.read()
      } catch (error) {
        throw new ServerUnavailable(`${baseUrl} broke off its snapshot: ${causeOf(error)}; trying again shortly`)
      }
      if (read.done) break
      stalled.alive()
      const lines = (partial + decoder.decode(read.value, { stream: true })).split('\n')
      partial = lines.pop()!
      for (const line of lines) if (line.length > 0) yield line
    }
    // A last line without its line break was cut off: it is dropped, and the reader finds the end missing.
  } finally {
    stalled.stop()
    // Stopped early: the rest is not wanted, and the server lets go of its snapshot.
    await reader.cancel().catch(() => undefined)
  }
}

function queryString(fields: Record<string, unknown>): string {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined)
  if (entries.length === 0) return ''
  return `?${new URLSearchParams(entries.map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])).toString()}`
}

async function parseAnswer<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, response: Response, baseUrl: string): Promise<T> {
  const body: unknown = await response.json().catch(() => undefined)
  const parsed = schema.safeParse(body)
  if (!response.ok || !parsed.success) throw refusal(response, body, baseUrl)
  return parsed.data
}

/** Why an answer cannot be used: the token may not read changes (403), or this is no console. */
function refusal(response: Response, body: unknown, baseUrl: string): ServerUnavailable {
  if (response.status === 403) return new ServerUnavailable(`${baseUrl} does not let this token read its changes: ${ApiErrorBody.safeParse(body).data?.message ?? 'forbidden'}`)
  return new NotAConsole(`${baseUrl} did not answer as a Governance Console server (${response.status} on its change feed)`)
}

/** Refuses an answer from a server that now holds another workspace than the one this desktop copies. */
export function sameWorkspace(answered: string, expected: string): void {
  if (answered !== expected) throw new ServerUnavailable(`The server now holds another workspace (${answered}, not ${expected}): disconnect, and connect a new workspace to it`)
}

/** The address answered, but not as a Governance Console would. */
export class NotAConsole extends ServerUnavailable {}

/** The server holds a newer signed head of this desktop's trail than its copy has, or none of its events match. */
export class AuditHeadRefused extends ServerUnavailable {}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within 30 seconds'
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
}
