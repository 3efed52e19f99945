import { describe, expect, it } from 'vitest'
import { sharedRead } from './shared-read'

/** A read whose answers the test hands out one at a time, counting how many were sent. */
function controlledRead() {
  const pending: Array<{ resolve: (value: number) => void; reject: (error: Error) => void }> = []
  let sent = 0
  const read = () =>
    new Promise<number>((resolve, reject) => {
      sent++
      pending.push({ resolve, reject })
    })
  return { read, sent: () => sent, answer: (value: number) => pending.shift()!.resolve(value), fail: (error: Error) => pending.shift()!.reject(error) }
}

const settled = () => new Promise((resolve) => setImmediate(resolve))

describe('a read shared by callers who ask together', () => {
  it('sends one read for everyone who asked while none was under way', async () => {
    const source = controlledRead()
    const shared = sharedRead(source.read)
    const first = shared()
    source.answer(1)
    expect(await first).toBe(1)
    expect(source.sent()).toBe(1)
  })

  it('never answers a caller with a read sent before it asked', async () => {
    const source = controlledRead()
    const shared = sharedRead(source.read)
    const early = shared()
    // These three ask while the first read is under way: they share the next one.
    const late = [shared(), shared(), shared()]
    expect(source.sent()).toBe(1)
    source.answer(1)
    expect(await early).toBe(1)
    await settled()
    expect(source.sent()).toBe(2)
    source.answer(2)
    expect(await Promise.all(late)).toEqual([2, 2, 2])
  })

  it('lets a caller who asks after the next read was sent wait for one more', async () => {
    const source = controlledRead()
    const shared = sharedRead(source.read)
    void shared()
    const second = shared()
    source.answer(1)
    await settled()
    const third = shared()
    source.answer(2)
    expect(await second).toBe(2)
    await settled()
    source.answer(3)
    expect(await third).toBe(3)
    expect(source.sent()).toBe(3)
  })

  it('passes a failed read to those who shared it, and sends afresh for the next caller', async () => {
    const source = controlledRead()
    const shared = sharedRead(source.read)
    const failing = shared()
    source.fail(new Error('connection lost'))
    await expect(failing).rejects.toThrow('connection lost')
    const next = shared()
    source.answer(5)
    expect(await next).toBe(5)
  })
})
