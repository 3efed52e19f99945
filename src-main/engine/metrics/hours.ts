/** Buckets are whole hours, numbered since the Unix epoch, in UTC. */
export const HOUR_MS = 3_600_000

export function hourOf(timestampMs: number): number {
  return Math.floor(timestampMs / HOUR_MS)
}

export function hourStart(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString()
}

/**
 * The buckets of a window of `hours` ending at `endMs`: those whose hour starts in
 * [end - hours, end). At 10:30 a 24-hour window takes yesterday's 11:00 to today's 10:00 bucket.
 */
export function windowHours(endMs: number, hours: number): { from: number; to: number } {
  const to = Math.ceil(endMs / HOUR_MS)
  return { from: to - hours, to }
}
