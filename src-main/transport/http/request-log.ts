/**
 * Every request gets an id, sent back in X-Request-Id and carried by each log line about it, and
 * one line once it is answered: what was asked, by whom, how it went and how long it took.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { CallContext } from '../../engine/context'
import type { Logger } from '../dispatch'
import { setAnswerHeader } from './answer-headers'
import type { ServerLog } from './json-log'

const REQUEST_ID_HEADER = 'X-Request-Id'

/**
 * What the server's handlers share about a request: its id, its failure log, who is calling once
 * known, and the workspace's generation as it arrived (read with its token's check).
 */
export type HttpEnv = { Variables: { requestId: string; failureLog: Logger; call: CallContext; generation?: string } }

/**
 * An id a proxy or client sent is kept, so one request can be followed through both logs, when it
 * is a short token; anything else (long, spaced, quoted, a line break) is replaced with a fresh one.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

function requestIdFor(sent: string | undefined): string {
  return sent !== undefined && ACCEPTED_REQUEST_ID.test(sent) ? sent : randomUUID()
}

/** A path is the client's to choose, up to the parser's header limit; a log line stays short. */
const LOGGED_PATH_CHARACTERS = 512

export function requestLog(log: ServerLog): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now()
    const requestId = requestIdFor(c.req.header(REQUEST_ID_HEADER))
    c.set('requestId', requestId)
    c.set('failureLog', (message, error) => log({ level: 'error', msg: message, request_id: requestId, error }))
    await next()
    setAnswerHeader(c, REQUEST_ID_HEADER, requestId)
    const status = c.res.status
    const path = c.req.path.length > LOGGED_PATH_CHARACTERS ? `${c.req.path.slice(0, LOGGED_PATH_CHARACTERS)}…` : c.req.path
    log({
      level: status >= 500 ? 'error' : 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      path,
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      actor_id: (c.get('call') as CallContext | undefined)?.actor.id,
    })
  }
}
