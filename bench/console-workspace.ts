/**
 * A large portfolio for the console's benchmarks: 5,000 applications across teams, environments
 * and tags, under the four templates, with a few hours of monitoring data so statuses are a
 * realistic mix (mostly compliant, some warnings and failures) rather than all pending. Built
 * through the engine; the monitoring data is written the bare way, as bench/server-load.ts does,
 * since ingestion has a benchmark of its own.
 */
import BetterSqlite3 from 'better-sqlite3'
import { METRIC_BY_KEY, type MetricKey } from '../src-shared/domain/metrics'
import { openEngineParts } from '../src-main/engine/engine'
import { addValue, emptyBins, encodeBins } from '../src-main/engine/metrics/latency-sketch'
import { caller } from '../src-main/testing/workspace'

const HOURS = 6
const HOUR_MS = 3_600_000
const TEAMS = ['Risk & Fraud', 'Claims', 'Customer Experience', 'Marketing', 'Lending', 'Legal', 'People Operations', 'Data Platform', 'Engineering Productivity', 'Payments']
const ENVIRONMENTS = ['production', 'staging', 'development']
const TAGS = ['external-facing', 'customer-data', 'internal', 'financial', 'regulated', 'chatbot', 'copilot', 'content']
const WORDS = ['Claims', 'Support', 'Fraud', 'Triage', 'Summariser', 'Assistant', 'Copilot', 'Reviewer', 'Drafter', 'Extractor', 'Concierge', 'Screener']

export const benchAppId = (i: number) => `app_${String(i).padStart(5, '0')}`

/** Healthy and failing levels per metric: about one application in five fails something. */
function level(metric: MetricKey, app: number): number {
  const failing = (app * 7 + metric.length) % 23 < 2
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

export async function buildLargePortfolio(file: string, applications: number): Promise<void> {
  const { engine, evaluator } = await openEngineParts(file)
  const call = caller(engine)
  for (let i = 0; i < applications; i++) {
    await call('applications.create', {
      id: benchAppId(i),
      name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 5 + 3) % WORDS.length]} ${i}`,
      team: TEAMS[i % TEAMS.length]!,
      environment: ENVIRONMENTS[i % ENVIRONMENTS.length]!,
      tags: [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!],
    })
  }
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('busy_timeout = 10000')
  const insertSeries = sqlite.prepare('INSERT INTO metric_series (application_id, metric) VALUES (?, ?)')
  const insertBucket = sqlite.prepare('INSERT INTO metric_buckets (series_id, hour, n, total, sum, sketch) VALUES (?, ?, ?, ?, ?, ?)')
  const lastHour = Math.floor(Date.now() / HOUR_MS)
  sqlite.transaction(() => {
    for (let i = 0; i < applications; i++) {
      for (const metric of metrics) {
        const series = Number(insertSeries.run(benchAppId(i), metric).lastInsertRowid)
        const kind = METRIC_BY_KEY[metric].kind
        const value = level(metric, i)
        const bins = emptyBins()
        if (kind === 'latency') for (let k = 0; k < 20; k++) addValue(bins, value * (0.6 + k * 0.02), 10)
        const sketch = kind === 'latency' ? encodeBins(bins) : null
        for (let hour = lastHour - HOURS; hour < lastHour; hour++) {
          if (kind === 'rate') insertBucket.run(series, hour, Math.round(value * 10), 1000, null, null)
          else if (kind === 'score') insertBucket.run(series, hour, 100, null, value * 100, null)
          else if (kind === 'latency') insertBucket.run(series, hour, 200, null, value * 200, sketch)
          else insertBucket.run(series, hour, 500, null, null, null)
        }
      }
    }
  })()
  sqlite.close()
  await evaluator.evaluateNow()
  await engine.close()
}
