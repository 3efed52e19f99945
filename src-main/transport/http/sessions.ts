/**
 * Sign-in sessions of the browser console. Ids are 256-bit random and kept only as SHA-256
 * hashes, so a memory dump cannot be replayed as a cookie. A session lapses after an idle limit
 * and an absolute limit, and the store never holds more than a bound.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../../engine/clock'

const HOUR_MS = 3_600_000

export interface SessionLimits {
  /** Time without a console call after which the session is refused. */
  idleMs: number
  /** Time from sign-in after which the session is refused however busy it is. */
  absoluteMs: number
  /** Sessions kept at most; signing in beyond it drops the oldest sign-in. */
  maxSessions: number
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  // A working day with the console left open through meetings and lunch, but not overnight.
  idleMs: 12 * HOUR_MS,
  // A working week from one sign-in; a stolen cookie is useful for a week at most.
  absoluteMs: 7 * 24 * HOUR_MS,
  // Many more browsers than one owner uses; small enough that a flood of sign-ins costs nothing.
  maxSessions: 100,
}

export type SessionState = 'live' | 'expired' | 'unknown'

export interface SessionStore {
  /** Starts a session and returns its id for the cookie; only the id's hash is kept. */
  open(): string
  /** Looks a session up as a call using it: a live one counts as active now, an expired one is dropped. */
  use(id: string): SessionState
  /** Whether the session is still live, without counting as activity (an open change feed is not a person). */
  isLive(id: string): boolean
  readonly size: number
}

interface SessionTimes {
  startedAt: number
  lastUsedAt: number
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex')

export function createSessionStore(clock: Clock, limits: Partial<SessionLimits> = {}): SessionStore {
  const { idleMs, absoluteMs, maxSessions } = { ...DEFAULT_SESSION_LIMITS, ...limits }
  // Insertion order is sign-in order, so the first entry is always the oldest sign-in.
  const sessions = new Map<string, SessionTimes>()
  const now = () => clock.now().getTime()
  const hasLapsed = (times: SessionTimes, at: number) => at - times.lastUsedAt >= idleMs || at - times.startedAt >= absoluteMs

  function pruneLapsed(at: number): void {
    for (const [hash, times] of sessions) if (hasLapsed(times, at)) sessions.delete(hash)
  }

  function stateOf(id: string, at: number): { hash: string; state: SessionState } {
    const hash = hashOf(id)
    const times = sessions.get(hash)
    if (!times) return { hash, state: 'unknown' }
    if (!hasLapsed(times, at)) return { hash, state: 'live' }
    sessions.delete(hash)
    return { hash, state: 'expired' }
  }

  return {
    open() {
      const at = now()
      pruneLapsed(at)
      while (sessions.size >= maxSessions) {
        const oldest = sessions.keys().next()
        if (oldest.done) break
        sessions.delete(oldest.value)
      }
      const id = randomBytes(32).toString('base64url')
      sessions.set(hashOf(id), { startedAt: at, lastUsedAt: at })
      return id
    },
    use(id) {
      const at = now()
      const { hash, state } = stateOf(id, at)
      const times = sessions.get(hash)
      if (state === 'live' && times) times.lastUsedAt = at
      return state
    },
    isLive(id) {
      return stateOf(id, now()).state === 'live'
    },
    get size() {
      return sessions.size
    },
  }
}
