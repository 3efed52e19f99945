import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../engine/clock'
import { createSessionStore, DEFAULT_SESSION_LIMITS } from './sessions'

const HOUR = 3_600_000
const limits = { idleMs: 10 * HOUR, absoluteMs: 48 * HOUR, maxSessions: 3 }

function storeAt(start = '2026-03-02T08:00:00Z') {
  const clock = new ManualClock(start)
  return { clock, store: createSessionStore(clock, limits) }
}

describe('sign-in sessions', () => {
  it('defaults to a 12-hour idle limit, a 7-day absolute limit and 100 sessions', () => {
    expect(DEFAULT_SESSION_LIMITS).toEqual({ idleMs: 12 * HOUR, absoluteMs: 7 * 24 * HOUR, maxSessions: 100 })
  })

  it('hands out 256-bit random ids, a different one for each sign-in', () => {
    const { store } = storeAt()
    const ids = [store.open(), store.open()]
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(32)
    expect(ids[0]).not.toBe(ids[1])
  })

  it('keeps a session alive while it is used within the idle limit, past the idle limit in all', () => {
    const { clock, store } = storeAt()
    const id = store.open()
    for (let hour = 0; hour < 3; hour += 1) {
      clock.advance(9 * HOUR)
      expect(store.use(id)).toBe('live')
    }
  })

  it('refuses a session idle for longer than the idle limit, and forgets it', () => {
    const { clock, store } = storeAt()
    const id = store.open()
    clock.advance(10 * HOUR - 1)
    expect(store.isLive(id)).toBe(true)
    clock.advance(1)
    expect(store.use(id)).toBe('expired')
    expect(store.use(id)).toBe('unknown')
    expect(store.size).toBe(0)
  })

  it('refuses a session older than the absolute limit however busy it has been', () => {
    const { clock, store } = storeAt()
    const id = store.open()
    for (let elapsed = 0; elapsed < 48 * HOUR - HOUR; elapsed += HOUR) {
      clock.advance(HOUR)
      expect(store.use(id)).toBe('live')
    }
    clock.advance(HOUR)
    expect(store.use(id)).toBe('expired')
  })

  it('does not count a liveness check as activity', () => {
    const { clock, store } = storeAt()
    const id = store.open()
    clock.advance(6 * HOUR)
    expect(store.isLive(id)).toBe(true)
    clock.advance(4 * HOUR)
    expect(store.use(id)).toBe('expired')
  })

  it('keeps at most the bound, dropping the oldest sign-in first', () => {
    const { clock, store } = storeAt()
    const ids: string[] = []
    for (let n = 0; n < 4; n += 1) {
      ids.push(store.open())
      clock.advance(1000)
    }
    // The first sign-in was the busiest, yet it is the one dropped: the bound goes by age.
    expect(store.size).toBe(3)
    expect(ids.map((id) => store.use(id))).toEqual(['unknown', 'live', 'live', 'live'])
  })

  it('prunes lapsed sessions before dropping a live one', () => {
    const { clock, store } = storeAt()
    const oldest = store.open()
    clock.advance(HOUR)
    const idle = store.open()
    clock.advance(HOUR)
    const recent = store.open()
    clock.advance(7 * HOUR)
    store.use(oldest)
    store.use(recent)
    clock.advance(2.5 * HOUR)
    const latest = store.open()
    expect([oldest, recent, latest].map((id) => store.use(id))).toEqual(['live', 'live', 'live'])
    expect(store.use(idle)).toBe('unknown')
  })

  it('treats a cookie it never issued as unknown', () => {
    const { store } = storeAt()
    store.open()
    expect(store.use('forged')).toBe('unknown')
    expect(store.use('')).toBe('unknown')
  })
})
