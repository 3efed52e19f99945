/**
 * Monitoring data as applications send it. Every observation lands in the hourly bucket of its
 * timestamp and merges exactly with what is already there: rates as flagged count and total,
 * scores as sum and count, latency as a quantile sketch, requests as a count.
 */
import { z } from 'zod'
import { ApplicationId } from './application'
import { Timestamp } from './common'
import { LARGEST_VALUE, valueTooLarge, type ValuedMetric } from './data-limits'
import { METRIC_BY_KEY, METRIC_KEYS, type MetricKey } from './metrics'
import { isWellFormedObservation } from './well-formed-observation'

/** `requests` is the request count behind throughput_drop; either name is accepted. */
export const OBSERVED_METRICS = [...METRIC_KEYS, 'requests'] as const
export const ObservedMetric = z.enum(OBSERVED_METRICS, { error: `metric must be one of: ${OBSERVED_METRICS.join(', ')}` })
export type ObservedMetric = z.infer<typeof ObservedMetric>

/** The metric whose bucket an observation feeds. */
export function bucketMetric(metric: ObservedMetric): MetricKey {
  return metric === 'requests' ? 'throughput_drop' : metric
}

/**
 * Counts must be whole numbers JavaScript holds exactly: from 2^53 on they would be stored
 * rounded. The message says which limit was crossed.
 */
function wholeNumber(tooSmall: string) {
  return {
    error: (issue: { code: string }) =>
      issue.code === 'too_big' ? `must be at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1)` : issue.code === 'too_small' ? tooSmall : 'must be a whole number',
  }
}

