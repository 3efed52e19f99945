/**
 * Measuring a requirement's window from the hourly buckets: rates as the sum of counts over the
 * sum of totals, scores as sum over count, latency p95 from the merged sketches, throughput drop as
 * the last 7 days against the 7 before. One query per distinct window serves every application.
 */
import { sql } from 'kysely'
import { METRIC_BY_KEY, METRIC_INDEX, type MetricKey } from '../../../src-shared/domain/metrics'
import { chunks } from '../batch'
import type { Db } from '../db/schema'
import { HOUR_MS, windowHours } from '../metrics/hours'
import { emptyBins, mergeEncoded, quantile, type SketchBins } from '../metrics/latency-sketch'

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

export interface MeasureRequest {
  applicationId: string
  metric: MetricKey
  windowHours: number
}

/** The window a metric is measured over: throughput always compares two weeks. */
function spanOf(metric: MetricKey, hours: number): number {
  return metric === 'throughput_drop' ? THROUGHPUT_WINDOW_HOURS : hours
}

/**
 * Measurements by application, then by metric and window. A full evaluation looks up tens of
 * thousands of these, so the inner key is a number rather than a built string.
 */
export class Measurements {
  private readonly byApplication = new Map<string, Map<number, Measurement>>()

  get(applicationId: string, metric: MetricKey, hours: number): Measurement | undefined {
    return this.byApplication.get(applicationId)?.get(windowKey(metric, hours))
  }

