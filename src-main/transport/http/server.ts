/**
 * The HTTP face of the engine: the public REST API (/api/v1, bearer tokens), the browser console
 * (static UI + /rpc for its typed client, signed in through the link `govern serve` prints), and
 * the probes a load balancer asks (/healthz, /readyz). Binds loopback unless told otherwise, and
 * answers only to loopback host names and those listed in allowedHosts, so a web page elsewhere
 * cannot reach it through DNS rebinding; the probes alone answer any name (see probes.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { contract, isProcedureName } from '../../../src-shared/api/contract'
import type { ApiErrorBody } from '../../../src-shared/api/errors'
import type { Actor } from '../../../src-shared/domain/common'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, newStyleNonce, withStyleNonce } from '../../../src-shared/security/csp'
import { systemClock, type Clock } from '../../engine/clock'
import type { Engine } from '../../engine/engine'
import { authorize, dispatch } from '../dispatch'
import { setAnswerHeader } from './answer-headers'
import { createAccessGuards, SIGN_IN_MESSAGE, unknownTokenMessage } from './access-guards'
import type { ThrottlePolicy } from './auth-throttle'
import { hostCheckFor, isLoopbackBind, type HostCheck } from './host-check'
import { DEFAULT_BODY_LIMITS, limitFor, readJsonObject, type BodyLimits } from './request-body'
import { AnswerCache, CACHED_PROCEDURES } from './answer-cache'
import { answerKept } from './kept-reads'
import { gracefulCloser, type ClosedServer } from './graceful-close'
import { jsonLog, type ServerLog } from './json-log'
import { mountProbes } from './probes'
import { requestLog, type HttpEnv } from './request-log'
import { OPENAPI_PATH, openApiJson } from './openapi'
import { API_BASE_PATH, commandIdOf, errorResponse, mountRestApi, sendResult } from './rest'
import type { SessionLimits } from './sessions'
import { mountSyncSnapshot } from './sync-snapshot'
import { boundUnreadBodies } from './unread-bodies'
import { createTokenRateLimit, DEFAULT_REQUESTS_PER_MINUTE } from './token-rate-limit'

/** The console's client sends this header; a cross-site form cannot, so cookies alone never suffice. */
export const CONSOLE_HEADER = 'x-govern-console'

export interface ServerOptions {
  engine: Engine
  host?: string
  port?: number
  /** Folder of the built console UI (out/renderer); the API works without it. */
  staticRoot?: string
  /** Where the line per request and the failures go; JSON lines on stderr unless told otherwise. */
  log?: ServerLog
  /** Host names besides loopback the server answers to; required when host is not loopback. */
  allowedHosts?: readonly string[]
  /** Idle and absolute limits of console sessions, and how many are kept (defaults in sessions.ts). */
  sessionLimits?: Partial<SessionLimits>
  /** Lockout of clients that keep failing to authenticate (defaults in auth-throttle.ts). */
  authThrottle?: Partial<ThrottlePolicy>
  /** Time for session limits and lockouts; tests move it rather than sleep. */
  clock?: Clock
  /** The largest request bodies accepted, by kind of call (defaults in request-body.ts). */
  bodyLimits?: Partial<BodyLimits>
  /** Requests per minute each bearer token may make (DEFAULT_REQUESTS_PER_MINUTE); 0 for no limit. */
  requestsPerMinute?: number
  /** First-pull snapshots this process streams at once (SNAPSHOTS_AT_ONCE unless told); more are answered busy. */
  snapshotsAtOnce?: number
}

export interface RunningServer {
  url: string
  /** Open this to sign in to the browser console; it carries this run's login token. */
  loginUrl: string
  loginToken: string
  /**
   * Stops taking connections at once, answers /readyz 503 and ends the change feeds; requests
   * under way have `graceMs` to finish before their connections are cut.
   */
  close(graceMs?: number): Promise<ClosedServer>
}

/** How often an open change feed sends a comment line, so proxies do not time it out. */
const KEEP_ALIVE_MS = 25_000

const unauthorized = (message: string): ApiErrorBody => ({ error: 'unauthorized', message })