/** A required count, with a message that says what it is for when it is missing. */
function count(what: string) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${what} is required` : 'must be a number') })
    .int(wholeNumber('cannot be negative'))
    .min(0, 'cannot be negative')
}

const metricsOfKind = (kind: string) => METRIC_KEYS.filter((key) => METRIC_BY_KEY[key].kind === kind)
/** Optional idempotency key: an observation whose id was seen before is skipped. */
const ObservationKey = z.string().min(1).max(200)
const common = { timestamp: Timestamp, id: ObservationKey.optional() }

/**
 * Values, or a sum and count, within the metric's range; a sum and count stand for their mean, so
 * it is the mean that must be in range.
 */
function valuedObservation(metric: ValuedMetric) {
  const { max } = LARGEST_VALUE[metric]
  const value = z.number({ error: 'must be a number' }).min(0, 'cannot be negative').max(max, valueTooLarge(metric))
  return z
    .strictObject({
      // Typed as any metric key so observations built from a MetricKey still type-check; it accepts only this one.
      metric: z.literal<MetricKey>(metric),
      ...common,
      values: z.array(value).min(1, 'needs at least one value').max(100_000).optional(),
      sum: z.number({ error: 'must be a number' }).min(0, 'cannot be negative').optional(),
      count: z.number({ error: 'must be a number' }).int(wholeNumber('count must be at least 1')).min(1, 'count must be at least 1').optional(),
    })
    .superRefine((observation, ctx) => {
      const { sum, count: howMany } = observation
      if (sum !== undefined && howMany !== undefined && sum / howMany > max) {
        ctx.addIssue({ code: 'custom', path: ['sum'], message: `the mean (sum / count = ${sum / howMany}) ${valueTooLarge(metric)}` })
      }
    })
}

/**
 * One observation, shaped by what its metric measures. Rates (and availability, as successful
 * checks) take count and total; scores and latency take values, or sum and count; requests take
 * count. Unknown fields are refused, so a total sent for a score is reported, not dropped.
 */
export const Observation = z.discriminatedUnion(
  'metric',
  [
    z.strictObject({ metric: z.enum(metricsOfKind('rate') as [MetricKey, ...MetricKey[]]), ...common, count: count('count (how many were flagged, or checks that succeeded)'), total: count('total (how many were checked)') }),
    z.strictObject({ metric: z.enum(['requests', 'throughput_drop']), ...common, count: count('count (requests in the period)') }),
    valuedObservation('latency_p95'),
    valuedObservation('coherence'),
    valuedObservation('user_satisfaction'),
  ],
  { error: `metric must be one of: ${OBSERVED_METRICS.join(', ')}` },
)
export type Observation = z.infer<typeof Observation>

/** Any observation, seen field by field. */
export interface ObservationFields {
  metric: ObservedMetric
  timestamp: string
  id?: string
  count?: number
  total?: number
  sum?: number
  values?: number[]
}

export const BatchId = z.string().trim().min(1, 'batch_id cannot be empty').max(200, 'batch_id is at most 200 characters')

/**
 * A request's observations, each held to the Observation schema. Exporters send thousands at a
 * time, and zod's general machinery costs more per observation than storing it does, so the
 * common well-formed shapes are recognised by a quick test and kept as sent; every other
 * observation is parsed by the schema, which also words every error.
 */
const ObservationList = z
  .array(z.unknown())
  .min(1, 'observations needs at least one observation')
  .max(100_000, 'send at most 100,000 observations per request')
  .transform((items, ctx) => {
    let lastTimestamp = ''
    const validTimestamp = (timestamp: string) => {
      if (timestamp === lastTimestamp) return true
      if (!Timestamp.safeParse(timestamp).success) return false
      lastTimestamp = timestamp
      return true
    }
    const observations = new Array<Observation>(items.length)
    for (let index = 0; index < items.length; index++) {
      const item = items[index]
      if (isWellFormedObservation(item, validTimestamp)) {
        observations[index] = item as Observation
        continue
      }
      const parsed = Observation.safeParse(item)
      if (parsed.success) observations[index] = parsed.data
      // The schema's own issues, as they are, placed under this observation's index.
      else for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, path: [index, ...issue.path] } as (typeof ctx.issues)[number])
    }
    return observations
  }) as unknown as z.ZodType<Observation[], z.input<typeof Observation>[]>

export const IngestRequest = z.strictObject({
  id: ApplicationId,
  observations: ObservationList,
  /** Optional idempotency key for the whole batch: re-sending it changes nothing. */
  batch_id: BatchId.optional(),
})
export type IngestRequest = z.input<typeof IngestRequest>

export const IngestResult = z.object({
  application_id: ApplicationId,
  batch_id: z.string().nullable(),
  /** True when this batch id was received before; nothing was written this time. */
  duplicate_batch: z.boolean(),
  accepted: z.number().int(),
  /** Observations skipped because their id was seen before. */
  duplicates: z.number().int(),
  buckets: z.number().int(),
})
export type IngestResult = z.infer<typeof IngestResult>

export const InferenceFormat = z.enum(['jsonl', 'csv'], { error: 'format must be jsonl or csv' })
export type InferenceFormat = z.infer<typeof InferenceFormat>

/** The columns a per-inference event may carry, besides timestamp. */
export const INFERENCE_FIELDS = {
  latency_ms: 'latency_p95',
  error: 'error_rate',
  pii: 'pii',
  sensitive_data: 'sensitive_data',
  credit_card: 'credit_card',
  gov_id: 'gov_id',
  prompt_injection: 'prompt_injection',
  toxicity: 'toxicity',
  jailbreak: 'jailbreak',
  hallucination: 'hallucination',
  task_completion: 'task_completion',
  task_completed: 'task_completion',
  coherence: 'coherence',
  user_satisfaction: 'user_satisfaction',
} as const satisfies Record<string, MetricKey>

export const InferenceImportResult = z.object({
  application_id: ApplicationId,
  batch_id: z.string(),
  duplicate_batch: z.boolean(),
  events: z.number().int(),
  buckets: z.number().int(),
  first_timestamp: Timestamp.nullable(),
  last_timestamp: Timestamp.nullable(),
  /** Columns the file carried that the console does not use. */
  ignored_fields: z.array(z.string()),
})
export type InferenceImportResult = z.infer<typeof InferenceImportResult>

/** One hour of one metric, as the console charts it. */
export const MetricPoint = z.object({
  hour: Timestamp,
  value: z.number().nullable(),
  /** Requests, checks or values behind the value. */
  volume: z.number(),
})
export type MetricPoint = z.infer<typeof MetricPoint>
