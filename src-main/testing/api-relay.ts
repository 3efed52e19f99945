/**
 * An HTTP relay between desktops and their server, for sync tests: it notes every path asked, and
 * can answer the snapshot route 404 as a server older than it would, cut the snapshot off after
 * some bytes, or hold it after its first line until the test lets it go on.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import { SYNC_SNAPSHOT_ROUTE } from '../../src-shared/api/sync'

const SNAPSHOT_PATH = `/api/v1${SYNC_SNAPSHOT_ROUTE.path}`

/** 'cut' ends the answer after some bytes, cleanly ('end') or by breaking the connection ('break'). */
export type SnapshotHandling = { kind: 'pass' } | { kind: 'absent' } | { kind: 'cut'; afterBytes: number; how: 'end' | 'break' } | { kind: 'hold'; until: Promise<void> }

export class ApiRelay {
  /** The paths asked, with their query strings, in order. */
  readonly asked: string[] = []
  snapshot: SnapshotHandling = { kind: 'pass' }

  private constructor(
    private readonly relay: Server,
    readonly url: string,
  ) {}

  static async to(target: string): Promise<ApiRelay> {
    const { hostname, port } = new URL(target)
    let relay: ApiRelay | undefined
    const server = createServer((incoming, outgoing) => {
      const path = incoming.url ?? '/'
      relay!.asked.push(path)
      const handling = path.startsWith(SNAPSHOT_PATH) ? relay!.snapshot : { kind: 'pass' as const }
      if (handling.kind === 'absent') {
        outgoing.writeHead(404, { 'content-type': 'application/json' })
        outgoing.end(JSON.stringify({ error: 'not_found', message: `No API route GET ${path}` }))
        return
      }
      const upstream = request({ host: hostname, port, path, method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        if (handling.kind === 'cut') {
          const stop = handling.how === 'end' ? () => outgoing.end() : () => outgoing.destroy()
          // Written out first: the desktop must get the bytes before the answer stops.
          cutAfter(answer, handling.afterBytes, (bytes, then) => outgoing.write(bytes, then), stop)
        }
        else if (handling.kind === 'hold') holdAfterFirstLine(answer, handling.until, (bytes) => outgoing.write(bytes), () => outgoing.end())
        else answer.pipe(outgoing)
      })
      upstream.on('error', () => outgoing.destroy())
      incoming.pipe(upstream)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    relay = new ApiRelay(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`)
    return relay
  }

  close(): Promise<void> {
    this.relay.closeAllConnections()
    return new Promise((resolve) => this.relay.close(() => resolve()))
  }
}

/** Passes on the first `limit` bytes, then stops the answer. */
function cutAfter(answer: IncomingMessage, limit: number, write: (bytes: Buffer, then?: () => void) => void, stop: () => void): void {
  let passed = 0
  answer.on('data', (bytes: Buffer) => {
    if (passed >= limit) return
    const last = passed + bytes.length >= limit
    passed += bytes.length
    if (!last) return write(bytes)
    answer.destroy()
    write(bytes.subarray(0, bytes.length - (passed - limit)), stop)
  })
}

/** Passes on the first line, then the rest only once `until` settles. */
function holdAfterFirstLine(answer: IncomingMessage, until: Promise<void>, write: (bytes: Buffer) => void, end: () => void): void {
  let firstLineSent = false
  const held: Buffer[] = []
  let released = false
  void until.then(() => {
    released = true
    for (const bytes of held.splice(0)) write(bytes)
    if (answer.readableEnded) end()
  })
  answer.on('data', (bytes: Buffer) => {
    if (released) return write(bytes)
    if (firstLineSent) return void held.push(bytes)
    const newline = bytes.indexOf(10)
    if (newline < 0) return write(bytes)
    firstLineSent = true
    write(bytes.subarray(0, newline + 1))
    held.push(bytes.subarray(newline + 1))
  })
  answer.on('end', () => {
    if (released) end()
  })
}
