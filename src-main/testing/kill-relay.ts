/**
 * An HTTP relay between one desktop process and its server process, for the SIGKILL sync test:
 * it can be cut (every request dropped), follows the server to wherever it was started again,
 * and, when armed, calls `kill` at the moment of a sync it was told: as the nth request of a
 * phase arrives, once the server has answered it but before the desktop hears, after some bytes
 * of the answer, or a while after the whole answer reached the desktop.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { SYNC_SNAPSHOT_ROUTE } from '../../src-shared/api/sync'

const API = '/api/v1'

/** What a desktop's request is for: pushing a change, pulling (the feed, or rows by key), its first snapshot, or its audit head. */
export type SyncPhase = 'push' | 'pull' | 'snapshot' | 'head'

export function phaseOf(method: string, path: string): SyncPhase {
  if (path.startsWith(`${API}${SYNC_SNAPSHOT_ROUTE.path}`)) return 'snapshot'
  if (path.startsWith(`${API}/sync/changes`) || path.startsWith(`${API}/sync/rows`)) return 'pull'
  if (path.startsWith(`${API}/sync/heads`)) return 'head'
  return method === 'GET' ? 'pull' : 'push'
}

export type KillMoment =
  /** As the request arrives: the server never sees it. */
  | { at: 'arrival' }
  /** Once the server has answered in full, before a byte of the answer reaches the desktop. */
  | { at: 'answered' }
  /** After this many bytes of the answer have reached the desktop (or once all have, if fewer). */
  | { at: 'bytes'; bytes: number }
  /** This long after the whole answer reached the desktop: while it applies or strikes off what it heard. */
  | { at: 'after'; delayMs: number }
  /** This long after the whole request reached the server: while the server applies it. */
  | { at: 'sent'; delayMs: number }

export interface KillPoint {
  /** A phase, or any request. */
  phase: SyncPhase | 'any'
  /** Which of the phase's requests since arming, from 0. */
  nth: number
  moment: KillMoment
}

export class KillRelay {
  private online = true
  private armed: { point: KillPoint; kill: () => void; seen: number } | undefined
  /** Whether the armed kill has been called (or is about to be, after its delay). */
  fired = false

  private constructor(
    private readonly relay: Server,
    readonly url: string,
    private target: () => string,
  ) {}

  static async to(target: () => string): Promise<KillRelay> {
    let relay: KillRelay | undefined
    const server = createServer((incoming, outgoing) => relay!.pass(incoming, outgoing))
    // A request cut off by a kill is no failure of the relay.
    server.on('clientError', (_error, socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    relay = new KillRelay(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`, target)
    return relay
  }

  setOnline(online: boolean): void {
    this.online = online
    if (!online) this.relay.closeAllConnections()
  }

  /** Resolves once `kill` has been called (never, if the point is not reached). */
  arm(point: KillPoint, kill: () => void): Promise<void> {
    this.fired = false
    return new Promise((resolve) => {
      this.armed = {
        point,
        seen: 0,
        kill: () => {
          kill()
          resolve()
        },
      }
    })
  }

  /** Unless it has fired: a kill under way (waiting on an answer or its delay) still comes. */
  disarm(): void {
    if (!this.fired) this.armed = undefined
  }

  close(): Promise<void> {
    this.relay.closeAllConnections()
    return new Promise((resolve) => this.relay.close(() => resolve()))
  }

  /** The armed moment if this request is the one it waits for; counting it either way. */
  private momentFor(method: string, path: string): KillMoment | undefined {
    const armed = this.armed
    if (!armed || this.fired) return undefined
    if (armed.point.phase !== 'any' && armed.point.phase !== phaseOf(method, path)) return undefined
    if (armed.seen++ !== armed.point.nth) return undefined
    this.fired = true
    return armed.point.moment
  }

  private killNow(): void {
    const kill = this.armed?.kill
    this.armed = undefined
    kill?.()
  }

  /** The kill is taken now: a disarm meanwhile does not stop one that has fired. */
  private killAfter(delayMs: number): void {
    const kill = this.armed?.kill
    this.armed = undefined
    setTimeout(() => kill?.(), delayMs)
  }

  private pass(incoming: IncomingMessage, outgoing: ServerResponse): void {
    if (!this.online) return void incoming.socket.destroy()
    const path = incoming.url ?? '/'
    const moment = this.momentFor(incoming.method ?? 'GET', path)
    if (moment?.at === 'arrival') {
      incoming.socket.destroy()
      return this.killNow()
    }
    const { hostname, port } = new URL(this.target())
    const upstream = request({ host: hostname, port, path, method: incoming.method, headers: incoming.headers }, (answer) => {
      if (moment?.at === 'answered') {
        answer.resume()
        answer.on('end', () => {
          this.killNow()
          outgoing.destroy()
        })
        answer.on('error', () => outgoing.destroy())
        return
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      if (moment?.at === 'bytes') return this.passBytes(answer, outgoing, moment.bytes)
      answer.pipe(outgoing)
      answer.on('error', () => outgoing.destroy())
      if (moment?.at === 'after') outgoing.on('finish', () => this.killAfter(moment.delayMs))
    })
    upstream.on('error', () => outgoing.destroy())
    if (moment?.at === 'sent') upstream.on('finish', () => this.killAfter(moment.delayMs))
    incoming.pipe(upstream)
  }

  /** Passes on `limit` bytes of the answer (all of it, if shorter), then kills. */
  private passBytes(answer: IncomingMessage, outgoing: ServerResponse, limit: number): void {
    let passed = 0
    const stop = () => {
      this.killNow()
      outgoing.destroy()
    }
    answer.on('data', (bytes: Buffer) => {
      if (passed >= limit) return
      const room = limit - passed
      passed += bytes.length
      if (bytes.length < room) return void outgoing.write(bytes)
      answer.destroy()
      // Written out first: the desktop must hold the bytes before it dies.
      outgoing.write(bytes.subarray(0, room), stop)
    })
    answer.on('end', () => {
      if (passed < limit) outgoing.end(stop)
    })
    answer.on('error', () => outgoing.destroy())
  }
}
