/**
 * Report data built by hand, for the renderers' tests and the report benchmark: a small report
 * with every kind of fact in it, and a large synthetic one of the size the targets speak of.
 */
import type { Attestation, AttestationException } from '../../src-shared/domain/attestations'
import type { Gap, PolicyStatus, RequirementResult, StatusCounts, TrendPoint } from '../../src-shared/domain/compliance'
import type { MetricKey } from '../../src-shared/domain/metrics'
import type { Requirement } from '../../src-shared/domain/policy'
import type { InventoryRule, ReportApplication, ReportData, ReportPolicy } from '../../src-shared/domain/reports'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const zeroCounts = (): StatusCounts => ({ compliant: 0, warning: 0, non_compliant: 0, attestation_overdue: 0, pending: 0 })

function requirement(metric: MetricKey, name: string, operator: Requirement['operator'], threshold: number, severity: Requirement['severity']): Requirement {
  return { requirement: metric, name, metric, operator, threshold, severity, window_hours: 24, no_data: 'pending', alert_rule_id: null }
}

function policy(id: string, name: string, version: number, createdAt: string, rules: Requirement[], attestation = false): ReportPolicy {
  return {
    id,
    name,
    version,
    version_created_at: createdAt,
    definition: {
      name,
      description: `${name}: what every covered application must watch.`,
      owner_group_id: null,
      enforcement_delay_days: 0,
      notification_webhook: null,
      alert_rules: rules,
      attestation_rules: attestation
        ? [{ id: 'atr_quarterly', name: 'Quarterly sign-off', frequency: 'quarterly', every_days: null, reviewers: [{ type: 'user', id: 'usr_cara' }], deadline_days: 14, escalation_path: [], notes_required: true, blocking: 'warn', created_at: createdAt }]
        : [],
      scope: { apply_to_all: true, tags: [], application_ids: [] },
      auto_apply: true,
      auto_restore: false,
      status: 'published',
      archived: false,
    },
  }
}

function result(rule: Requirement, value: number | null, outcome: RequirementResult['outcome'], at: string, exception: RequirementResult['exception'] = null): RequirementResult {
  return {
    requirement: rule.metric,
    name: rule.name,
    operator: rule.operator,
    threshold: rule.threshold,
    severity: rule.severity,
    outcome,
    no_data: 'pending',
    value,
    volume: 1000,
    window_start: iso(Date.parse(at) - DAY),
    window_end: at,
    reason: outcome === 'breach' ? `${rule.name} was ${value} against ${rule.threshold}` : `${rule.name} within its limit`,
    exception,
  }
}

function policyStatus(app: { id: string; name: string }, p: ReportPolicy, status: PolicyStatus['status'], requirements: RequirementResult[], at: string): PolicyStatus {
  return {
    application_id: app.id,
    application_name: app.name,
    policy_id: p.id,
    policy_name: p.name,
    policy_version: p.version,
    status,
    enforcement_starts_at: p.version_created_at,
    in_grace_period: false,
    evaluated_at: at,
    requirements,
    attestation: null,
  }
}

function inventory(app: { id: string; name: string }, policies: readonly ReportPolicy[]): InventoryRule[] {
  const rules = new Map<string, InventoryRule>()
  for (const p of policies) {
    for (const rule of p.definition.alert_rules) {
      const existing = rules.get(rule.metric)
      const source = { policy_id: p.id, policy_name: p.name, policy_version: p.version }
      if (existing) existing.sources.push(source)
      else rules.set(rule.metric, { application_id: app.id, application_name: app.name, requirement: rule.metric, name: rule.name, operator: rule.operator, threshold: rule.threshold, severity: rule.severity, window_hours: rule.window_hours, sources: [source] })
    }
  }
  return [...rules.values()]
}

function trend(start: number, days: number, pairs: number): TrendPoint[] {
  return Array.from({ length: days }, (_, day) => {
    const failing = (day * 7) % Math.max(1, Math.floor(pairs / 5))
    return { at: iso(start + (day + 1) * DAY - 1), counts: { ...zeroCounts(), compliant: pairs - failing, non_compliant: failing } }
  })
}

export const SAMPLE_AS_OF = '2026-03-31T12:00:00.000Z'
export const FORMULA_NAME = '=HYPERLINK("http://x","click")'

