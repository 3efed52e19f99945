/**
 * Ninety days of life for the sample workspace: the four templates applied at the start, hourly
 * monitoring data for every metric each application's policies require, incidents that open gaps
 * and later close them (a few still open today), and the evaluations of each day replayed so the
 * dashboard has a history. Generated from a fixed seed, so it is the same every time.
 */
import type { MetricKey } from '../../../src-shared/domain/metrics'
import { METRIC_BY_KEY } from '../../../src-shared/domain/metrics'
import type { CallContext } from '../context'
import type { Tx } from '../db/schema'
import { applyEvaluation } from '../compliance/evaluator'
import { writeNewSeries, type SeriesColumns } from '../metrics/buckets'
import { HOUR_MS, hourOf } from '../metrics/hours'
import { addValue, emptyBins, encodeBins } from '../metrics/latency-sketch'
import { insertPolicyFromTemplate } from '../policies/policies'
import { seededRandom } from '../seeded-random'
import { TEMPLATES } from '../policies/templates'

export const HISTORY_DAYS = 90
const DAY_MS = 24 * HOUR_MS

/** Which sample applications each template covers: System Health everything, the others by tag. */
export const SAMPLE_POLICY_SCOPES = [
  { template_id: 'system_health', scope: { apply_to_all: true, tags: [], application_ids: [] }, auto_apply: true },
  { template_id: 'sensitive_data', scope: { apply_to_all: false, tags: ['customer-data', 'employee-data', 'financial', 'healthcare'], application_ids: [] }, auto_apply: false },
  { template_id: 'hardened_external', scope: { apply_to_all: false, tags: ['external-facing'], application_ids: [] }, auto_apply: false },
  { template_id: 'performance_monitored', scope: { apply_to_all: false, tags: ['content', 'copilot', 'internal'], application_ids: [] }, auto_apply: false },
] as const

interface SampleApp {
  id: string
  name: string
  environment: string
  tags: readonly string[]
}


/** Healthy level and incident level of each metric: rates in percent, latency in ms, scores raw. */
const LEVELS: Record<MetricKey, { healthy: [number, number]; incident: number }> = {
  latency_p95: { healthy: [700, 2600], incident: 7800 },
  error_rate: { healthy: [0.4, 2], incident: 9 },
  throughput_drop: { healthy: [300, 1800], incident: 0.3 },
  availability: { healthy: [99.6, 100], incident: 92 },
  pii: { healthy: [0.2, 1.2], incident: 4 },
  sensitive_data: { healthy: [0.05, 0.5], incident: 2.4 },
  credit_card: { healthy: [0, 0], incident: 0.2 },
  gov_id: { healthy: [0, 0], incident: 0.15 },
  prompt_injection: { healthy: [0.02, 0.25], incident: 1.4 },
  toxicity: { healthy: [0.1, 0.6], incident: 2.2 },
  jailbreak: { healthy: [0, 0.04], incident: 0.35 },
  hallucination: { healthy: [1, 3.5], incident: 8 },
  coherence: { healthy: [0.8, 0.93], incident: 0.62 },
  task_completion: { healthy: [92, 97.5], incident: 84 },
  user_satisfaction: { healthy: [3.8, 4.5], incident: 3.1 },
}

interface Incident {
  metric: MetricKey
  fromHour: number
  toHour: number
}

function requiredMetrics(app: SampleApp): MetricKey[] {
  const metrics = new Set<MetricKey>()
  for (const { template_id, scope } of SAMPLE_POLICY_SCOPES) {
    if (scope.apply_to_all || scope.tags.some((tag) => app.tags.includes(tag))) {
      for (const rule of TEMPLATES.find((t) => t.id === template_id)!.alert_rules) metrics.add(rule.metric)
    }
  }
  return [...metrics]
}

/** A few incidents per application, each a day to a few days long; some run until today. */
function incidentsFor(app: SampleApp, metrics: readonly MetricKey[], firstHour: number, lastHour: number, rand: () => number): Incident[] {
  const incidents: Incident[] = []
  const count = Math.floor(rand() * 3.2)
  for (let i = 0; i < count; i++) {
    const metric = metrics[Math.floor(rand() * metrics.length)]!
    // Throughput drops only show week over week, so they last longer.
    const hours = metric === 'throughput_drop' ? (8 + Math.floor(rand() * 5)) * 24 : (1 + Math.floor(rand() * 4)) * 24
    const ongoing = rand() < 0.18
    const start = ongoing ? lastHour - hours + 1 : firstHour + Math.floor(rand() * (lastHour - firstHour - hours))
    incidents.push({ metric, fromHour: start, toHour: start + hours })
  }
  // A few written in, so the dashboard always has a warning and a recently resolved gap to show.
  for (const scripted of SCRIPTED.filter((s) => s.application === app.id)) {
    const end = lastHour - scripted.endsDaysAgo * 24
    incidents.push({ metric: scripted.metric, fromHour: end - scripted.days * 24, toHour: end + (scripted.endsDaysAgo === 0 ? 1 : 0) })
  }
  return incidents
}

