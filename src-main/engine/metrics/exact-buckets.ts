/**
 * Each write keeps its own counts exact, but they add to what earlier writes stored in the same
 * hours: the stored sums must stay whole numbers JavaScript reads exactly (up to 2^53 − 1).
 * Checked after the merge, inside the write's transaction, so a refusal rolls it all back. Only
 * buckets past 2^52 can be past the limit, and an index holds just those (migration 0006), so the
 * check costs next to nothing while, as ever, there are none.
 */
import { sql } from 'kysely'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import { indexedBy } from '../db/dialect-sql'
import type { Tx } from '../db/schema'
import { EngineError } from '../errors'
import type { BucketAccumulator } from './buckets'
import { hourStart } from './hours'

/** Refuses the write, naming `field`, when it brought a stored hour past 2^53 − 1. */
export async function assertStoredCountsExact(tx: Tx, applicationId: string, written: BucketAccumulator, field: string): Promise<void> {
  if (written.size === 0) return
  // SQLite's planner, knowing nothing of how rare large buckets are, would read the hours by key;
  // INDEXED BY makes it read the index of large buckets alone (written as its own condition).
  // Counts come back as doubles: a count past 2^53 − 1 is what this looks for, and cannot be read exactly.
  const { rows: large } = await sql<{ metric: string; hour: number; n: number; total: number | null }>`
    select s.metric, b.hour, cast(b.n as double precision) as n, cast(b.total as double precision) as total
    from metric_buckets as b ${indexedBy(tx, 'metric_buckets_near_exact_limit')}
    join metric_series as s on s.id = b.series_id
    where (b.n > 4503599627370496 or b.total > 4503599627370496)
      and s.application_id = ${applicationId} and b.hour between ${written.firstHour} and ${written.lastHour}`.execute(tx)
  const past = large.find((bucket) => bucket.n > Number.MAX_SAFE_INTEGER || (bucket.total ?? 0) > Number.MAX_SAFE_INTEGER)
  if (past) {
    throw new EngineError('invalid_input', `${field}: with what is already stored, the ${past.metric as MetricKey} hour of ${hourStart(past.hour)} would count past 2^53 − 1, which cannot be held exactly`, field)
  }
}