/** Three applications under two policies: one Non-Compliant, one with an exception, one named like a formula. */
export function sampleReportData(): ReportData {
  const asOf = Date.parse(SAMPLE_AS_OF)
  const start = asOf - 30 * DAY
  const published = '2026-01-05T09:00:00.000Z'
  const pii = requirement('pii', 'PII detection rate', '>', 1, 'critical')
  const errors = requirement('error_rate', 'Error rate', '>', 5, 'high')
  const latency = requirement('latency_p95', 'Response latency (p95)', '>', 2000, 'medium')
  const sensitive = policy('pol_sensitive', 'Sensitive Data', 2, published, [pii, errors], true)
  const health = policy('pol_health', 'System Health', 1, '2025-12-01T08:00:00.000Z', [errors, latency])
  const claims = { id: 'app_claims', name: 'Claims Assistant' }
  const fraud = { id: 'app_fraud', name: 'Fraud Scorer' }
  const formula = { id: 'app_formula', name: FORMULA_NAME }
  const exception: AttestationException = {
    id: 'exc_1', attestation_id: 'att_q1', policy_id: 'pol_sensitive', application_id: fraud.id, application_name: fraud.name, requirement: 'pii',
    justification: 'Accepted risk — JIRA-1234, approved by CISO', expiry_date: '2026-06-30', expires_at: '2026-06-30T00:00:00.000Z',
    granted_at: '2026-03-02T10:15:00.000Z', granted_by: { id: 'usr_cara', name: 'Cara Reviewer' }, state: 'active',
  }
  const evaluated = iso(asOf - 60_000)
  const applications: ReportApplication[] = [
    {
      ...claims, team: 'Claims', environment: 'production', tags: ['customer-facing'], status: 'non_compliant',
      policies: [
        policyStatus(claims, health, 'compliant', [result(errors, 0.5, 'pass', evaluated), result(latency, 850, 'pass', evaluated)], evaluated),
        policyStatus(claims, sensitive, 'non_compliant', [result(pii, 3.25, 'breach', evaluated), result(errors, 0.5, 'pass', evaluated)], evaluated),
      ],
    },
    {
      ...fraud, team: 'Risk', environment: 'production', tags: [], status: 'compliant',
      policies: [
        policyStatus(fraud, health, 'compliant', [result(errors, 1, 'pass', evaluated), result(latency, 400, 'pass', evaluated)], evaluated),
        policyStatus(fraud, sensitive, 'compliant', [
          result(pii, 2.5, 'excepted', evaluated, { id: exception.id, attestation_id: 'att_q1', justification: exception.justification, expiry_date: exception.expiry_date, expires_at: exception.expires_at, granted_by: 'Cara Reviewer' }),
          result(errors, 1, 'pass', evaluated),
        ], evaluated),
      ],
    },
    { ...formula, team: null, environment: 'development', tags: ['lab'], status: 'pending', policies: [policyStatus(formula, health, 'pending', [result(errors, null, 'no_data', evaluated), result(latency, null, 'no_data', evaluated)], evaluated)] },
  ]
  const gaps: Gap[] = [
    { id: 11, application_id: claims.id, application_name: claims.name, policy_id: sensitive.id, policy_name: sensitive.name, requirement: 'pii', kind: 'breach', severity: 'critical', value: 3.25, threshold: 1, reason: 'PII detection rate was 3.25% over 24 hours, above the 1% threshold (critical) of Sensitive Data v2', opened_at: '2026-03-29T07:00:00.000Z', resolved_at: null, grace_until: null },
    { id: 7, application_id: fraud.id, application_name: fraud.name, policy_id: health.id, policy_name: health.name, requirement: 'latency_p95', kind: 'breach', severity: 'medium', value: 2600, threshold: 2000, reason: 'Response latency (p95) was 2600ms over 24 hours, above the 2000ms threshold (medium) of System Health v1', opened_at: '2026-03-10T04:00:00.000Z', resolved_at: '2026-03-11T16:30:00.000Z', grace_until: null },
  ]
  const attestation: Attestation = {
    id: 'att_q1', policy_id: sensitive.id, policy_name: sensitive.name, policy_version: 2, status: 'compliant_with_exceptions',
    notes: 'All requirements passing. PII exception for Fraud Scorer tracked in JIRA-1234.', attested_at: '2026-03-02T10:15:00.000Z',
    reviewer: { id: 'usr_cara', name: 'Cara Reviewer' }, request_id: null, request: null, closed_request_ids: [], period_start: '2026-01-05T09:00:00.000Z', exceptions: [exception],
  }
  return {
    format: 'governance-console-report/1',
    scope: { kind: 'organization', policy_id: null, policy_name: null, application_id: null, application_name: null },
    as_of: SAMPLE_AS_OF,
    period_start: iso(start),
    summary: {
      application_counts: { ...zeroCounts(), compliant: 1, non_compliant: 1, pending: 1 },
      not_covered: 0,
      policies: [
        { id: health.id, name: health.name, version: 1, counts: { ...zeroCounts(), compliant: 2, pending: 1 }, total: 3 },
        { id: sensitive.id, name: sensitive.name, version: 2, counts: { ...zeroCounts(), compliant: 1, non_compliant: 1 }, total: 2 },
      ],
      open_gaps: 1,
      resolved_gaps: 1,
      attestations: 1,
      active_exceptions: 1,
      trend: trend(start, 30, 5),
    },
    policies: [sensitive, health],
    applications,
    gaps: [gaps[1]!, gaps[0]!],
    attestations: [attestation],
    exceptions: [exception],
    rule_inventory: [...inventory(claims, [health, sensitive]), ...inventory(fraud, [health, sensitive]), ...inventory(formula, [health])],
  }
}