const SCRIPTED: Array<{ application: string; metric: MetricKey; days: number; endsDaysAgo: number }> = [
  { application: 'app_code_copilot', metric: 'coherence', days: 2, endsDaysAgo: 0 },
  { application: 'app_seo_briefs', metric: 'user_satisfaction', days: 3, endsDaysAgo: 0 },
  { application: 'app_support_assistant', metric: 'prompt_injection', days: 2, endsDaysAgo: 3 },
]

/** The hours (counted from `fromHour`) in which `metric` has an incident. */
function incidentHours(incidents: readonly Incident[], metric: MetricKey, fromHour: number, toHour: number): Uint8Array {
  const hours = new Uint8Array(toHour - fromHour)
  for (const incident of incidents) {
    if (incident.metric !== metric) continue
    for (let hour = Math.max(incident.fromHour, fromHour); hour < Math.min(incident.toHour, toHour); hour++) hours[hour - fromHour] = 1
  }
  return hours
}

/** Latency: a handful of sampled response times stand for the hour's requests. */
const LATENCY_SAMPLES = 8

/**
 * An application's hourly data, a column per metric. It draws from its seeded generator in a
 * fixed order (incidents, levels, then hour by hour each metric in turn), so it is the same every
 * time. Kept lean: the whole sample is some 700,000 buckets.
 */
function generateData(app: SampleApp, fromHour: number, toHour: number): SeriesColumns[] {
  const rand = seededRandom(app.id)
  const metrics = requiredMetrics(app)
  const incidents = incidentsFor(app, metrics, fromHour, toHour, rand)
  const level = new Map(metrics.map((metric) => {
    const [low, high] = LEVELS[metric].healthy
    return [metric, low + rand() * (high - low)] as const
  }))
  const volume = level.get('throughput_drop') ?? 500
  const hours = toHour - fromHour
  const dropHours = incidentHours(incidents, 'throughput_drop', fromHour, toHour)
  const series = metrics.map((metric) => {
    const definition = METRIC_BY_KEY[metric]
    const { kind } = definition
    const columns: SeriesColumns = {
      metric,
      firstHour: fromHour,
      n: new Float64Array(hours),
      total: kind === 'rate' ? new Float64Array(hours) : null,
      sum: kind === 'score' || kind === 'latency' ? new Float64Array(hours) : null,
      sketches: kind === 'latency' ? new Array<Uint8Array>(hours) : null,
    }
    return { columns, definition, healthy: level.get(metric)!, incidentLevel: LEVELS[metric].incident, inIncident: incidentHours(incidents, metric, fromHour, toHour) }
  })
  const samples = new Float64Array(LATENCY_SAMPLES)
  for (let at = 0; at < hours; at++) {
    const hourOfDay = (((fromHour + at) % 24) + 24) % 24
    // Business-hours traffic: a daily swell, never quite idle.
    const diurnal = 0.35 + 0.65 * Math.max(0, Math.sin(((hourOfDay - 6) / 24) * 2 * Math.PI))
    const requests = Math.max(1, Math.round(volume * diurnal * (dropHours[at] === 1 ? LEVELS.throughput_drop.incident : 1) * (0.9 + rand() * 0.2)))
    for (const { columns, definition, healthy, incidentLevel, inIncident } of series) {
      const incident = inIncident[at] === 1
      const { metric, n, total, sum, sketches } = columns
      if (metric === 'throughput_drop') n[at] = requests
      else if (metric === 'availability') {
        const checks = 60
        const rate = incident ? incidentLevel : healthy
        total![at] = checks
        n[at] = Math.min(checks, Math.round((checks * rate) / 100 + (rand() - 0.5) * 0.6))
      } else if (definition.kind === 'rate') {
        // Hour to hour the level wanders; rates that must stay high (task completion) wander less.
        const jitter = definition.breaches === 'above' ? healthy * (0.7 + rand() * 0.6) : healthy + (rand() - 0.5) * 2
        const rate = incident ? incidentLevel : jitter
        total![at] = requests
        n[at] = Math.min(requests, Math.floor((requests * rate) / 100 + rand()))
      } else if (definition.kind === 'score') {
        const mean = incident ? incidentLevel : healthy
        const ratings = Math.max(1, Math.round(requests / 20))
        n[at] = ratings
        sum![at] = ratings * (mean + (rand() - 0.5) * 0.04 * mean)
      } else {
        const p95 = incident ? incidentLevel : healthy
        const weight = Math.max(1, Math.round(requests / LATENCY_SAMPLES))
        for (let s = 0; s < LATENCY_SAMPLES; s++) samples[s] = p95 * (0.35 + 0.7 * rand())
        // Smallest first, so the sketch's run of bins only ever grows at its end.
        samples.sort()
        const bins = emptyBins()
        for (const value of samples) addValue(bins, value, weight)
        sketches![at] = encodeBins(bins)
        n[at] = LATENCY_SAMPLES * weight
        sum![at] = p95 * 0.7 * requests
      }
    }
  }
  return series.map(({ columns }) => columns)
}

