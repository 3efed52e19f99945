/**
 * Hourly buckets: observations are gathered per metric and hour in memory, then merged into the
 * stored buckets in one pass — counts and sums add in SQL, latency sketches merge bin by bin.
 */
import { METRIC_BY_KEY, METRIC_INDEX, METRIC_KEYS, type MetricKey, type MetricKind } from '../../../src-shared/domain/metrics'
import { chunks, rowsPerInsert } from '../batch'
import { sql } from 'kysely'
import { onPostgres } from '../db/prepared'
import type { Tx } from '../db/schema'
import { bucketUpsert } from './bucket-upsert'
import { emptyBins, encodeBins, mergeBins, mergeEncoded, type SketchBins } from './latency-sketch'

export interface BucketDelta {
  metric: MetricKey
  kind: MetricKind
  hour: number
  n: number
  total: number
  sum: number
  bins: SketchBins | null
}

export class BucketAccumulator {
  /** An accumulator holding these buckets (as another thread's `all()` gave them). */
  static of(deltas: Iterable<BucketDelta>): BucketAccumulator {
    const accumulator = new BucketAccumulator()
    for (const { metric, hour, n, total, sum, bins } of deltas) Object.assign(accumulator.bucket(metric, hour), { n, total, sum, bins })
    return accumulator
  }

  // One map of hours per metric: rows then go out in the table's key order (series, hour), so
  // each insert lands next to the previous one in the B-tree.
  private readonly byMetric: Array<Map<number, BucketDelta> | undefined> = []
  private count = 0
  firstHour = Infinity
  lastHour = -Infinity

  bucket(metric: MetricKey, hour: number): BucketDelta {
    const index = METRIC_INDEX.get(metric)!
    let hours = this.byMetric[index]
    if (!hours) this.byMetric[index] = hours = new Map()
    let bucket = hours.get(hour)
    if (!bucket) {
      const kind = METRIC_BY_KEY[metric].kind
      bucket = { metric, kind, hour, n: 0, total: 0, sum: 0, bins: kind === 'latency' ? emptyBins() : null }
      hours.set(hour, bucket)
      this.count++
      if (hour < this.firstHour) this.firstHour = hour
      if (hour > this.lastHour) this.lastHour = hour
    }
    return bucket
  }

  get size(): number {
    return this.count
  }

  metrics(): MetricKey[] {
    return METRIC_KEYS.filter((_, index) => this.byMetric[index] !== undefined)
  }

  /** Every bucket, metric by metric. */
  all(): BucketDelta[] {
    return this.byMetric.flatMap((hours) => (hours ? [...hours.values()] : []))
  }

  /** A metric's buckets, oldest hour first. */
  deltas(metric: MetricKey): BucketDelta[] {
    const deltas = [...(this.byMetric[METRIC_INDEX.get(metric)!]?.values() ?? [])]
    for (let i = 1; i < deltas.length; i++) {
      if (deltas[i]!.hour < deltas[i - 1]!.hour) return deltas.sort((a, b) => a.hour - b.hour)
    }
    return deltas
  }
}

/** Series ids for an application's metrics, creating the missing ones; `created` holds the new ones. */
export async function seriesIds(tx: Tx, applicationId: string, metrics: Iterable<MetricKey>): Promise<{ ids: Map<MetricKey, number>; created: Set<MetricKey> }> {
  const wanted = new Set(metrics)
  const rows = await tx.selectFrom('metric_series').select(['id', 'metric']).where('application_id', '=', applicationId).execute()
  const ids = new Map(rows.map((row) => [row.metric as MetricKey, row.id]))
  const created = new Set([...wanted].filter((metric) => !ids.has(metric)))
  if (created.size > 0) {
    const inserted = await tx
      .insertInto('metric_series')
      .values([...created].map((metric) => ({ application_id: applicationId, metric })))
      .returning(['id', 'metric'])
      .execute()
    for (const row of inserted) ids.set(row.metric as MetricKey, row.id)
  }
  return { ids, created }
}