const BENCH_POLICIES: Array<{ id: string; name: string; rules: Requirement[] }> = [
  { id: 'pol_health', name: 'System Health', rules: [requirement('latency_p95', 'Response latency (p95)', '>', 2000, 'medium'), requirement('error_rate', 'Error rate', '>', 5, 'high'), requirement('availability', 'Model availability', '<', 99, 'critical'), requirement('throughput_drop', 'Throughput drop', '>', 50, 'medium')] },
  { id: 'pol_sensitive', name: 'Sensitive Data', rules: [requirement('pii', 'PII detection rate', '>', 1, 'critical'), requirement('sensitive_data', 'Sensitive data detection rate', '>', 1, 'high'), requirement('credit_card', 'Credit card / financial data', '>', 0.5, 'critical'), requirement('gov_id', 'SSN / government ID detection', '>', 0.5, 'critical')] },
  { id: 'pol_hardened', name: 'Hardened External', rules: [requirement('prompt_injection', 'Prompt injection detection rate', '>', 2, 'high'), requirement('jailbreak', 'Jailbreak attempt rate', '>', 1, 'high'), requirement('toxicity', 'Toxicity rate', '>', 1, 'high'), requirement('pii', 'PII detection rate', '>', 0.5, 'critical')] },
  { id: 'pol_performance', name: 'Performance Monitored', rules: [requirement('latency_p95', 'Response latency (p95)', '>', 1500, 'high'), requirement('error_rate', 'Error rate', '>', 2, 'high'), requirement('hallucination', 'Hallucination rate', '>', 5, 'medium'), requirement('task_completion', 'Task completion rate', '<', 90, 'medium')] },
]

/** `applications` applications under four policies of four requirements each, with about three gaps per application. */
export function syntheticReportData(applications: number): ReportData {
  const asOf = Date.parse(SAMPLE_AS_OF)
  const start = asOf - 90 * DAY
  const at = iso(asOf - 60_000)
  const policies = BENCH_POLICIES.map((p) => policy(p.id, p.name, 3, iso(start), p.rules, true))
  const apps: ReportApplication[] = []
  const gaps: Gap[] = []
  const counts = policies.map(() => zeroCounts())
  const appCounts = zeroCounts()
  for (let i = 0; i < applications; i++) {
    const app = { id: `app_${String(i).padStart(5, '0')}`, name: `Application ${i} (${['Claims', 'Risk', 'Support', 'Search'][i % 4]})` }
    const statuses = policies.map((p, index) => {
      const failing = (i + index) % 7 === 0
      counts[index]![failing ? 'non_compliant' : 'compliant']++
      return policyStatus(app, p, failing ? 'non_compliant' : 'compliant', p.definition.alert_rules.map((rule, r) => result(rule, failing && r === 0 ? rule.threshold * 2 : rule.operator === '<' ? rule.threshold + 0.5 : rule.threshold / 2, failing && r === 0 ? 'breach' : 'pass', at)), at)
    })
    const worst = statuses.some((s) => s.status === 'non_compliant') ? 'non_compliant' : 'compliant'
    appCounts[worst]++
    apps.push({ ...app, team: ['Claims', 'Risk', 'Support', 'Search'][i % 4]!, environment: 'production', tags: ['bench'], status: worst, policies: statuses })
    for (let g = 0; g < 3; g++) {
      const p = policies[(i + g) % 4]!
      const rule = p.definition.alert_rules[g]!
      const opened = start + ((i * 13 + g * 29) % 80) * DAY
      gaps.push({
        id: gaps.length + 1, application_id: app.id, application_name: app.name, policy_id: p.id, policy_name: p.name, requirement: rule.metric, kind: 'breach', severity: rule.severity,
        value: rule.threshold * 2, threshold: rule.threshold, reason: `${rule.name} was ${rule.threshold * 2} over 24 hours, beyond the ${rule.threshold} threshold (${rule.severity}) of ${p.name} v3`,
        opened_at: iso(opened), resolved_at: g === 0 && (i + g) % 7 === 0 ? null : iso(opened + 6 * 3_600_000), grace_until: null,
      })
    }
  }
  gaps.sort((a, b) => a.opened_at.localeCompare(b.opened_at) || a.id - b.id)
  const open = gaps.filter((g) => g.resolved_at === null).length
  return {
    format: 'governance-console-report/1',
    scope: { kind: 'organization', policy_id: null, policy_name: null, application_id: null, application_name: null },
    as_of: SAMPLE_AS_OF,
    period_start: iso(start),
    summary: {
      application_counts: appCounts,
      not_covered: 0,
      policies: policies.map((p, index) => ({ id: p.id, name: p.name, version: p.version, counts: counts[index]!, total: applications })),
      open_gaps: open,
      resolved_gaps: gaps.length - open,
      attestations: 0,
      active_exceptions: 0,
      trend: trend(start, 90, applications * policies.length),
    },
    policies,
    applications: apps,
    gaps,
    attestations: [],
    exceptions: [],
    rule_inventory: apps.flatMap((app) => inventory(app, policies)),
  }
}
