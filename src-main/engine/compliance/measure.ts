/**
 * Measuring a requirement's window from the hourly buckets: rates as the sum of counts over the
 * sum of totals, scores as sum over count, latency p95 from the merged sketches, throughput drop as
 * the last 7 days against the 7 before. One query per distinct window and kind serves every application.
 */
import { sql } from 'kysely'
import { METRIC_BY_KEY, METRIC_INDEX, type MetricKey } from '../../../src-shared/domain/metrics'
import { chunks } from '../batch'
import { rawRows } from '../db/prepared'
import type { Db } from '../db/schema'
import { HOUR_MS, windowHours } from '../metrics/hours'
import { binCount, emptyBins, mergeEncoded, quantile, type SketchBins } from '../metrics/latency-sketch'

export const THROUGHPUT_WINDOW_HOURS = 7 * 24

export interface Measurement {
  /** Null when the window holds no data. */
  value: number | null
  volume: number
  windowStart: string
  windowEnd: string
  /** Throughput only: requests in the last window and the one before. */
  last?: number
  prior?: number
}

/** A metric over a window of hours ending at the evaluation time. */
export interface MeasuredWindow {
  metric: MetricKey
  windowHours: number
}

/** The window a metric is measured over: throughput always compares two weeks. */
function spanOf(metric: MetricKey, hours: number): number {
  return metric === 'throughput_drop' ? THROUGHPUT_WINDOW_HOURS : hours
}

/**
 * Measurements by application, then by metric and window. A full evaluation looks up tens of
 * thousands of these, so the inner key is a number rather than a built string. A window with no
 * data for an application reads as a measurement of nothing, shared by every such application.
 */
export class Measurements {
  private readonly byApplication = new Map<string, Map<number, Measurement>>()
  private readonly nothing = new Map<number, Measurement>()

  constructor(private readonly atMs: number) {}

  get(applicationId: string, metric: MetricKey, hours: number): Measurement {
    const key = windowKey(metric, hours)
    return this.byApplication.get(applicationId)?.get(key) ?? this.nothingIn(key, metric, hours)
  }

  set(applicationId: string, metric: MetricKey, hours: number, measurement: Measurement): void {
    let own = this.byApplication.get(applicationId)
    if (!own) this.byApplication.set(applicationId, (own = new Map()))
    own.set(windowKey(metric, hours), measurement)
  }

  private nothingIn(key: number, metric: MetricKey, hours: number): Measurement {
    let nothing = this.nothing.get(key)
    if (!nothing) {
      const window = { windowStart: windowStartOf(metric, hours, this.atMs), windowEnd: new Date(this.atMs).toISOString() }
      nothing = Object.freeze(metric === 'throughput_drop' ? { value: null, volume: 0, last: 0, prior: 0, ...window } : { value: null, volume: 0, ...window })
      this.nothing.set(key, nothing)
    }
    return nothing
  }
}

/** A metric over a window, as one number (windows are at most 2,160 hours). */
function windowKey(metric: MetricKey, hours: number): number {
  return METRIC_INDEX.get(metric)! * 10_000 + spanOf(metric, hours)
}

/** Where a requirement's window begins when it ends at `atMs`. */
export function windowStartOf(metric: MetricKey, hours: number, atMs: number): string {
  const span = spanOf(metric, hours)
  const { from } = windowHours(atMs, span)
  return new Date((metric === 'throughput_drop' ? from - span : from) * HOUR_MS).toISOString()
}

/**
 * Measures each window at `atMs` for every application that has data in it. With
 * `applicationIds` the queries are limited to those applications; without, they cover every
 * application at once. Each query answers per application and metric, so results land in place.
 */
export async function measure(db: Db, atMs: number, windows: Iterable<MeasuredWindow>, applicationIds?: readonly string[]): Promise<Measurements> {
  const out = new Measurements(atMs)
  const scopes = applicationIds ? chunks(applicationIds, 5000) : [undefined]

  // The metrics wanted per window: one pass over their buckets serves them all.
  const byWindow = new Map<number, Set<MetricKey>>()
  for (const { metric, windowHours: wanted } of windows) {
    const hours = spanOf(metric, wanted)
    const metrics = byWindow.get(hours)
    if (metrics) metrics.add(metric)
    else byWindow.set(hours, new Set([metric]))
  }

  for (const [hours, metrics] of byWindow) {
    const window = windowHours(atMs, hours)
    const windowEnd = new Date(atMs).toISOString()
    const latency = [...metrics].filter((metric) => METRIC_BY_KEY[metric].kind === 'latency')
    const summed = [...metrics].filter((metric) => METRIC_BY_KEY[metric].kind === 'rate' || METRIC_BY_KEY[metric].kind === 'score')
    for (const scope of scopes) {
      if (summed.length > 0) {
        const windowStart = new Date(window.from * HOUR_MS).toISOString()
        for (const [applicationId, metric, n, total, sum] of await sumBuckets(db, summed, scope, window.from, window.to)) {
          const rate = METRIC_BY_KEY[metric].kind === 'rate'
          const value = rate ? (total > 0 ? (n * 100) / total : null) : n > 0 ? sum / n : null
          out.set(applicationId, metric, hours, { value, volume: rate ? total : n, windowStart, windowEnd })
        }
      }
      if (latency.length > 0) await measureLatency(db, out, latency, hours, scope, window.from, window.to, windowEnd)
      if (metrics.has('throughput_drop')) await measureThroughput(db, out, scope, window.from, window.to, windowEnd)
    }
  }

  return out
}

