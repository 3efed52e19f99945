/**
 * What monitoring data the console accepts wherever it enters (observations, per-inference files):
 * how far back, how far ahead of the clock, and the largest value a measured metric can take.
 * Both time limits are relative to the engine's clock, so tests and time travel move them too.
 */

/**
 * Data older than this is refused. 400 days covers the sample workspace's 90 days of history and a
 * year-long audit (an annual attestation reviews the whole past year, and its data may be
 * backfilled weeks late), while a wrong year or a timestamp in the wrong unit is still refused
 * rather than stored as an hour nobody will ever look at.
 */
export const RETENTION_DAYS = 400
export const RETENTION_MS = RETENTION_DAYS * 86_400_000

/** Clocks drift by seconds; data further ahead than this is a clock, zone or unit mistake. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000

export interface AcceptedWindow {
  earliestMs: number
  latestMs: number
}

export function acceptedWindow(now: Date): AcceptedWindow {
  const nowMs = now.getTime()
  return { earliestMs: nowMs - RETENTION_MS, latestMs: nowMs + FUTURE_TOLERANCE_MS }
}

/** Why an instant falls outside the window ("is more than …"), or undefined when it is inside. */
export function outsideWindow(ms: number, window: AcceptedWindow): string | undefined {
  if (ms > window.latestMs) return 'is more than 5 minutes ahead of the console’s clock'
  if (!(ms >= window.earliestMs)) return `is older than the ${RETENTION_DAYS}-day retention window`
  return undefined
}

/** Metrics whose observations carry values (or their sum) rather than counts. */
export type ValuedMetric = 'latency_p95' | 'coherence' | 'user_satisfaction'

/**
 * The largest value one measurement may take. Rates need no limit: they are counts, bounded by
 * their total. A latency beyond a day is microseconds or nanoseconds sent as milliseconds.
 */
export const LARGEST_VALUE: Readonly<Record<ValuedMetric, { max: number; scale: string }>> = {
  latency_p95: { max: 86_400_000, scale: 'latency is in milliseconds, at most one day' },
  coherence: { max: 1, scale: 'coherence is a score from 0 to 1' },
  user_satisfaction: { max: 5, scale: 'user satisfaction is a score from 0 to 5' },
}

export function valueTooLarge(metric: ValuedMetric): string {
  const { max, scale } = LARGEST_VALUE[metric]
  return `must be at most ${max} (${scale})`
}
