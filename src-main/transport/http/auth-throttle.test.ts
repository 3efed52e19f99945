import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../engine/clock'
import { createAuthThrottle, DEFAULT_THROTTLE_POLICY } from './auth-throttle'

const MINUTE = 60_000

function throttleAt(policy = {}) {
  const clock = new ManualClock('2026-03-02T08:00:00Z')
  return { clock, throttle: createAuthThrottle(clock, policy) }
}

const failTimes = (throttle: ReturnType<typeof throttleAt>['throttle'], client: string, times: number) =>
  Array.from({ length: times }, () => throttle.recordFailure(client))

describe('the throttle on failed sign-ins', () => {
  it('defaults to five free failures, then 1 s doubling up to 15 minutes, forgotten after an hour, 10,000 clients', () => {
    expect(DEFAULT_THROTTLE_POLICY).toEqual({ freeFailures: 5, firstLockoutMs: 1000, maxLockoutMs: 15 * MINUTE, quietPeriodMs: 60 * MINUTE, maxClients: 10_000 })
  })

  it('answers the first five failures plainly, then locks the client out for a second', () => {
    const { throttle } = throttleAt()
    expect(failTimes(throttle, '198.51.100.1', 5)).toEqual(Array(5).fill({ lockedOut: false }))
    expect(throttle.recordFailure('198.51.100.1')).toEqual({ lockedOut: true, retryAfterSeconds: 1 })
  })

  it('doubles the lockout with each further failure, up to 15 minutes', () => {
    const { throttle } = throttleAt()
    const verdicts = failTimes(throttle, '198.51.100.1', 17).slice(5)
    expect(verdicts.map((v) => (v.lockedOut ? v.retryAfterSeconds : 0))).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900])
  })

  it('lets a client that waited out its lockout fail once more before locking it out for longer', () => {
    const { clock, throttle } = throttleAt()
    failTimes(throttle, '198.51.100.1', 7)
    clock.advance(2000)
    // Still counted: the sixth and seventh failures are remembered, so the eighth locks for 4 s.
    expect(throttle.recordFailure('198.51.100.1')).toEqual({ lockedOut: true, retryAfterSeconds: 4 })
  })

  it('rounds what is left of a lockout up to whole seconds', () => {
    const { throttle } = throttleAt({ freeFailures: 0, firstLockoutMs: 1500 })
    expect(throttle.recordFailure('198.51.100.1')).toEqual({ lockedOut: true, retryAfterSeconds: 2 })
  })

  it('counts each client on its own', () => {
    const { throttle } = throttleAt()
    failTimes(throttle, '198.51.100.1', 10)
    expect(throttle.recordFailure('198.51.100.2')).toEqual({ lockedOut: false })
  })

  it('forgets a client after an hour without failures', () => {
    const { clock, throttle } = throttleAt()
    failTimes(throttle, '198.51.100.1', 20)
    clock.advance(60 * MINUTE - 1)
    expect(throttle.recordFailure('198.51.100.1').lockedOut).toBe(true)
    clock.advance(60 * MINUTE)
    expect(throttle.clientsTracked).toBe(1)
    expect(throttle.recordFailure('198.51.100.1')).toEqual({ lockedOut: false })
  })

  it('stays bounded under a flood from many addresses, forgetting the quietest client first', () => {
    const { clock, throttle } = throttleAt()
    failTimes(throttle, 'quiet', 10)
    clock.advance(1000)
    failTimes(throttle, 'busy', 10)
    for (let n = 0; n < 9_998; n += 1) throttle.recordFailure(`2001:db8:${n.toString(16)}::/64`)
    expect(throttle.clientsTracked).toBe(10_000)
    throttle.recordFailure('one more')
    expect(throttle.clientsTracked).toBe(10_000)
    expect(throttle.recordFailure('busy').lockedOut).toBe(true)
    expect(throttle.recordFailure('quiet')).toEqual({ lockedOut: false })
    for (let n = 0; n < 50_000; n += 1) throttle.recordFailure(`flood-${n}`)
    expect(throttle.clientsTracked).toBe(10_000)
  })
})
