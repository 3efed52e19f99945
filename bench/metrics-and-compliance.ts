/**
 * Metrics and compliance at scale: 1,000 applications under the four templates with 30 days of
 * hourly data for every metric (≈10.8 million buckets). Each figure is printed beside a bare
 * better-sqlite3 baseline measured in the same run, as a ratio:
 *   - ingest: observations through the API path (validation, bucketing, upsert, audit) against a
 *     bare prepared-insert loop writing the same number of buckets into the same table
 *     (target ≥ 70% of bare);
 *   - full evaluation of every application against a bare SQL aggregation over the same buckets
 *     (target ≤ 1 s and ≤ 2× bare);
 *   - incremental re-evaluation after one application's new hour (target ≤ 10 ms).
 * Run with `npm run bench`; it needs about 1 GB of temporary disk.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { METRIC_KEYS, METRIC_BY_KEY, type MetricKey } from '../src-shared/domain/metrics'
import type { Observation, ObservationFields } from '../src-shared/domain/observations'
import { ManualClock } from '../src-main/engine/clock'
import BetterSqlite3 from 'better-sqlite3'
import { openEngineParts } from '../src-main/engine/engine'
import { addValue, emptyBins, encodeBins } from '../src-main/engine/metrics/latency-sketch'
import { caller } from '../src-main/testing/workspace'

const APPLICATIONS = 1000
const DAYS = 30
const HOURS = DAYS * 24
/** Applications whose data goes through the engine (timed), and through the bare loop (timed). */
const TIMED = 30
const HOUR_MS = 3_600_000
const END = Date.parse('2026-03-31T00:30:00.000Z')
const FIRST_HOUR = Math.floor(END / HOUR_MS) - HOURS + 1

const appId = (i: number) => `app_${String(i).padStart(4, '0')}`