/** Merges the accumulated buckets into storage; must run inside the caller's transaction. */
export async function writeBuckets(tx: Tx, applicationId: string, buckets: BucketAccumulator): Promise<void> {
  const metrics = buckets.metrics()
  const { ids, created } = await seriesIds(tx, applicationId, metrics)
  // In key order: series by id, each series' hours ascending.
  metrics.sort((a, b) => ids.get(a)! - ids.get(b)!)
  const deltas = metrics.flatMap((metric) => buckets.deltas(metric))

  // Latency sketches cannot be added in SQL: read the stored ones (a series created just now has
  // none) and merge them here first.
  const latencySeries = ids.get('latency_p95')
  const stored = new Map<number, Uint8Array>()
  if (latencySeries !== undefined && !created.has('latency_p95')) {
    const hours = deltas.flatMap((delta) => (delta.bins ? [delta.hour] : []))
    for (const slice of chunks(hours, rowsPerInsert(1))) {
      const rows = await tx.selectFrom('metric_buckets').select(['hour', 'sketch']).where('series_id', '=', latencySeries).where('hour', 'in', slice).execute()
      for (const row of rows) if (row.sketch) stored.set(row.hour, row.sketch)
    }
  }

  const upsert = bucketUpsert(tx)
  for (const delta of deltas) {
    const kind = delta.kind
    const wrote = upsert.add(ids.get(delta.metric)!, delta.hour, delta.n, kind === 'rate' ? delta.total : null, kind === 'score' || kind === 'latency' ? delta.sum : null, mergedSketch(delta, stored))
    if (wrote) await wrote
  }
  await upsert.finish()
}

/**
 * Whole series over consecutive hours from `firstHour`, one entry per hour in each column: what a
 * generator makes (the sample workspace), without a bucket object per hour.
 */
export interface SeriesColumns {
  metric: MetricKey
  firstHour: number
  n: Float64Array
  /** Rates only. */
  total: Float64Array | null
  /** Scores and latency only. */
  sum: Float64Array | null
  /** Latency only: each hour's sketch, encoded. */
  sketches: Uint8Array[] | null
}

/**
 * Writes series the application does not have yet, so nothing is merged with stored buckets;
 * must run inside the caller's transaction. Through the same statements as writeBuckets.
 */
export async function writeNewSeries(tx: Tx, applicationId: string, series: readonly SeriesColumns[]): Promise<void> {
  const { ids, created } = await seriesIds(tx, applicationId, series.map((s) => s.metric))
  if (created.size !== series.length) throw new Error(`writeNewSeries: ${applicationId} already has some of these series`)
  // In key order: series by id, each series' hours ascending.
  const ordered = [...series].sort((a, b) => ids.get(a.metric)! - ids.get(b.metric)!)
  // Only these series: `ids` holds every series the application has.
  await withFeedInBulk(tx, [...created].map((metric) => ids.get(metric)!), async () => {
    const upsert = bucketUpsert(tx)
    for (const s of ordered) {
      const id = ids.get(s.metric)!
      for (let hour = 0; hour < s.n.length; hour++) {
        const wrote = upsert.add(id, s.firstHour + hour, s.n[hour]!, s.total ? s.total[hour]! : null, s.sum ? s.sum[hour]! : null, s.sketches ? s.sketches[hour]! : null)
        if (wrote) await wrote
      }
    }
    await upsert.finish()
  })
}

/**
 * New series' buckets enter the sync change feed (migrations/0013_sync.ts) in one statement after
 * they are written, rather than through a trigger row by row: on a SQLite file that trigger more
 * than doubles the cost of loading months of history. Their rows are new, so the feed holds no
 * entry for them yet. PostgreSQL's triggers record as usual.
 */
async function withFeedInBulk(tx: Tx, newSeries: readonly number[], write: () => Promise<void>): Promise<void> {
  if (onPostgres(tx)) return write()
  await tx.updateTable('sync_state').set({ pulling: 1 }).execute()
  await write()
  await tx.updateTable('sync_state').set({ pulling: 0 }).execute()
  await sql`INSERT INTO row_changes (table_name, row_key) SELECT 'metric_buckets', json_array(series_id, hour) FROM metric_buckets WHERE series_id IN (${sql.join(newSeries)}) ORDER BY series_id, hour`.execute(tx)
}

/** A bucket's sketch merged with the stored one; null for metrics without one. */
function mergedSketch(delta: BucketDelta, stored: Map<number, Uint8Array>): Uint8Array | null {
  if (!delta.bins) return null
  const previous = stored.get(delta.hour)
  if (!previous) return encodeBins(delta.bins)
  const merged = emptyBins()
  mergeEncoded(merged, previous)
  mergeBins(merged, delta.bins)
  return encodeBins(merged)
}
