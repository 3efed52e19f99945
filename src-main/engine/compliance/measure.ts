/**
 * Measuring a requirement's window from the hourly buckets: rates as the sum of counts over the
 * sum of totals, scores as sum over count, latency p95 from the merged sketches, throughput drop as
 * the last 7 days against the 7 before. One query per distinct window serves every application.
 */
import { sql } from 'kysely'
import { METRIC_BY_KEY, type MetricKey } from '../../../src-shared/domain/metrics'
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

export type Measurements = Map<string, Measurement>

export function measurementKey(applicationId: string, metric: MetricKey, hours: number): string {
  return `${applicationId}|${metric}|${metric === 'throughput_drop' ? THROUGHPUT_WINDOW_HOURS : hours}`
}

interface Sums {
  n: number
  total: number
  sum: number
}

/** Measures every request at `atMs`; keys are measurementKey(...). */
export async function measure(db: Db, atMs: number, requests: readonly MeasureRequest[]): Promise<Measurements> {
  const out: Measurements = new Map()
  if (requests.length === 0) return out
  const applicationIds = [...new Set(requests.map((r) => r.applicationId))]
  const series = new Map<string, number>()
  for (const slice of chunks(applicationIds, 5000)) {
    const rows = await db.selectFrom('metric_series').select(['id', 'application_id', 'metric']).where('application_id', 'in', slice).execute()
    for (const row of rows) series.set(`${row.application_id}|${row.metric}`, row.id)
  }

  // Group what is asked by window, so each window is one pass over its series.
  const byWindow = new Map<number, MeasureRequest[]>()
  for (const request of requests) {
    const hours = request.metric === 'throughput_drop' ? THROUGHPUT_WINDOW_HOURS : request.windowHours
    const list = byWindow.get(hours) ?? []
    list.push(request)
    byWindow.set(hours, list)
  }

  for (const [hours, list] of byWindow) {
    const window = windowHours(atMs, hours)
    const plain = list.filter((r) => r.metric !== 'throughput_drop')
    const throughput = list.filter((r) => r.metric === 'throughput_drop')

    const plainIds = idsOf(series, plain)
    const sums = await sumBuckets(db, plainIds, window.from, window.to)
    const latencyIds = idsOf(series, plain.filter((r) => METRIC_BY_KEY[r.metric].kind === 'latency'))
    const sketches = await mergeSketches(db, latencyIds, window.from, window.to)
    for (const request of plain) {
      const id = series.get(`${request.applicationId}|${request.metric}`)
      const s = (id !== undefined && sums.get(id)) || { n: 0, total: 0, sum: 0 }
      out.set(measurementKey(request.applicationId, request.metric, hours), {
        ...valueOf(request.metric, s, id === undefined ? undefined : sketches.get(id)),
        windowStart: new Date(window.from * HOUR_MS).toISOString(),
        windowEnd: new Date(atMs).toISOString(),
      })
    }

    if (throughput.length > 0) {
      const ids = idsOf(series, throughput)
      const [last, prior] = await Promise.all([sumBuckets(db, ids, window.from, window.to), sumBuckets(db, ids, window.from - hours, window.from)])
      for (const request of throughput) {
        const id = series.get(`${request.applicationId}|throughput_drop`)
        const lastCount = id === undefined ? 0 : (last.get(id)?.n ?? 0)
        const priorCount = id === undefined ? 0 : (prior.get(id)?.n ?? 0)
        out.set(measurementKey(request.applicationId, 'throughput_drop', hours), {
          value: priorCount > 0 ? Math.max(0, ((priorCount - lastCount) * 100) / priorCount) : null,
          volume: lastCount + priorCount,
          last: lastCount,
          prior: priorCount,
          windowStart: new Date((window.from - hours) * HOUR_MS).toISOString(),
          windowEnd: new Date(atMs).toISOString(),
        })
      }
    }
  }
  return out
}

function idsOf(series: Map<string, number>, requests: readonly MeasureRequest[]): number[] {
  const ids = new Set<number>()
  for (const r of requests) {
    const id = series.get(`${r.applicationId}|${r.metric}`)
    if (id !== undefined) ids.add(id)
  }
  return [...ids]
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

async function sumBuckets(db: Db, seriesIds: readonly number[], from: number, to: number): Promise<Map<number, Sums>> {
  const out = new Map<number, Sums>()
  for (const slice of chunks(seriesIds, 5000)) {
    const rows = await db
      .selectFrom('metric_buckets')
      .select(['series_id', sql<number>`sum(n)`.as('n'), sql<number>`coalesce(sum(total), 0)`.as('total'), sql<number>`coalesce(sum(sum), 0)`.as('sum')])
      .where('series_id', 'in', slice)
      .where('hour', '>=', from)
      .where('hour', '<', to)
      .groupBy('series_id')
      .execute()
    for (const row of rows) out.set(row.series_id, { n: row.n, total: row.total, sum: row.sum })
  }
  return out
}

async function mergeSketches(db: Db, seriesIds: readonly number[], from: number, to: number): Promise<Map<number, SketchBins>> {
  const out = new Map<number, SketchBins>()
  for (const slice of chunks(seriesIds, 5000)) {
    const rows = await db
      .selectFrom('metric_buckets')
      .select(['series_id', 'sketch'])
      .where('series_id', 'in', slice)
      .where('hour', '>=', from)
      .where('hour', '<', to)
      .where('sketch', 'is not', null)
      .execute()
    for (const row of rows) {
      let bins = out.get(row.series_id)
      if (!bins) out.set(row.series_id, (bins = emptyBins()))
      mergeEncoded(bins, row.sketch!)
    }
  }
  return out
}
