/** One metric of one application hour by hour, for sparklines and charts. */
import { METRIC_BY_KEY, type MetricKey } from '../../../src-shared/domain/metrics'
import type { MetricPoint } from '../../../src-shared/domain/observations'
import { getApplication } from '../applications/applications'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { HOUR_MS, hourOf, hourStart } from './hours'
import { emptyBins, mergeEncoded, quantile } from './latency-sketch'

const DEFAULT_SPAN_MS = 7 * 24 * HOUR_MS
const MAX_HOURS = 24 * 400

/** Rates in percent, scores as the mean, latency as the hour's p95; throughput_drop charts requests per hour. */
export async function metricSeries(db: Db, now: Date, input: { id: string; metric: MetricKey; from?: string; to?: string }): Promise<{ application_id: string; metric: MetricKey; points: MetricPoint[] }> {
  await getApplication(db, input.id)
  const toMs = input.to ? Date.parse(input.to) : now.getTime()
  const fromMs = input.from ? Date.parse(input.from) : toMs - DEFAULT_SPAN_MS
  if (fromMs >= toMs) throw new EngineError('invalid_input', 'from must be before to', 'from')
  const from = hourOf(fromMs)
  const to = Math.ceil(toMs / HOUR_MS)
  if (to - from > MAX_HOURS) throw new EngineError('invalid_input', `ask for at most ${MAX_HOURS} hours at a time`, 'from')

  const rows = await db
    .selectFrom('metric_buckets')
    .innerJoin('metric_series', 'metric_series.id', 'metric_buckets.series_id')
    .select(['metric_buckets.hour', 'metric_buckets.n', 'metric_buckets.total', 'metric_buckets.sum', 'metric_buckets.sketch'])
    .where('metric_series.application_id', '=', input.id)
    .where('metric_series.metric', '=', input.metric)
    .where('metric_buckets.hour', '>=', from)
    .where('metric_buckets.hour', '<', to)
    .orderBy('metric_buckets.hour')
    .execute()
  const kind = METRIC_BY_KEY[input.metric].kind
  const points = rows.map((row): MetricPoint => {
    switch (kind) {
      case 'rate':
        return { hour: hourStart(row.hour), value: row.total ? (row.n * 100) / row.total : null, volume: row.total ?? 0 }
      case 'score':
        return { hour: hourStart(row.hour), value: row.n > 0 ? (row.sum ?? 0) / row.n : null, volume: row.n }
      case 'latency': {
        const bins = emptyBins()
        if (row.sketch) mergeEncoded(bins, row.sketch)
        return { hour: hourStart(row.hour), value: quantile(bins, 0.95), volume: row.n }
      }
      case 'throughput':
        return { hour: hourStart(row.hour), value: row.n, volume: row.n }
    }
  })
  return { application_id: input.id, metric: input.metric, points }
}
