/**
 * The HTTP face of the engine: the public REST API (/api/v1, bearer tokens), the browser console
 * (static UI + /rpc for its typed client, signed in through the link `govern serve` prints) and
 * nothing else. Binds loopback unless told otherwise, and then only answers to loopback host
 * names, so a web page elsewhere cannot reach it through DNS rebinding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { streamSSE } from 'hono/streaming'
import type { ApiErrorBody } from '../../../src-shared/api/errors'
import type { Actor } from '../../../src-shared/domain/common'
import { CONTENT_SECURITY_POLICY } from '../../../src-shared/security/csp'
import type { CallContext } from '../../engine/context'
import type { Engine } from '../../engine/engine'
import { dispatch, type Logger } from '../dispatch'
import { errorResponse, mountRestApi, readJsonObject, sendResult } from './rest'

const SESSION_COOKIE = 'govern_session'
/** The console's client sends this header; a cross-site form cannot, so cookies alone never suffice. */
export const CONSOLE_HEADER = 'x-govern-console'

export interface ServerOptions {
  engine: Engine
  host?: string
  port?: number
  /** Folder of the built console UI (out/renderer); the API works without it. */
  staticRoot?: string
  log?: Logger
}

export interface RunningServer {
  url: string
  /** Open this to sign in to the browser console; it carries this run's login token. */
  loginUrl: string
  loginToken: string
  close(): Promise<void>
}

type Env = { Variables: { call: CallContext } }

const unauthorized = (message: string): ApiErrorBody => ({ error: 'unauthorized', message })

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

export function createHttpApp(options: ServerOptions & { loginToken: string; port: number; host: string }): Hono<Env> {
  const { engine, loginToken, staticRoot } = options
  // The sign-in link acts as the workspace owner, read afresh for each call so a rename shows at once.
  const owner = () => engine.owner()
  const log = options.log ?? ((message, error) => console.error(message, error))
  // A session is the owner's: the sign-in link is the only way to get one.
  const sessions = new Set<string>()
  const digest = (value: string) => createHash('sha256').update(value).digest()
  const loginDigest = digest(loginToken)
  const isLoginToken = (value: string) => timingSafeEqual(digest(value), loginDigest)

  async function actorFromBearer(c: Context): Promise<Actor | undefined> {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match?.[1]) return undefined
    if (isLoginToken(match[1])) return owner()
    return engine.authenticate(match[1])
  }

  const app = new Hono<Env>()

  app.onError((error, c) => {
    log(`HTTP ${c.req.method} ${c.req.path} failed`, error)
    return c.json({ error: 'internal', message: 'The server hit an unexpected error; it has been logged.' }, 500)
  })

  app.use('*', async (c, next) => {
    if (isLoopback(options.host)) {
      const hostHeader = (c.req.header('host') ?? '').toLowerCase()
      const allowed = [`127.0.0.1:${options.port}`, `localhost:${options.port}`, `[::1]:${options.port}`]
      if (!allowed.includes(hostHeader)) {
        return c.json({ error: 'forbidden', message: `Host ${hostHeader || '(none)'} is not served here` }, 403)
      }
    }
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store')
  })

  // Public REST API: bearer tokens only (API tokens, or this run's login token).
  const api = new Hono<Env>()
  api.use('*', async (c, next) => {
    const actor = await actorFromBearer(c)
    if (!actor) {
      c.header('WWW-Authenticate', 'Bearer realm="govern"')
      return errorResponse(c, unauthorized('Send Authorization: Bearer <token>; create a token with `govern token create`.'))
    }
    c.set('call', { actor })
    await next()
  })
  mountRestApi(api, engine, log)
  api.all('*', (c) => c.json({ error: 'not_found', message: `No API route ${c.req.method} ${c.req.path}` }, 404))
  app.route('/api/v1', api)

  // The browser console's typed client.
  app.post('/rpc/:procedure', async (c) => {
    let actor = await actorFromBearer(c)
    if (!actor && c.req.header(CONSOLE_HEADER)) {
      const session = getCookie(c, SESSION_COOKIE)
      actor = session && sessions.has(digest(session).toString('hex')) ? await owner() : undefined
    }
    if (!actor) return errorResponse(c, unauthorized('Sign in by opening the link that `govern serve` printed.'))
    const body = await readJsonObject(c)
    if (!body.ok) return errorResponse(c, body.error)
    const result = await dispatch(engine, c.req.param('procedure'), body.value, { actor }, log)
    return sendResult(c, result)
  })

  // The change feed for the browser console (what the desktop gets over IPC): area names only.
  app.get('/rpc-changes', async (c) => {
    const session = getCookie(c, SESSION_COOKIE)
    if (!(session && sessions.has(digest(session).toString('hex')))) return errorResponse(c, unauthorized('Sign in by opening the link that `govern serve` printed.'))
    return streamSSE(c, async (stream) => {
      const send = (notice: { areas: string[] }) => void stream.writeSSE({ event: 'changed', data: JSON.stringify(notice) })
      const unsubscribe = engine.onChange(send)
      stream.onAbort(unsubscribe)
      // Keep the connection open; a comment line every 25 s stops proxies timing it out.
      while (!stream.aborted) {
        await stream.write(': keep-alive\n\n')
        await stream.sleep(25_000)
      }
    })
  })

  // Sign-in: the printed link carries ?token=…; it becomes an HttpOnly session cookie.
  app.get('/', async (c, next) => {
    const token = c.req.query('token')
    if (token === undefined) return next()
    if (!isLoginToken(token)) {
      return c.html('<p>This sign-in link is not valid for this server. Use the link <code>govern serve</code> printed.</p>', 401)
    }
    const session = randomBytes(32).toString('base64url')
    sessions.add(digest(session).toString('hex'))
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' })
    return c.redirect('/', 303)
  })

  const indexFile = staticRoot ? join(staticRoot, 'index.html') : undefined
  if (staticRoot && indexFile && existsSync(indexFile)) {
    app.use('/assets/*', serveStatic({ root: staticRoot }))
    app.get('*', (c) => c.html(readFileSync(indexFile, 'utf8')))
  } else {
    app.get('*', (c) => c.text('The console UI has not been built: run `npm run build`, then start `govern serve` again.', 503))
  }
  return app
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const loginToken = randomBytes(24).toString('base64url')
  let server: ServerType | undefined
  // The host check needs the bound port, which is only known after listen when port is 0.
  const appRef: { fetch?: (request: Request) => Response | Promise<Response> } = {}
  const address = await new Promise<AddressInfo>((resolvePort, reject) => {
    server = serve({ fetch: (request) => appRef.fetch!(request), hostname: host, port: options.port ?? 4780 }, (info) =>
      resolvePort(info),
    )
    server.once('error', reject)
  })
  const app = createHttpApp({ ...options, host, port: address.port, loginToken })
  appRef.fetch = app.fetch
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
  const url = `http://${shownHost}:${address.port}`
  return {
    url,
    loginUrl: `${url}/?token=${loginToken}`,
    loginToken,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server!.close((error) => (error ? reject(error) : resolveClose()))
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      }),
  }
}
