/**
 * Back-pressure on failed sign-ins: a client may get a credential wrong a few times, then is
 * locked out for a time that doubles with each further failure, up to a cap, and is forgotten
 * after a quiet period. Memory stays bounded however many addresses take part.
 */
import type { Clock } from '../../engine/clock'

const MINUTE_MS = 60_000

export interface ThrottlePolicy {
  /** Failures answered plainly before a lockout starts. */
  freeFailures: number
  /** The first lockout; each later failure doubles it. */
  firstLockoutMs: number
  maxLockoutMs: number
  /** A client without failures for this long starts afresh. */
  quietPeriodMs: number
  /** Clients remembered at most; beyond it the one quiet the longest is forgotten first. */
  maxClients: number
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  // Room for a mistyped or stale link and a console tab still holding last week's cookie.
  freeFailures: 5,
  firstLockoutMs: 1_000,
  // Reached after 15 failures; long enough to make a guessing script useless, short enough that a
  // person who got it wrong is not locked out of a working morning.
  maxLockoutMs: 15 * MINUTE_MS,
  quietPeriodMs: 60 * MINUTE_MS,
  // A megabyte or two of counters; a flood from more addresses forgets the quietest first.
  maxClients: 10_000,
}

export type FailureVerdict = { lockedOut: false } | { lockedOut: true; retryAfterSeconds: number }

export interface AuthThrottle {
  /** Counts one failed credential from the client; says whether it is now locked out, and for how long. */
  recordFailure(client: string): FailureVerdict
  readonly clientsTracked: number
}

interface FailureRecord {
  failures: number
  lastFailureAt: number
  lockedUntil: number
}

export function createAuthThrottle(clock: Clock, policy: Partial<ThrottlePolicy> = {}): AuthThrottle {
  const { freeFailures, firstLockoutMs, maxLockoutMs, quietPeriodMs, maxClients } = { ...DEFAULT_THROTTLE_POLICY, ...policy }
  // Kept in order of last failure (re-inserted on each), so the quietest client is always first.
  const records = new Map<string, FailureRecord>()

  function forgetQuietClients(now: number): void {
    for (const [client, record] of records) {
      if (now - record.lastFailureAt < quietPeriodMs || record.lockedUntil > now) return
      records.delete(client)
    }
  }

  function makeRoom(): void {
    while (records.size >= maxClients) {
      const quietest = records.keys().next()
      if (quietest.done) return
      records.delete(quietest.value)
    }
  }

  return {
    recordFailure(client) {
      const now = clock.now().getTime()
      forgetQuietClients(now)
      const known = records.get(client)
      records.delete(client)
      if (!known) makeRoom()
      const record = known ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 }
      record.failures += 1
      record.lastFailureAt = now
      const beyondFree = record.failures - freeFailures
      if (beyondFree > 0) record.lockedUntil = now + Math.min(firstLockoutMs * 2 ** (beyondFree - 1), maxLockoutMs)
      records.set(client, record)
      if (record.lockedUntil <= now) return { lockedOut: false }
      return { lockedOut: true, retryAfterSeconds: Math.max(1, Math.ceil((record.lockedUntil - now) / 1000)) }
    },
    get clientsTracked() {
      return records.size
    },
  }
}
