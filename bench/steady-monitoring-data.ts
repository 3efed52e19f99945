/**
 * Monitoring data for benchmark workspaces, written the bare way (one transaction of prepared
 * inserts) because the engine's own ingestion has a benchmark of its own: steady hourly buckets
 * for every application and metric, some of them at failing levels.
 */
import BetterSqlite3 from 'better-sqlite3'
import { METRIC_BY_KEY, type MetricKey } from '../src-shared/domain/metrics'
import { addValue, emptyBins, encodeBins } from '../src-main/engine/metrics/latency-sketch'

const HOUR_MS = 3_600_000

/**
 * A metric's level for the `app`-th application: healthy, or failing for about `failingShare`
 * of the applications (decided by a fixed formula, so each run builds the same workspace).
 */
export function benchLevel(metric: MetricKey, app: number, failingShare: number): number {
  const failing = ((app * 7 + metric.length) % 100) / 100 < failingShare
  switch (metric) {
    case 'latency_p95':
      return failing && app % 3 === 0 ? 7200 : 900
    case 'coherence':
      return failing ? 0.6 : 0.9
    case 'user_satisfaction':
      return failing ? 3.1 : 4.3
    case 'availability':
      return failing && app % 4 === 0 ? 97 : 99.8
    case 'task_completion':
      return failing ? 84 : 96
    default:
      return failing ? 6 : 0.05
  }
}

/** One series' buckets: hour (since the epoch), n, total, sum, sketch, as metric_buckets holds them. */
export type SteadyBucket = [hour: number, n: number, total: number | null, sum: number | null, sketch: Uint8Array | null]

/** The buckets of `hours` hours, ending at the last whole hour, for each application id and metric. */
export function* steadySeries(applicationIds: readonly string[], metrics: ReadonlySet<MetricKey>, hours: number, failingShare: number): Generator<{ applicationId: string; metric: MetricKey; buckets: SteadyBucket[] }> {
  const lastHour = Math.floor(Date.now() / HOUR_MS)
  for (const [i, applicationId] of applicationIds.entries()) {
    for (const metric of metrics) {
      const kind = METRIC_BY_KEY[metric].kind
      const value = benchLevel(metric, i, failingShare)
      const bins = emptyBins()
      if (kind === 'latency') for (let k = 0; k < 20; k++) addValue(bins, value * (0.6 + k * 0.02), 10)
      const sketch = kind === 'latency' ? encodeBins(bins) : null
      const buckets: SteadyBucket[] = []
      for (let hour = lastHour - hours; hour < lastHour; hour++) {
        if (kind === 'rate') buckets.push([hour, Math.round(value * 10), 1000, null, null])
        else if (kind === 'score') buckets.push([hour, 100, null, value * 100, null])
        else if (kind === 'latency') buckets.push([hour, 200, null, value * 200, sketch])
        else buckets.push([hour, 500, null, null, null])
      }
      yield { applicationId, metric, buckets }
    }
  }
}

/** Writes `hours` hours of buckets, ending at the last whole hour, for each application id and metric. */
export function writeSteadyMonitoringData(file: string, applicationIds: readonly string[], metrics: ReadonlySet<MetricKey>, hours: number, failingShare: number): void {
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('busy_timeout = 10000')
  const insertSeries = sqlite.prepare('INSERT INTO metric_series (application_id, metric) VALUES (?, ?)')
  const insertBucket = sqlite.prepare('INSERT INTO metric_buckets (series_id, hour, n, total, sum, sketch) VALUES (?, ?, ?, ?, ?, ?)')
  sqlite.transaction(() => {
    for (const { applicationId, metric, buckets } of steadySeries(applicationIds, metrics, hours, failingShare)) {
      const series = Number(insertSeries.run(applicationId, metric).lastInsertRowid)
      for (const bucket of buckets) insertBucket.run(series, ...bucket)
    }
  })()
  sqlite.close()
}
