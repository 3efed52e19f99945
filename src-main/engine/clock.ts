/** All engine time comes from a Clock, so tests and time travel can set it. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until moved; for tests and deterministic sample data. */
export class ManualClock implements Clock {
  private current: Date
  private tickMs = 0
  constructor(start: Date | string) {
    this.current = new Date(start)
  }
  now(): Date {
    const now = new Date(this.current)
    if (this.tickMs) this.advance(this.tickMs)
    return now
  }
  /** From now on each reading moves the clock on by `ms`, as a wall clock moves between two readings. */
  tickOnEachReading(ms: number): void {
    this.tickMs = ms
  }
  set(to: Date | string): void {
    this.current = new Date(to)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
