/**
 * GET /api/v1/sync/snapshot: a desktop's first pull, streamed as the engine reads it and at the
 * pace the desktop takes it, so the workspace is never held in memory. Behind the API's bearer
 * token like every route; the role check is the contract's, for the route's kind of access (export).
 */
import type { Hono } from 'hono'
import { mayCall, refusalMessage } from '../../../src-shared/api/access'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import type { Engine } from '../../engine/engine'
import type { SendPiece } from '../../engine/sync/snapshot'
import { errorResponse } from './rest'
import type { HttpEnv } from './request-log'

/** Pieces (about a thousand rows each) queued for the connection before the reading waits. */
const PIECES_AHEAD = 8

/**
 * Snapshots one process streams at once. Each holds a database connection (on SQLite, it also
 * holds back the copying of the write-ahead log into the file) until the desktop has it all, so a
 * crowd of new desktops is taken a few at a time: the rest hear busy, and try again shortly.
 */
export const SNAPSHOTS_AT_ONCE = 4

export function mountSyncSnapshot(api: Hono<HttpEnv>, engine: Engine, stopping: AbortSignal, atOnce = SNAPSHOTS_AT_ONCE): void {
  let streaming = 0
  api.get(SYNC_SNAPSHOT_ROUTE.path, (c) => {
    const { actor } = c.get('call')
    if (!mayCall(actor.role, SYNC_SNAPSHOT_ROUTE.access)) {
      return errorResponse(c, { error: 'forbidden', message: refusalMessage(actor.role, SYNC_SNAPSHOT_ROUTE.operationId, SYNC_SNAPSHOT_ROUTE.access) })
    }
    if (streaming >= atOnce) {
      return errorResponse(c, { error: 'busy', message: `The server is sending ${streaming} desktops their first copy already; try again shortly` })
    }
    const log = c.get('failureLog')
    streaming++
    const body = pacedStream(
      (send) => engine.writeSyncSnapshot(send).finally(() => streaming--),
      stopping,
      (error) => log('The sync snapshot failed part-way; the desktop will refuse it and ask again', error),
    )
    return c.body(body, 200, { 'Content-Type': `${SYNC_SNAPSHOT_ROUTE.contentType}; charset=utf-8` })
  })
}

/** The desktop went away, or the server is stopping: the read ends, and its snapshot is let go. */
class StreamEnded extends Error {}

/**
 * A response body written by `produce`, each piece awaited until the connection has room: the
 * producer reads only as fast as the desktop takes. A failure part-way cuts the response short,
 * which the desktop detects (no end line) and refuses.
 */
function pacedStream(produce: (send: SendPiece) => Promise<void>, stopping: AbortSignal, onFailure: (error: unknown) => void): ReadableStream<Uint8Array> {
  let resume: (() => void) | undefined
  let gone = false
  const wake = () => {
    resume?.()
    resume = undefined
  }
  stopping.addEventListener('abort', wake, { once: true })
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Enough is queued for the connection: wait for pull(), or for the desktop or the server to stop.
        const holdBack = () => (controller.desiredSize ?? 0) <= 0 && !gone && !stopping.aborted
        const send: SendPiece = async (piece) => {
          if (gone || stopping.aborted) throw new StreamEnded()
          controller.enqueue(Buffer.from(piece))
          while (holdBack()) await new Promise<void>((resolve) => (resume = resolve))
        }
        void produce(send).then(
          () => controller.close(),
          (error: unknown) => {
            if (!(error instanceof StreamEnded)) onFailure(error)
            if (!gone) controller.error(error)
          },
        ).finally(() => stopping.removeEventListener('abort', wake))
      },
      pull: wake,
      cancel() {
        gone = true
        wake()
      },
    },
    { highWaterMark: PIECES_AHEAD },
  )
}