/** Buckets of these metrics (of these applications, or all) within [from, to), with their series' application and metric. */
function bucketsOf(db: Db, metrics: readonly MetricKey[], applicationIds: readonly string[] | undefined, from: number, to: number) {
  let query = db
    .selectFrom('metric_series')
    .innerJoin('metric_buckets', 'metric_buckets.series_id', 'metric_series.id')
    .where('metric_series.metric', 'in', metrics)
    .where('metric_buckets.hour', '>=', from)
    .where('metric_buckets.hour', '<', to)
  if (applicationIds) query = query.where('metric_series.application_id', 'in', applicationIds)
  return query
}

function sumBuckets(db: Db, metrics: readonly MetricKey[], applicationIds: readonly string[] | undefined, from: number, to: number) {
  const query = bucketsOf(db, metrics, applicationIds, from, to)
    .select([
      'metric_series.application_id',
      'metric_series.metric',
      sql<number>`sum(metric_buckets.n)`.as('n'),
      sql<number>`coalesce(sum(metric_buckets.total), 0)`.as('total'),
      sql<number>`coalesce(sum(metric_buckets.sum), 0)`.as('sum'),
    ])
    .groupBy('metric_series.id')
  return rawRows<[applicationId: string, metric: MetricKey, n: number, total: number, sum: number]>(db, query)
}

/** p95 of the merged hourly sketches; the sketch's own count is the volume. */
async function measureLatency(db: Db, out: Measurements, metrics: readonly MetricKey[], hours: number, applicationIds: readonly string[] | undefined, from: number, to: number, windowEnd: string): Promise<void> {
  // Tens of thousands of sketch rows: each carries only its series id, and the few series are read apart.
  let seriesQuery = db.selectFrom('metric_series').where('metric', 'in', metrics)
  if (applicationIds) seriesQuery = seriesQuery.where('application_id', 'in', applicationIds)
  const series = new Map(
    (await rawRows<[id: number, applicationId: string, metric: MetricKey]>(db, seriesQuery.select(['id', 'application_id', 'metric']))).map(([id, applicationId, metric]) => [id, { applicationId, metric, bins: emptyBins() }]),
  )
  const rows = await rawRows<[seriesId: number, sketch: Uint8Array | null]>(
    db,
    db.selectFrom('metric_buckets').select(['series_id', 'sketch']).where('series_id', 'in', seriesQuery.select('id')).where('hour', '>=', from).where('hour', '<', to),
  )
  // Rows come series by series; the current one is kept to spare a lookup per row.
  let current: SketchBins | undefined
  let currentId = -1
  for (const [seriesId, sketch] of rows) {
    if (!sketch) continue
    if (seriesId !== currentId) {
      currentId = seriesId
      current = series.get(seriesId)!.bins
    }
    mergeEncoded(current!, sketch)
  }
  const windowStart = new Date(from * HOUR_MS).toISOString()
  for (const { applicationId, metric, bins } of series.values()) {
    const volume = binCount(bins)
    if (volume > 0) out.set(applicationId, metric, hours, { value: quantile(bins, 0.95), volume, windowStart, windowEnd })
  }
}

/** Requests in the last window against the window before it. */
async function measureThroughput(db: Db, out: Measurements, applicationIds: readonly string[] | undefined, from: number, to: number, windowEnd: string): Promise<void> {
  const hours = to - from
  const requestsIn = async (start: number, end: number) =>
    new Map(
      await rawRows<[applicationId: string, n: number]>(
        db,
        bucketsOf(db, ['throughput_drop'], applicationIds, start, end).select(['metric_series.application_id', sql<number>`sum(metric_buckets.n)`.as('n')]).groupBy('metric_series.id'),
      ),
    )
  const last = await requestsIn(from, to)
  const prior = await requestsIn(from - hours, from)
  const windowStart = new Date((from - hours) * HOUR_MS).toISOString()
  for (const applicationId of new Set([...last.keys(), ...prior.keys()])) {
    const lastCount = last.get(applicationId) ?? 0
    const priorCount = prior.get(applicationId) ?? 0
    out.set(applicationId, 'throughput_drop', hours, {
      value: priorCount > 0 ? Math.max(0, ((priorCount - lastCount) * 100) / priorCount) : null,
      volume: lastCount + priorCount,
      last: lastCount,
      prior: priorCount,
      windowStart,
      windowEnd,
    })
  }
}
