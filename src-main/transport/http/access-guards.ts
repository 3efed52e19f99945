/**
 * Sign-in at the HTTP edge, apart from the routes it guards: the sign-in link turning into a
 * session cookie, cookie-authenticated console requests checked for their origin and session, and
 * credentials that fail counted per client (401, then 429 with Retry-After).
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { ApiErrorBody } from '../../../src-shared/api/errors'
import type { Clock } from '../../engine/clock'
import { createAuthThrottle, type FailureVerdict, type ThrottlePolicy } from './auth-throttle'
import { clientKeyOf, remoteAddressOf } from './client-address'
import { foreignConsoleCall, foreignOriginMessage, isOwnOrigin } from './origin-check'
import { errorResponse } from './rest'
import { createSessionStore, DEFAULT_SESSION_LIMITS, type SessionLimits } from './sessions'

const SESSION_COOKIE = 'govern_session'
export const SIGN_IN_MESSAGE = 'Sign in by opening the link that `govern serve` printed.'
const EXPIRED_MESSAGE = 'Your console session has expired; open the sign-in link that `govern serve` printed again.'
// Sessions live in memory, so a restart of `govern serve` is the usual reason for an unknown cookie.
const UNKNOWN_SESSION_MESSAGE = 'This console session is not known here (has `govern serve` restarted?); open the sign-in link it printed again.'

export interface AccessOptions {
  clock: Clock
  sessionLimits?: Partial<SessionLimits>
  authThrottle?: Partial<ThrottlePolicy>
}

export interface AccessGuards {
  /** Answers a credential that did not authenticate: 401 with this error, or 429 once its client has failed too often. */
  refuseCredential(c: Context, error: ApiErrorBody): Response
  /** The printed link: a session cookie for the right token, and a redirect to the console. */
  signIn(c: Context, token: string, isLoginToken: (token: string) => boolean): Response
  /** Why a cookie-authenticated console request is refused (foreign origin, no live session), or undefined to let it in. */
  refuseConsoleRequest(c: Context): Response | undefined
  /** Whether the request's session is still live, for a long-lived stream; it does not count as activity. */
  sessionStillLive(c: Context): boolean
}

export function createAccessGuards(options: AccessOptions): AccessGuards {
  const limits = { ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits }
  const sessions = createSessionStore(options.clock, limits)
  const throttle = createAuthThrottle(options.clock, options.authThrottle)
  const countFailure = (c: Context): FailureVerdict => throttle.recordFailure(clientKeyOf(remoteAddressOf(c)))

  function refuseCredential(c: Context, error: ApiErrorBody): Response {
    const verdict = countFailure(c)
    if (!verdict.lockedOut) return errorResponse(c, error)
    c.header('Retry-After', String(verdict.retryAfterSeconds))
    return errorResponse(c, { error: 'rate_limited', message: tooManyFailures(verdict.retryAfterSeconds) })
  }

  return {
    refuseCredential,

    signIn(c, token, isLoginToken) {
      const origin = c.req.header('origin')
      // A link opened from a terminal, chat or mail carries no Origin; one sent by another page's script does.
      if (origin !== undefined && !isOwnOrigin(origin, c.req.header('host'))) return c.html(`<p>${escapeHtml(foreignOriginMessage(origin))}</p>`, 403)
      if (!isLoginToken(token)) {
        const verdict = countFailure(c)
        if (!verdict.lockedOut) {
          return c.html('<p>This sign-in link is not valid for this server. Use the link <code>govern serve</code> printed.</p>', 401)
        }
        c.header('Retry-After', String(verdict.retryAfterSeconds))
        return c.html(`<p>${escapeHtml(tooManyFailures(verdict.retryAfterSeconds))}</p>`, 429)
      }
      setCookie(c, SESSION_COOKIE, sessions.open(), {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: Math.floor(limits.absoluteMs / 1000),
      })
      return c.redirect('/', 303)
    },

    refuseConsoleRequest(c) {
      const foreign = foreignConsoleCall({
        method: c.req.method,
        host: c.req.header('host'),
        origin: c.req.header('origin'),
        fetchSite: c.req.header('sec-fetch-site'),
      })
      if (foreign) return errorResponse(c, { error: 'forbidden', message: foreign })
      const session = getCookie(c, SESSION_COOKIE)
      if (!session) return errorResponse(c, { error: 'unauthorized', message: SIGN_IN_MESSAGE })
      const state = sessions.use(session)
      if (state === 'live') return undefined
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      // An expired session is ours and simply old; only a cookie we never issued counts as a guess.
      if (state === 'expired') return errorResponse(c, { error: 'unauthorized', message: EXPIRED_MESSAGE })
      return refuseCredential(c, { error: 'unauthorized', message: UNKNOWN_SESSION_MESSAGE })
    },

    sessionStillLive(c) {
      const session = getCookie(c, SESSION_COOKIE)
      return session !== undefined && sessions.isLive(session)
    },
  }
}

/**
 * A bearer token this workspace does not know (one made for another workspace file, or revoked):
 * which workspace is served here and how to make a token for it. The path is named only when the
 * server listens on loopback alone: beyond it, anyone who can reach the port, signed in or not,
 * would learn where the server keeps its files.
 */
export function unknownTokenMessage(workspacePath: string | undefined): string {
  if (workspacePath === undefined) {
    return 'This token is not known to the workspace served here, or was revoked. Create one on the server with `govern token create --db <the workspace file govern serve printed> --name NAME`.'
  }
  return `This token is not known to the workspace served here (${workspacePath}), or was revoked. Create one with \`${tokenCommandFor(workspacePath)}\`.`
}

/** The command that makes an API token for this workspace, ready to paste. */
export function tokenCommandFor(workspacePath: string): string {
  // A PostgreSQL workspace is named without its password, which the command needs.
  if (workspacePath.startsWith('postgres://')) return 'govern token create --database-url "$GOVERN_DATABASE_URL" --name NAME'
  return `govern token create --db ${shellQuoted(workspacePath)} --name NAME`
}

/** A path as a shell takes it: bare when it can be, else in quotes (the default one has a space). */
function shellQuoted(path: string): string {
  if (/^[\w/.:@+-]+$/.test(path)) return path
  return path.includes("'") ? `"${path}"` : `'${path}'`
}

function tooManyFailures(retryAfterSeconds: number): string {
  return `Too many failed sign-ins from this address; wait ${retryAfterSeconds} s before trying again.`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
