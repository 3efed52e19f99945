/**
 * Monitoring data as applications send it. Every observation lands in the hourly bucket of its
 * timestamp and merges exactly with what is already there: rates as flagged count and total,
 * scores as sum and count, latency as a quantile sketch, requests as a count.
 */
import { z } from 'zod'
import { ApplicationId } from './application'
import { Timestamp } from './common'
import { METRIC_BY_KEY, METRIC_KEYS, type MetricKey } from './metrics'

/** `requests` is the request count behind throughput_drop; either name is accepted. */
export const OBSERVED_METRICS = [...METRIC_KEYS, 'requests'] as const
export const ObservedMetric = z.enum(OBSERVED_METRICS, { error: `metric must be one of: ${OBSERVED_METRICS.join(', ')}` })
export type ObservedMetric = z.infer<typeof ObservedMetric>

/** The metric whose bucket an observation feeds. */
export function bucketMetric(metric: ObservedMetric): MetricKey {
  return metric === 'requests' ? 'throughput_drop' : metric
}

const Count = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'cannot be negative')

export const Observation = z
  .strictObject({
    metric: ObservedMetric,
    timestamp: Timestamp,
    count: Count.optional(),
    total: Count.optional(),
    sum: z.number({ error: 'must be a number' }).finite().optional(),
    values: z.array(z.number({ error: 'must be a number' }).finite().min(0, 'cannot be negative')).min(1, 'needs at least one value').max(100_000).optional(),
    /** Optional idempotency key: an observation whose id was seen before is skipped. */
    id: z.string().min(1).max(200).optional(),
  })
  .superRefine((o, ctx) => {
    const kind = METRIC_BY_KEY[bucketMetric(o.metric)].kind
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    const extra = (allowed: string[]) => {
      for (const field of ['count', 'total', 'sum', 'values'] as const) {
        if (o[field] !== undefined && !allowed.includes(field)) issue(field, `${field} does not apply to ${o.metric}; send ${allowed.join(' and ')}`)
      }
    }
    if (kind === 'rate') {
      extra(['count', 'total'])
      if (o.count === undefined) issue('count', `count is required for ${o.metric} (how many were flagged, or checks that succeeded)`)
      if (o.total === undefined) issue('total', `total is required for ${o.metric} (how many were checked)`)
      else if (o.count !== undefined && o.count > o.total) issue('count', `count (${o.count}) cannot exceed total (${o.total})`)
    } else if (kind === 'throughput') {
      extra(['count'])
      if (o.count === undefined) issue('count', `count is required for ${o.metric} (requests in the period)`)
    } else {
      // Scores and latency: raw values, or a pre-aggregated sum and count.
      extra(['values', 'sum', 'count'])
      if (o.values !== undefined && (o.sum !== undefined || o.count !== undefined)) issue('values', 'send either values, or sum and count, not both')
      else if (o.values === undefined) {
        if (o.sum === undefined) issue('sum', `send values, or sum and count, for ${o.metric}`)
        if (o.count === undefined) issue('count', `send values, or sum and count, for ${o.metric}`)
        else if (o.count === 0) issue('count', 'count must be at least 1')
      }
    }
  })
export type Observation = z.infer<typeof Observation>

export const BatchId = z.string().trim().min(1, 'batch_id cannot be empty').max(200, 'batch_id is at most 200 characters')

export const IngestRequest = z.strictObject({
  id: ApplicationId,
  observations: z.array(Observation).min(1, 'observations needs at least one observation').max(100_000, 'send at most 100,000 observations per request'),
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
