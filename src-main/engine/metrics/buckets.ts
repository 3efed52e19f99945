/**
 * Hourly buckets: observations are gathered per metric and hour in memory, then merged into the
 * stored buckets in one pass — counts and sums add in SQL, latency sketches merge bin by bin.
 */
import { sql } from 'kysely'
import { METRIC_BY_KEY, METRIC_INDEX, METRIC_KEYS, type MetricKey, type MetricKind } from '../../../src-shared/domain/metrics'
import { chunks, rowsPerInsert } from '../batch'
import { repeatedStatement, type RepeatedStatement } from '../db/prepared'
import type { Tx } from '../db/schema'
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

  /** A metric's buckets, oldest hour first. */
  deltas(metric: MetricKey): BucketDelta[] {
    const deltas = [...(this.byMetric[METRIC_INDEX.get(metric)!]?.values() ?? [])]
    for (let i = 1; i < deltas.length; i++) {
      if (deltas[i]!.hour < deltas[i - 1]!.hour) return deltas.sort((a, b) => a.hour - b.hour)
    }
    return deltas
  }
}

/** Rows per upsert statement: bigger batches first, so a write of any size needs few statements. */
const BATCH_SIZES = [256, 64, 16, 4, 1] as const

/**
 * A prepared multi-row upsert of `rows` buckets: counts and sums add in SQL; sketches arrive
 * already merged with what was stored.
 */
function upsertStatement(tx: Tx, rows: number): RepeatedStatement {
  return repeatedStatement(tx, `metric_buckets.upsert.${rows}`, () =>
    tx
      .insertInto('metric_buckets')
      .values(Array.from({ length: rows }, () => ({ series_id: 0, hour: 0, n: 0, total: null, sum: null, sketch: null })))
      .onConflict((oc) =>
        oc.columns(['series_id', 'hour']).doUpdateSet({
          n: sql`metric_buckets.n + excluded.n`,
          total: sql`coalesce(metric_buckets.total, 0) + excluded.total`,
          sum: sql`coalesce(metric_buckets.sum, 0) + excluded.sum`,
          sketch: sql`coalesce(excluded.sketch, metric_buckets.sketch)`,
        }),
      )
      .compile(),
  )
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

const COLUMNS = 6

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

  // Rows go out in multi-row statements, largest first, each filling one reused parameter array.
  let row = 0
  for (const size of BATCH_SIZES) {
    if (deltas.length - row < size) continue
    const statement = upsertStatement(tx, size)
    const params = new Array<unknown>(size * COLUMNS)
    for (; deltas.length - row >= size; row += size) {
      for (let i = 0; i < size; i++) rowParams(params, i * COLUMNS, deltas[row + i]!, ids, stored)
      await statement.run(params)
    }
  }
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
  const rows = ordered.reduce((count, s) => count + s.n.length, 0)
  let done = 0
  let current = 0
  let hour = 0
  for (const size of BATCH_SIZES) {
    if (rows - done < size) continue
    const statement = upsertStatement(tx, size)
    const params = new Array<unknown>(size * COLUMNS)
    for (; rows - done >= size; done += size) {
      for (let i = 0; i < size; i++) {
        let s = ordered[current]!
        if (hour === s.n.length) {
          s = ordered[++current]!
          hour = 0
        }
        const at = i * COLUMNS
        params[at] = ids.get(s.metric)!
        params[at + 1] = s.firstHour + hour
        params[at + 2] = s.n[hour]!
        params[at + 3] = s.total ? s.total[hour]! : null
        params[at + 4] = s.sum ? s.sum[hour]! : null
        params[at + 5] = s.sketches ? s.sketches[hour]! : null
        hour++
      }
      await statement.run(params)
    }
  }
}

/** One bucket's columns, its sketch merged with the stored one. */
function rowParams(params: unknown[], at: number, delta: BucketDelta, ids: Map<MetricKey, number>, stored: Map<number, Uint8Array>): void {
  let sketch: Uint8Array | null = null
  if (delta.bins) {
    const previous = stored.get(delta.hour)
    if (previous) {
      const merged = emptyBins()
      mergeEncoded(merged, previous)
      mergeBins(merged, delta.bins)
      sketch = encodeBins(merged)
    } else sketch = encodeBins(delta.bins)
  }
  const kind = delta.kind
  params[at] = ids.get(delta.metric)!
  params[at + 1] = delta.hour
  params[at + 2] = delta.n
  params[at + 3] = kind === 'rate' ? delta.total : null
  params[at + 4] = kind === 'score' || kind === 'latency' ? delta.sum : null
  params[at + 5] = sketch
}