export function createHttpApp(options: ServerOptions & { loginToken: string; hostCheck: HostCheck; stopping: AbortSignal }): Hono<HttpEnv> {
  const { engine, loginToken, staticRoot, stopping } = options
  // The sign-in link acts as the workspace owner, read afresh for each call so a rename shows at once.
  const owner = () => engine.owner()
  const log = options.log ?? jsonLog()
  // A session is the owner's: the sign-in link is the only way to get one.
  const access = createAccessGuards({ clock: options.clock ?? systemClock, sessionLimits: options.sessionLimits, authThrottle: options.authThrottle })
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits }
  const digest = (value: string) => createHash('sha256').update(value).digest()
  const loginDigest = digest(loginToken)
  const isLoginToken = (value: string) => timingSafeEqual(digest(value), loginDigest)
  const bearerOf = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
  const unknownToken = unauthorized(unknownTokenMessage(isLoopbackBind(options.host ?? '127.0.0.1') ? engine.path : undefined))

  /**
   * The caller a bearer token names. The workspace's generation is read first, once a request:
   * the token's check and any kept answer the request is sent are both taken under it.
   */
  async function actorFromBearer(c: Context<HttpEnv>): Promise<Actor | undefined> {
    const token = bearerOf(c)
    if (!token) return undefined
    if (isLoginToken(token)) return owner()
    const generation = await engine.generation()
    c.set('generation', generation)
    return engine.authenticate(token, generation)
  }

  const perMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE
  const rateLimit = perMinute > 0 ? createTokenRateLimit(perMinute) : undefined
  /** 429 with Retry-After once the request's token has spent its allowance, else undefined. */
  async function overTokenRate(c: Context): Promise<Response | undefined> {
    const bearer = bearerOf(c)
    if (!rateLimit || !bearer) return undefined
    const verdict = await rateLimit.take(bearer)
    if (verdict.ok) return undefined
    c.header('Retry-After', String(verdict.retryAfterSeconds))
    return errorResponse(c, verdict.error)
  }

  const app = new Hono<HttpEnv>()

  app.onError((error, c) => {
    c.get('failureLog')(`HTTP ${c.req.method} ${c.req.path} failed`, error)
    return c.json({ error: 'internal', message: 'The server hit an unexpected error; it has been logged.' }, 500)
  })

  app.use('*', requestLog(log))
  app.use('*', async (c, next) => {
    await next()
    setAnswerHeader(c, 'X-Content-Type-Options', 'nosniff')
    setAnswerHeader(c, 'Referrer-Policy', 'no-referrer')
    setAnswerHeader(c, 'X-Frame-Options', 'DENY')
    // The page sets its own, with the nonce it was served with.
    if (!c.res.headers.has('Content-Security-Policy')) setAnswerHeader(c, 'Content-Security-Policy', CONTENT_SECURITY_POLICY)
    // Answers that say how to keep them (cached reads with an ETag) keep their own word.
    if (!c.res.headers.has('Cache-Control')) setAnswerHeader(c, 'Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store')
  })

  // Before the host check: probers address the server by names of their own.
  mountProbes(app, engine, stopping)

  app.use('*', async (c, next) => {
    if (!options.hostCheck.accepts(c.req.header('host'))) {
      return c.json({ error: 'forbidden', message: `Host ${c.req.header('host') || '(none)'} is not served here` }, 403)
    }
    await next()
  })

  // Public REST API: bearer tokens only (API tokens, or this run's login token).
  const api = new Hono<HttpEnv>()
  // Its description holds no data, so it is open: a client is generated before anyone has a token.
  // Routed ahead of the token check, which therefore never runs for it.
  api.get(OPENAPI_PATH, (c) => c.body(openApiJson(), 200, { 'Content-Type': 'application/json' }))
  api.use('*', async (c, next) => {
    const actor = await actorFromBearer(c)
    if (!actor) {
      c.header('WWW-Authenticate', 'Bearer realm="govern"')
      const error = bearerOf(c) ? unknownToken : unauthorized('Send Authorization: Bearer <token>; create a token with `govern token create`.')
      return c.req.header('authorization') ? access.refuseCredential(c, error) : errorResponse(c, error)
    }
    const limited = await overTokenRate(c)
    if (limited) return limited
    c.set('call', { actor })
    await next()
  })
  // The API and the console share kept answers: a report built for one is sent to the other.
  const answers = new AnswerCache()
  mountSyncSnapshot(api, engine, stopping, options.snapshotsAtOnce)
  mountRestApi(api, engine, limits, answers)
  api.all('*', (c) => c.json({ error: 'not_found', message: `No API route ${c.req.method} ${c.req.path}` }, 404))
  app.route(API_BASE_PATH, api)

  // The browser console's typed client.
  app.post('/rpc/:procedure', async (c) => {
    let actor: Actor | undefined
    if (c.req.header('authorization')) {
      actor = await actorFromBearer(c)
      if (!actor) return access.refuseCredential(c, bearerOf(c) ? unknownToken : unauthorized('Send Authorization: Bearer <token>; create a token with `govern token create`.'))
      const limited = await overTokenRate(c)
      if (limited) return limited
    } else {
      if (!c.req.header(CONSOLE_HEADER)) return errorResponse(c, unauthorized(SIGN_IN_MESSAGE))
      const refused = access.refuseConsoleRequest(c)
      if (refused) return refused
      actor = await owner()
    }
    c.set('call', { actor })
    const name = c.req.param('procedure')
    // The call is settled before a byte of the body is read.
    const refused = authorize(name, actor)
    if (refused) return errorResponse(c, refused)
    const body = await readJsonObject(c, limitFor(isProcedureName(name) ? contract[name].payload : undefined, limits))
    if (!body.ok) return errorResponse(c, body.error)
    if (CACHED_PROCEDURES.has(name)) {
      // Kept and sent compressed, as over REST. The console shows what changed as soon as it is
      // told: it always waits for the current answer.
      return answerKept(c, engine, answers, name, body.value, { actor }, { waitForCurrent: true })
    }
    const command = commandIdOf(c)
    if (!command.ok) return errorResponse(c, command.error)
    const result = await dispatch(engine, name, body.value, { actor, commandId: command.id }, c.get('failureLog'))
    return sendResult(c, result)
  })

  // The change feed for the browser console (what the desktop gets over IPC): area names only.
  app.get('/rpc-changes', async (c) => {
    const refused = access.refuseConsoleRequest(c)
    if (refused) return refused
    return streamSSE(c, async (stream) => {
      const send = (notice: { areas: string[] }) => void stream.writeSSE({ event: 'changed', data: JSON.stringify(notice) })
      const unsubscribe = engine.onChange(send)
      // The feed ends when the browser leaves, its session ends or the server stops (the browser
      // reconnects to whichever server answers next); a stopping server must not wait out a pause.
      const browserLeft = new AbortController()
      stream.onAbort(() => browserLeft.abort())
      const over = AbortSignal.any([browserLeft.signal, stopping])
      try {
        while (!over.aborted && access.sessionStillLive(c)) {
          await stream.write(': keep-alive\n\n')
          await sleep(KEEP_ALIVE_MS, undefined, { signal: over }).catch(() => undefined)
        }
      } finally {
        unsubscribe()
      }
    })
  })

  // Sign-in: the printed link carries ?token=…; it becomes an HttpOnly session cookie.
  app.get('/', async (c, next) => {
    const token = c.req.query('token')
    if (token === undefined) return next()
    return access.signIn(c, token, isLoginToken)
  })

  const indexFile = staticRoot ? join(staticRoot, 'index.html') : undefined
  if (staticRoot && indexFile && existsSync(indexFile)) {
    app.use('/assets/*', serveStatic({ root: staticRoot }))
    app.get('*', (c) => {
      const nonce = newStyleNonce()
      c.header('Content-Security-Policy', contentSecurityPolicy(nonce))
      return c.html(withStyleNonce(readFileSync(indexFile, 'utf8'), nonce))
    })
  } else {
    app.get('*', (c) => c.text('The console UI has not been built: run `npm run build`, then start `govern serve` again.', 503))
  }
  return app
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const hostCheck = hostCheckFor(host, options.allowedHosts ?? [])
  if (!hostCheck.ok) throw new Error(`Cannot serve on ${host}: ${hostCheck.message} (allowedHosts).`)
  const loginToken = randomBytes(24).toString('base64url')
  const stopping = new AbortController()
  const app = createHttpApp({ ...options, loginToken, hostCheck: hostCheck.value, stopping: stopping.signal })
  let close: ((graceMs: number) => Promise<ClosedServer>) | undefined
  const address = await new Promise<AddressInfo>((resolvePort, reject) => {
    // app.fetch receives the socket in its bindings; the sign-in lockout is keyed by its peer address.
    // Without createServer options, serve() makes a plain node:http server.
    const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 4780 }, (info) => resolvePort(info)) as Server
    // Watched before the first connection can arrive, so no request escapes the close.
    close = gracefulCloser(server, stopping)
    boundUnreadBodies(server)
    server.once('error', reject)
  })
  const url = `http://${hostCheck.value.linkHost}:${address.port}`
  return {
    url,
    loginUrl: `${url}/?token=${loginToken}`,
    loginToken,
    close: (graceMs = 0) => close!(graceMs),
  }
}
