/**
 * Each write keeps its own counts exact, but they add to what earlier writes stored in the same
 * hours: the stored sums must stay whole numbers JavaScript reads exactly (up to 2^53 − 1).
 * Checked after the merge, inside the write's transaction, so a refusal rolls it all back.
 */
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { Tx } from '../db/schema'
import type { BucketAccumulator } from './buckets'

export async function inexactStoredBucket(tx: Tx, applicationId: string, written: BucketAccumulator): Promise<{ metric: MetricKey; hour: number } | undefined> {
  if (written.size === 0) return undefined
  const row = await tx
    .selectFrom('metric_buckets')
    .innerJoin('metric_series', 'metric_series.id', 'metric_buckets.series_id')
    .select(['metric_series.metric', 'metric_buckets.hour'])
    .where('metric_series.application_id', '=', applicationId)
    .where('metric_buckets.hour', '>=', written.firstHour)
    .where('metric_buckets.hour', '<=', written.lastHour)
    .where((eb) => eb.or([eb('metric_buckets.n', '>', Number.MAX_SAFE_INTEGER), eb('metric_buckets.total', '>', Number.MAX_SAFE_INTEGER)]))
    .limit(1)
    .executeTakeFirst()
  return row ? { metric: row.metric as MetricKey, hour: row.hour } : undefined
}