/**
 * Where writing the history has got to: the data of application `next` (in the portfolio's
 * order), or the evaluation of the day starting at `next` (ms). The history runs from `startMs`
 * (when the policies were applied) to `nowMs` (when the sample was loaded).
 */
export interface SampleHistoryState {
  phase: 'data' | 'replay' | 'present'
  startMs: number
  nowMs: number
  next: number
}

/** The sample's policies, applied HISTORY_DAYS before `nowMs`; the state to write their history from. */
export async function applySamplePolicies(tx: Tx, ctx: CallContext, nowMs: number): Promise<SampleHistoryState> {
  const startMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HISTORY_DAYS * DAY_MS
  const then = new Date(startMs).toISOString()
  for (const policy of SAMPLE_POLICY_SCOPES) {
    await insertPolicyFromTemplate(tx, then, ctx, { template_id: policy.template_id, auto_apply: policy.auto_apply, scope: { apply_to_all: policy.scope.apply_to_all, tags: [...policy.scope.tags], application_ids: [] } })
  }
  return { phase: 'data', startMs, nowMs, next: 0 }
}

/**
 * Writes the next part of the history until `deadline` (a performance.now() value): hourly data
 * for each application, then each day's evaluation replayed at 23:00 UTC, then one at `nowMs`.
 */
export async function continueSampleHistory(tx: Tx, state: SampleHistoryState, apps: readonly SampleApp[], deadline: number): Promise<SampleHistoryState | 'done'> {
  let { phase, next } = state
  const { startMs, nowMs } = state
  // At least one piece of work per step, however late the step began: every step makes progress.
  do {
    if (phase === 'data') {
      const app = apps[next]
      if (!app) {
        phase = 'replay'
        next = startMs + DAY_MS
        continue
      }
      // Development copies send no data yet: they stay Pending, as real ones often do.
      if (app.environment !== 'development') await writeNewSeries(tx, app.id, generateData(app, hourOf(startMs), hourOf(nowMs) + 1))
      next++
    } else if (phase === 'replay') {
      if (next >= nowMs) {
        phase = 'present'
        continue
      }
      const endOfDay = Math.floor(next / DAY_MS) * DAY_MS + 23 * HOUR_MS
      if (endOfDay < nowMs) await applyEvaluation(tx, new Date(endOfDay).toISOString(), undefined)
      next += DAY_MS
    } else {
      await applyEvaluation(tx, new Date(nowMs).toISOString(), undefined)
      return 'done'
    }
  } while (performance.now() < deadline)
  return { phase, startMs, nowMs, next }
}

/**
 * How far writing the history has got, in pieces of work: each application's data, each day
 * replayed, the evaluation of the present; and what it is doing, in words.
 */
export function sampleHistoryProgress(state: SampleHistoryState, apps: readonly SampleApp[]): { done: number; total: number; activity: string } {
  const { phase, startMs, nowMs, next } = state
  // The days replayed are those whose start (after the first) falls before now.
  const days = Math.max(0, Math.ceil((nowMs - startMs) / DAY_MS) - 1)
  const total = apps.length + days + 1
  if (phase === 'data') {
    const app = apps[Math.min(next, apps.length - 1)]
    return { done: next, total, activity: `Writing ${HISTORY_DAYS} days of hourly monitoring data: ${app?.name ?? 'applications'} (${Math.min(next + 1, apps.length)} of ${apps.length})` }
  }
  if (phase === 'replay') {
    const day = Math.min(days, Math.max(0, Math.round((next - startMs) / DAY_MS) - 1))
    return { done: apps.length + day, total, activity: `Replaying each day’s evaluation for the compliance trend: day ${Math.min(day + 1, days)} of ${days}` }
  }
  return { done: apps.length + days, total, activity: 'Evaluating compliance as of now' }
}