async function time<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await work()
  return [result, Number(process.hrtime.bigint() - start) / 1e6]
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** One observation per metric for one hour: what an exporter sends. */
function hourOf(hour: number, seed: number): Observation[] {
  const timestamp = new Date(hour * HOUR_MS + 60_000).toISOString()
  const requests = 200 + ((hour * 7 + seed) % 300)
  return METRIC_KEYS.map((metric): Observation => {
    const kind = METRIC_BY_KEY[metric].kind
    if (kind === 'throughput') return { metric: 'requests', timestamp, count: requests }
    if (kind === 'latency') return { metric, timestamp, values: [400, 520, 610, 700, 830, 990, 1200, 1700 + (seed % 50)] }
    if (kind === 'score') return { metric, timestamp, values: metric === 'coherence' ? [0.8, 0.85, 0.9] : [4, 4.5, 3.5] }
    const rate = metric === 'availability' || metric === 'task_completion' ? 0.97 : 0.004
    return { metric, timestamp, count: Math.floor(requests * rate), total: requests }
  })
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
  const file = join(folder, 'compliance.sqlite')
  const clock = new ManualClock(new Date(END))
  const { engine, evaluator, context } = await openEngineParts(file, { clock })
  const call = caller(engine)
  for (let i = 0; i < APPLICATIONS; i++) await call('applications.create', { id: appId(i), name: `Application ${i}`, tags: ['production'] })
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true } })
  }
  await evaluator.drain()

  // Ingest through the API path: each request one application's 30 days (10,800 observations),
  // made before the clock starts, as a request body arrives already made.
  const bodies = Array.from({ length: TIMED }, (_, i) => {
    const observations: Observation[] = []
    for (let h = 0; h < HOURS; h++) observations.push(...hourOf(FIRST_HOUR + h, i))
    return { id: appId(i), observations }
  })
  const [, ingestMs] = await time(async () => {
    for (const request of bodies) await call('metrics.ingest', request)
  })
  bodies.length = 0
  const ingested = TIMED * HOURS * METRIC_KEYS.length

  // The bare loop: the same number of bucket rows, one transaction per application, into the same
  // table, through a connection of its own (the engine's are its own business).
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('busy_timeout = 10000')
  const insertSeries = sqlite.prepare('INSERT INTO metric_series (application_id, metric) VALUES (?, ?)')
  const insertBucket = sqlite.prepare('INSERT INTO metric_buckets (series_id, hour, n, total, sum, sketch) VALUES (?, ?, ?, ?, ?, ?)')
  const bins = emptyBins()
  for (const value of (hourOf(FIRST_HOUR, 0).find((o) => o.metric === 'latency_p95') as ObservationFields).values!) addValue(bins, value)
  const sketch = encodeBins(bins)
  const seriesFor = (i: number) =>
    sqlite.transaction(() => METRIC_KEYS.map((metric) => [metric, Number(insertSeries.run(appId(i), metric).lastInsertRowid)] as [MetricKey, number]))()
  const bareFill = (i: number, series: Array<[MetricKey, number]>) =>
    sqlite.transaction(() => {
      for (let h = 0; h < HOURS; h++) {
        const hour = FIRST_HOUR + h
        for (const [metric, id] of series) {
          const kind = METRIC_BY_KEY[metric].kind
          insertBucket.run(id, hour, 250, kind === 'rate' ? 250 : null, kind === 'score' || kind === 'latency' ? 1000 : null, kind === 'latency' ? sketch : null)
        }
      }
    })()
  const timedSeries = Array.from({ length: TIMED }, (_, k) => seriesFor(TIMED + k))
  const [, bareIngestMs] = await time(() => timedSeries.forEach((series, k) => bareFill(TIMED + k, series)))
  // The rest of the workspace, filled the bare way (untimed).
  for (let i = 2 * TIMED; i < APPLICATIONS; i++) bareFill(i, seriesFor(i))
  await evaluator.drain()

  // Full evaluation, against a bare aggregation of the same windows over the same buckets.
  // Each side gets one untimed run first, so the medians compare steady states.
  const RUNS = 9
  const fullRuns: number[] = []
  for (let run = 0; run <= RUNS; run++) {
    const [, ms] = await time(() => evaluator.evaluateNow())
    if (run > 0) fullRuns.push(ms)
  }
  const to = Math.ceil(END / HOUR_MS)
  const sums = sqlite.prepare('SELECT series_id, sum(n), sum(total), sum(sum) FROM metric_buckets WHERE series_id IN (SELECT id FROM metric_series WHERE metric NOT IN (?, ?)) AND hour >= ? AND hour < ? GROUP BY series_id')
  const sketches = sqlite.prepare('SELECT series_id, sketch FROM metric_buckets WHERE series_id IN (SELECT id FROM metric_series WHERE metric = ?) AND hour >= ? AND hour < ?')
  const requests = sqlite.prepare("SELECT series_id, sum(n) FROM metric_buckets WHERE series_id IN (SELECT id FROM metric_series WHERE metric = 'throughput_drop') AND hour >= ? AND hour < ? GROUP BY series_id")
  const bareRuns: number[] = []
  for (let run = 0; run <= RUNS; run++) {
    const [, ms] = await time(() => {
      sums.raw().all('throughput_drop', 'latency_p95', to - 24, to)
      sketches.raw().all('latency_p95', to - 24, to)
      requests.raw().all(to - 168, to)
      requests.raw().all(to - 336, to - 168)
    })
    if (run > 0) bareRuns.push(ms)
  }

  // Incremental: one application's new hour, then the evaluation it queued.
  const incrementalRuns: number[] = []
  const bareOneRuns: number[] = []
  const oneSums = sqlite.prepare('SELECT series_id, sum(n), sum(total), sum(sum) FROM metric_buckets WHERE series_id IN (SELECT id FROM metric_series WHERE application_id = ?) AND hour >= ? AND hour < ? GROUP BY series_id')
  for (let run = 0; run < 7; run++) {
    clock.advance(HOUR_MS)
    const hour = Math.floor(clock.now().getTime() / HOUR_MS) - 1
    await call('metrics.ingest', { id: appId(run), observations: hourOf(hour, run) })
    incrementalRuns.push((await time(() => evaluator.drain()))[1])
    bareOneRuns.push((await time(() => oneSums.raw().all(appId(run), hour - 23, hour + 1)))[1])
  }
  sqlite.close()
  const statuses = await context.db.selectFrom('compliance_current').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  await engine.close()
  rmSync(folder, { recursive: true, force: true })

  const engineRate = ingested / (ingestMs / 1000)
  const bareRate = ingested / (bareIngestMs / 1000)
  const full = median(fullRuns)
  const bareFull = median(bareRuns)
  const incremental = median(incrementalRuns)
  const bareOne = median(bareOneRuns)
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
  console.log(`workspace: ${APPLICATIONS} applications, 4 policies, ${DAYS} days × 24 h × ${METRIC_KEYS.length} metrics = ${(APPLICATIONS * HOURS * METRIC_KEYS.length).toLocaleString('en')} buckets; ${Number(statuses.n)} statuses`)
  console.log(
    `ingest: ${Math.round(engineRate).toLocaleString('en')} observations/s through the API path; bare prepared inserts ${Math.round(bareRate).toLocaleString('en')} rows/s; ratio ${(engineRate / bareRate).toFixed(2)} (target ≥ 0.70) ${verdict(engineRate / bareRate >= 0.7)}`,
  )
  const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`
  console.log(`full evaluation: median ${full.toFixed(0)} ms of ${RUNS} runs (${range(fullRuns)}; target ≤ 1000 ms); bare aggregation ${bareFull.toFixed(0)} ms (${range(bareRuns)}); ratio ${(full / bareFull).toFixed(2)}x (target ≤ 2x) ${verdict(full <= 1000 && full / bareFull <= 2)}`)
  console.log(`incremental re-evaluation after one application's new hour: ${incremental.toFixed(1)} ms (target ≤ 10 ms); bare aggregation of its series ${bareOne.toFixed(2)} ms; ratio ${(incremental / bareOne).toFixed(1)}x ${verdict(incremental <= 10)}`)
}

void main()