  set(applicationId: string, metric: MetricKey, hours: number, measurement: Measurement): void {
    let own = this.byApplication.get(applicationId)
    if (!own) this.byApplication.set(applicationId, (own = new Map()))
    own.set(windowKey(metric, hours), measurement)
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

interface Sums {
  n: number
  total: number
  sum: number
}

const NO_SUMS: Sums = { n: 0, total: 0, sum: 0 }

/** Series ids by application, indexed by the metric's position in the catalogue. */
type SeriesIds = Map<string, number[]>

/**
 * Measures every request at `atMs`. With `applicationIds` the queries are limited to those
 * applications; without, they cover every application at once.
 */
export async function measure(db: Db, atMs: number, requests: readonly MeasureRequest[], applicationIds?: readonly string[]): Promise<Measurements> {
  const out = new Measurements()
  if (requests.length === 0) return out
  const scopes = applicationIds ? chunks(applicationIds, 5000) : [undefined]
  const series: SeriesIds = new Map()
  for (const scope of scopes) {
    let query = db.selectFrom('metric_series').select(['id', 'application_id', 'metric'])
    if (scope) query = query.where('application_id', 'in', scope)
    for (const row of await query.execute()) {
      let ids = series.get(row.application_id)
      if (!ids) series.set(row.application_id, (ids = []))
      ids[METRIC_INDEX.get(row.metric as MetricKey)!] = row.id
    }
  }
  const seriesOf = (request: MeasureRequest) => series.get(request.applicationId)?.[METRIC_INDEX.get(request.metric)!]

  // Group what is asked by window, so each window is one pass over the series of its metrics;
  // policies that share a requirement share its measurement.
  const byWindow = new Map<number, MeasureRequest[]>()
  const asked = new Map<string, Set<number>>()
  for (const request of requests) {
    const key = windowKey(request.metric, request.windowHours)
    const own = asked.get(request.applicationId)
    if (own?.has(key)) continue
    if (own) own.add(key)
    else asked.set(request.applicationId, new Set([key]))
    const hours = spanOf(request.metric, request.windowHours)
    const list = byWindow.get(hours)
    if (list) list.push(request)
    else byWindow.set(hours, [request])
  }

  for (const [hours, list] of byWindow) {
    const window = windowHours(atMs, hours)
    const windowStart = new Date(window.from * HOUR_MS).toISOString()
    const windowEnd = new Date(atMs).toISOString()
    const plain = list.filter((r) => r.metric !== 'throughput_drop')
    const throughput = list.filter((r) => r.metric === 'throughput_drop')

    // Latency comes whole from its sketch rows (count included); the rest adds up in SQL.
    const plainMetrics = [...new Set(plain.map((r) => r.metric))]
    const latencyMetrics = plainMetrics.filter((metric) => METRIC_BY_KEY[metric].kind === 'latency')
    const summedMetrics = plainMetrics.filter((metric) => METRIC_BY_KEY[metric].kind !== 'latency')
    const sums = new Map<number, Sums>()
    const sketches = new Map<number, SketchBins>()
    for (const scope of scopes) {
      if (summedMetrics.length > 0) await sumBuckets(db, sums, summedMetrics, scope, window.from, window.to)
      if (latencyMetrics.length > 0) await mergeSketches(db, sketches, sums, latencyMetrics, scope, window.from, window.to)
    }
    for (const request of plain) {
      const id = seriesOf(request)
      const s = (id !== undefined && sums.get(id)) || NO_SUMS
      const { value, volume } = valueOf(request.metric, s, id === undefined ? undefined : sketches.get(id))
      out.set(request.applicationId, request.metric, hours, { value, volume, windowStart, windowEnd })
    }

    if (throughput.length > 0) {
      const last = new Map<number, Sums>()
      const prior = new Map<number, Sums>()
      for (const scope of scopes) {
        await sumBuckets(db, last, ['throughput_drop'], scope, window.from, window.to)
        await sumBuckets(db, prior, ['throughput_drop'], scope, window.from - hours, window.from)
      }
      const throughputStart = new Date((window.from - hours) * HOUR_MS).toISOString()
      for (const request of throughput) {
        const id = seriesOf(request)
        const lastCount = id === undefined ? 0 : (last.get(id)?.n ?? 0)
        const priorCount = id === undefined ? 0 : (prior.get(id)?.n ?? 0)
        out.set(request.applicationId, 'throughput_drop', hours, {
          value: priorCount > 0 ? Math.max(0, ((priorCount - lastCount) * 100) / priorCount) : null,
          volume: lastCount + priorCount,
          last: lastCount,
          prior: priorCount,
          windowStart: throughputStart,
          windowEnd,
        })
      }
    }
  }
  return out
}

function valueOf(metric: MetricKey, s: Sums, bins: SketchBins | undefined): { value: number | null; volume: number } {
  switch (METRIC_BY_KEY[metric].kind) {
    case 'rate':
      return { value: s.total > 0 ? (s.n * 100) / s.total : null, volume: s.total }
    case 'score':
      return { value: s.n > 0 ? s.sum / s.n : null, volume: s.n }
    case 'latency':
      return { value: bins ? quantile(bins, 0.95) : null, volume: s.n }
    case 'throughput':
      return { value: null, volume: s.n }
  }
}

/** The series of these metrics (of these applications, or all), as a subquery SQLite seeks by. */
function seriesOfMetrics(db: Db, metrics: readonly MetricKey[], applicationIds: readonly string[] | undefined) {
  let query = db.selectFrom('metric_series').select('id').where('metric', 'in', metrics)
  if (applicationIds) query = query.where('application_id', 'in', applicationIds)
  return query
}

async function sumBuckets(db: Db, into: Map<number, Sums>, metrics: readonly MetricKey[], applicationIds: readonly string[] | undefined, from: number, to: number): Promise<void> {
  const rows = await db
    .selectFrom('metric_buckets')
    .select(['series_id', sql<number>`sum(n)`.as('n'), sql<number>`coalesce(sum(total), 0)`.as('total'), sql<number>`coalesce(sum(sum), 0)`.as('sum')])
    .where('series_id', 'in', seriesOfMetrics(db, metrics, applicationIds))
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .groupBy('series_id')
    .execute()
  for (const row of rows) into.set(row.series_id, { n: row.n, total: row.total, sum: row.sum })
}

async function mergeSketches(
  db: Db,
  into: Map<number, SketchBins>,
  counts: Map<number, Sums>,
  metrics: readonly MetricKey[],
  applicationIds: readonly string[] | undefined,
  from: number,
  to: number,
): Promise<void> {
  const rows = await db
    .selectFrom('metric_buckets')
    .select(['series_id', 'n', 'sketch'])
    .where('series_id', 'in', seriesOfMetrics(db, metrics, applicationIds))
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .where('sketch', 'is not', null)
    .execute()
  for (const row of rows) {
    let bins = into.get(row.series_id)
    if (!bins) into.set(row.series_id, (bins = emptyBins()))
    mergeEncoded(bins, row.sketch!)
    const sums = counts.get(row.series_id)
    if (sums) sums.n += row.n
    else counts.set(row.series_id, { n: row.n, total: 0, sum: 0 })
  }
}
