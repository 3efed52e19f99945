/** The rule libraries a policy draws on: metric-based alert rules and human sign-off (attestation) rules. */
import { z } from 'zod'
import { Timestamp } from './common'
import { METRIC_BY_KEY, MetricKey } from './metrics'
import { nameText } from './names'
import { PrincipalRef } from './people'

export const Operator = z.enum(['>', '>=', '<', '<='], { error: 'operator must be one of >, >=, <, <=' })
export type Operator = z.infer<typeof Operator>

export const Severity = z.enum(['critical', 'high', 'medium', 'low'], { error: 'severity must be critical, high, medium or low' })
export type Severity = z.infer<typeof Severity>

/** What a requirement with no data in its window counts as; never silently passing by default. */
export const NoDataPolicy = z.enum(['pending', 'pass', 'fail'])
export type NoDataPolicy = z.infer<typeof NoDataPolicy>

export const AlertRuleId = z.string().regex(/^ar_[A-Za-z0-9_-]+$/, 'must be an alert rule id such as ar_…')
export const AttestationRuleId = z.string().regex(/^atr_[A-Za-z0-9_-]+$/, 'must be an attestation rule id such as atr_…')

/** The fields that define a metric check, shared by library rules and a policy's requirements. */
export const AlertCheck = z.object({
  metric: MetricKey,
  operator: Operator,
  threshold: z.number({ error: 'threshold must be a number' }),
  severity: Severity,
  window_hours: z.number().int().min(1, 'window_hours is at least 1').max(24 * 90, 'window_hours is at most 2160 (90 days)').default(24),
  no_data: NoDataPolicy.default('pending'),
})

/** A threshold outside the metric's own range (a 150% rate, a 7-star score) is a typo, not a rule. */
export function thresholdRangeError(metric: MetricKey, threshold: number): string | undefined {
  const definition = METRIC_BY_KEY[metric]
  if (threshold >= definition.min && threshold <= definition.max) return undefined
  const unit = definition.unit === 'score' ? '' : ` ${definition.unit}`
  return `threshold for ${definition.label} must be between ${definition.min} and ${definition.max}${unit}`
}

export function checkThresholdRange(value: { metric: MetricKey; threshold: number }, ctx: z.RefinementCtx): void {
  const message = thresholdRangeError(value.metric, value.threshold)
  if (message) ctx.addIssue({ code: 'custom', path: ['threshold'], message })
}

const RuleName = nameText(200)

export const AlertRule = z.object({
  id: AlertRuleId,
  name: z.string(),
  metric: MetricKey,
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
  window_hours: z.number().int(),
  no_data: NoDataPolicy,
  recommended: z.boolean(),
  builtin: z.boolean(),
  created_at: Timestamp,
})
export type AlertRule = z.infer<typeof AlertRule>

export const AlertRuleDraft = z
  // id: optional, one the sender chooses (ar_…); generated when absent.
  .strictObject({ id: AlertRuleId.optional(), name: RuleName, ...AlertCheck.shape, recommended: z.boolean().default(false) })
  .superRefine(checkThresholdRange)
export type AlertRuleDraft = z.input<typeof AlertRuleDraft>

export const Frequency = z.enum(['monthly', 'quarterly', 'annually', 'every_n_days'], {
  error: 'frequency must be monthly, quarterly, annually or every_n_days',
})
export type Frequency = z.infer<typeof Frequency>

export const AttestationRule = z.object({
  id: AttestationRuleId,
  name: z.string(),
  frequency: Frequency,
  every_days: z.number().int().nullable(),
  reviewers: z.array(PrincipalRef),
  deadline_days: z.number().int(),
  escalation_path: z.array(PrincipalRef),
  notes_required: z.boolean(),
  blocking: z.enum(['block', 'warn']),
  created_at: Timestamp,
})
export type AttestationRule = z.infer<typeof AttestationRule>

/** A reviewer or escalation contact as a caller names one: unknown fields refused, as everywhere. */
const PrincipalRefInput = z.strictObject(PrincipalRef.shape)

export const AttestationRuleDraft = z
  .strictObject({
    /** Optional: an id the sender chooses (atr_…); generated when absent. */
    id: AttestationRuleId.optional(),
    name: RuleName,
    frequency: Frequency,
    every_days: z.number().int().min(1, 'every_days is at least 1').max(3650).nullable().default(null),
    reviewers: z.array(PrincipalRefInput).min(1, 'reviewers needs at least one user or group').max(100, 'reviewers lists at most 100 users or groups'),
    deadline_days: z.number().int().min(1, 'deadline_days is at least 1').max(365).default(7),
    escalation_path: z.array(PrincipalRefInput).max(100, 'escalation_path lists at most 100 users or groups').default([]),
    notes_required: z.boolean().default(false),
    blocking: z.enum(['block', 'warn']).default('warn'),
  })
  .superRefine((rule, ctx) => {
    if (rule.frequency === 'every_n_days' && rule.every_days === null) {
      ctx.addIssue({ code: 'custom', path: ['every_days'], message: 'every_days is required when frequency is every_n_days' })
    }
  })
export type AttestationRuleDraft = z.input<typeof AttestationRuleDraft>

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1 }

export function directionOf(operator: Operator): 'above' | 'below' {
  return operator === '>' || operator === '>=' ? 'above' : 'below'
}
