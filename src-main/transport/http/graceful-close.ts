/**
 * Closing the HTTP server without cutting requests short: it stops taking connections at once,
 * lets the requests under way finish within a grace period, and closes each keep-alive connection
 * as it falls idle; only what is left when the grace period ends is cut.
 */
import type { Server, ServerResponse } from 'node:http'

export interface ClosedServer {
  /** Requests still under way when the grace period ended, whose connections were cut. */
  cutShort: number
}

/**
 * Watches `server`'s requests from now on and returns the way to close it. Closing aborts
 * `stopping`, which the server's own handlers read to stop what would otherwise hold the close
 * (the change feed) and to answer /readyz 503. A second call waits for the first.
 */
export function gracefulCloser(server: Server, stopping: AbortController): (graceMs: number) => Promise<ClosedServer> {
  const underWay = new Set<ServerResponse>()
  // Node keeps a keep-alive connection after close() and serves what else arrives on it, so each
  // answer sent while stopping says `Connection: close`, and a connection idle again is closed.
  server.prependListener('request', (_request, response: ServerResponse) => {
    underWay.add(response)
    if (stopping.signal.aborted) response.setHeader('Connection', 'close')
    response.once('close', () => {
      underWay.delete(response)
      if (stopping.signal.aborted) setImmediate(() => server.closeIdleConnections())
    })
  })
  let closing: Promise<ClosedServer> | undefined
  return (graceMs) =>
    (closing ??= new Promise<ClosedServer>((resolve, reject) => {
      stopping.abort()
      for (const response of underWay) if (!response.headersSent) response.setHeader('Connection', 'close')
      let cutShort = 0
      const graceOver = setTimeout(() => {
        cutShort = underWay.size
        server.closeAllConnections()
      }, graceMs)
      // close() refuses new connections and closes the idle ones; its callback waits for the rest.
      server.close((error) => {
        clearTimeout(graceOver)
        if (error) reject(error)
        else resolve({ cutShort })
      })
    }))
}
