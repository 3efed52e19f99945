/**
 * Answers sent before their request's body has all arrived: refusals (413, 401, 403) and any
 * other. Closing at once resets the connection under a client that is still sending, and Node's
 * http client and fetch then see ECONNRESET or EPIPE rather than the answer; reading on to keep
 * the connection, as Node does, takes in a whole body nobody wants (hundreds of MB for a 401). So
 * such an answer says `Connection: close`, and the rest of the body is read and thrown away up to
 * a bound in bytes, then left unread, until the client stops or a bound in time passes: then the
 * connection is closed. Go's net/http reads 256 KB the same way; nginx bounds its lingering close.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface UnreadBodyBounds {
  /** Bytes of a body read and discarded after its answer; the client's later bytes are not taken in. */
  bytes: number
  /** How long after the answer the connection stays open for the client to read it. */
  ms: number
}

export const UNREAD_BODY_BOUNDS: UnreadBodyBounds = { bytes: 256 * 1024, ms: 2000 }

/** Whether the request says a body follows; one without says so by carrying neither header. */
function declaresBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
}

/** Watches every request `server` takes from now on. */
export function boundUnreadBodies(server: Server, bounds: UnreadBodyBounds = UNREAD_BODY_BOUNDS): void {
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!declaresBody(request)) return
    // The moment to decide is just before the answer's head is written: whatever the handler
    // left unread is known, and the head can still say the connection ends with it.
    const writeHead = response.writeHead
    response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      response.writeHead = writeHead
      if (!request.complete && !this.headersSent) {
        this.setHeader('Connection', 'close')
        discardRest(request, response, bounds)
      }
      return writeHead.apply(this, args)
    } as ServerResponse['writeHead']
  })
}

function discardRest(request: IncomingMessage, response: ServerResponse, bounds: UnreadBodyBounds): void {
  const socket = request.socket as Socket
  let discarded = 0
  let answered = false
  const close = () => {
    clearTimeout(deadline)
    if (!socket.destroyed) socket.destroy()
  }
  // Once what the server wrote has gone out: destroying earlier would drop the answer's last bytes.
  const closeWhenWritten = () => (socket.writableFinished ? close() : socket.once('finish', close))
  const deadline = setTimeout(close, bounds.ms)
  deadline.unref()
  socket.once('close', () => clearTimeout(deadline))
  // Whoever was reading the body (the handler's stream) is done with it; its listener would pause
  // the request when its own queue filled, and the discarding with it. Node's own discarding of
  // an unread body does the same.
  request.removeAllListeners('data')
  request.on('data', (piece: Buffer) => {
    discarded += piece.length
    // Past the bound nothing more is taken in, whoever resumed the stream: the client's further
    // bytes wait in its own buffers until it reads the answer and stops, or the time runs out.
    if (discarded > bounds.bytes) request.pause()
  })
  request.once('end', () => {
    // The client sent all it meant to: once the answer is out, nothing is left to wait for.
    if (answered) closeWhenWritten()
  })
  request.resume()
  // Node ends a `Connection: close` answer with destroySoon(), which closes the socket as soon as
  // the answer is written, resetting it under a client still sending. Instead the answer is
  // followed by the end of what the server sends, and the socket is closed by the rules above.
  socket.destroySoon = function lingeringClose(this: Socket) {
    answered = true
    if (this.writable) this.end()
    if (request.complete) closeWhenWritten()
  }
  response.once('close', () => {
    // An answer cut short (the client went) has nothing left to deliver.
    if (!response.writableFinished) close()
  })
}
