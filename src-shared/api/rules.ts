import { z } from 'zod'
import { METRIC_KEYS } from '../domain/metrics'
import { AlertRule, AlertRuleDraft, AttestationRule, AttestationRuleDraft } from '../domain/rules'
import { procedure } from './procedure'

export const MetricInfo = z.object({
  key: z.enum(METRIC_KEYS),
  label: z.string(),
  unit: z.enum(['ms', '%', 'score']),
  kind: z.enum(['latency', 'rate', 'score', 'throughput']),
  breaches: z.enum(['above', 'below']),
  description: z.string(),
  min: z.number(),
  max: z.number(),
})

export const rulesApi = {
  'metrics.list': procedure({
    summary: 'The metric catalogue rules refer to, with units and the requirement keys used everywhere.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ metrics: z.array(MetricInfo) }),
    rest: { method: 'GET', path: '/organization/metrics' },
  }),
  'alertRules.list': procedure({
    summary: 'The library of alert rules policies are built from; recommended ones are flagged.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ alert_rules: z.array(AlertRule) }),
    rest: { method: 'GET', path: '/organization/alert-rules' },
  }),
  'alertRules.create': procedure({
    summary: 'Add an alert rule to the library.',
    access: 'manage',
    input: AlertRuleDraft,
    output: AlertRule,
    rest: { method: 'POST', path: '/organization/alert-rules', status: 201 },
  }),
  'attestationRules.list': procedure({
    summary: 'The library of attestation (sign-off) rules.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ attestation_rules: z.array(AttestationRule) }),
    rest: { method: 'GET', path: '/organization/attestation-rules' },
  }),
  'attestationRules.create': procedure({
    summary: 'Add an attestation rule to the library.',
    access: 'manage',
    input: AttestationRuleDraft,
    output: AttestationRule,
    rest: { method: 'POST', path: '/organization/attestation-rules', status: 201 },
  }),
}
