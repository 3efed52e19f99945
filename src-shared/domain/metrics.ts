/**
 * The metric catalogue: every measurement a rule can refer to, under the stable requirement key
 * used everywhere (API, reports, exceptions). Rates are percentages (2 means 2%); latency is in
 * milliseconds; scores are on their own scale.
 */
import { z } from 'zod'

export const METRIC_KEYS = [
  'latency_p95',
  'error_rate',
  'throughput_drop',
  'availability',
  'pii',
  'sensitive_data',
  'credit_card',
  'gov_id',
  'prompt_injection',
  'toxicity',
  'jailbreak',
  'hallucination',
  'coherence',
  'task_completion',
  'user_satisfaction',
] as const

export const MetricKey = z.enum(METRIC_KEYS, { error: `must be one of the metric keys: ${METRIC_KEYS.join(', ')}` })
export type MetricKey = z.infer<typeof MetricKey>

export type MetricUnit = 'ms' | '%' | 'score'
/** How the data behind a metric is kept: a latency sketch, flagged/total counts, score sums, request counts. */
export type MetricKind = 'latency' | 'rate' | 'score' | 'throughput'

export interface MetricDefinition {
  key: MetricKey
  label: string
  unit: MetricUnit
  kind: MetricKind
  /** The usual direction of a breach: rates breach above, availability and quality below. */
  breaches: 'above' | 'below'
  description: string
  /** Allowed range of a threshold. */
  min: number
  max: number
}

const rate = (key: MetricKey, label: string, description: string, breaches: 'above' | 'below' = 'above'): MetricDefinition => ({
  key,
  label,
  unit: '%',
  kind: 'rate',
  breaches,
  description,
  min: 0,
  max: 100,
})

export const METRICS: readonly MetricDefinition[] = [
  { key: 'latency_p95', label: 'Response latency (p95)', unit: 'ms', kind: 'latency', breaches: 'above', description: '95th percentile response time', min: 0, max: 3_600_000 },
  rate('error_rate', 'Error rate', 'Share of requests that failed'),
  { key: 'throughput_drop', label: 'Throughput drop', unit: '%', kind: 'throughput', breaches: 'above', description: 'Fall in requests, last 7 days against the 7 before', min: 0, max: 100 },
  rate('availability', 'Model availability', 'Share of health checks that succeeded', 'below'),
  rate('pii', 'PII detection rate', 'Share of inferences with personal data detected'),
  rate('sensitive_data', 'Sensitive data detection rate', 'Share of inferences with sensitive data detected'),
  rate('credit_card', 'Credit card / financial data', 'Share of inferences with card or financial data detected'),
  rate('gov_id', 'SSN / government ID detection', 'Share of inferences with government identifiers detected'),
  rate('prompt_injection', 'Prompt injection detection rate', 'Share of prompts flagged as injection attempts'),
  rate('toxicity', 'Toxicity rate', 'Share of inferences flagged as toxic'),
  rate('jailbreak', 'Jailbreak attempt rate', 'Share of prompts flagged as jailbreak attempts'),
  rate('hallucination', 'Hallucination rate', 'Share of responses flagged as hallucinated'),
  { key: 'coherence', label: 'Response coherence score', unit: 'score', kind: 'score', breaches: 'below', description: 'Mean coherence score, 0 to 1', min: 0, max: 1 },
  rate('task_completion', 'Task completion rate', 'Share of tasks completed', 'below'),
  { key: 'user_satisfaction', label: 'User satisfaction score', unit: 'score', kind: 'score', breaches: 'below', description: 'Mean user rating, 1 to 5', min: 0, max: 5 },
]

export const METRIC_BY_KEY: Readonly<Record<MetricKey, MetricDefinition>> = Object.fromEntries(
  METRICS.map((metric) => [metric.key, metric]),
) as Record<MetricKey, MetricDefinition>

/** Each metric's position in the catalogue: a small number to key by where strings would cost. */
export const METRIC_INDEX: ReadonlyMap<MetricKey, number> = new Map(METRIC_KEYS.map((key, index) => [key, index]))

export function formatThreshold(metric: MetricKey, value: number): string {
  const unit = METRIC_BY_KEY[metric].unit
  return unit === 'ms' ? `${value}ms` : unit === '%' ? `${value}%` : String(value)
}

/** A measured value as people read it: rates and drops to two decimals, latency in whole ms. */
export function formatMetricValue(metric: MetricKey, value: number): string {
  const unit = METRIC_BY_KEY[metric].unit
  if (unit === 'ms') return `${Math.round(value)}ms`
  const rounded = Number(value.toFixed(unit === '%' ? 2 : 3))
  return unit === '%' ? `${rounded}%` : String(rounded)
}
