/**
 * Compliance: what the console concludes from an application's data under each policy that
 * covers it. Statuses, requirement results, gaps and the organisation-wide views built on them.
 */
import { z } from 'zod'
import { ApplicationId } from './application'
import { Timestamp } from './common'
import { METRIC_BY_KEY, MetricKey } from './metrics'
import { PolicyId, ScopePreviewEntry } from './policy'
import { Operator, Severity } from './rules'

/** The reference's five statuses, as API values. */
export const COMPLIANCE_STATUSES = ['compliant', 'warning', 'non_compliant', 'attestation_overdue', 'pending'] as const
export const ComplianceStatus = z.enum(COMPLIANCE_STATUSES, { error: `status must be one of: ${COMPLIANCE_STATUSES.join(', ')}` })
export type ComplianceStatus = z.infer<typeof ComplianceStatus>

export const STATUS_LABELS: Readonly<Record<ComplianceStatus, string>> = {
  compliant: 'Compliant',
  warning: 'Warning',
  non_compliant: 'Non-Compliant',
  attestation_overdue: 'Attestation Overdue',
  pending: 'Pending',
}

/**
 * How one requirement fared: passing, breached, without data (pending), its rule deleted, or
 * excepted (failing or without data, but covered by an attestation's exception until it expires).
 */
export const RequirementOutcome = z.enum(['pass', 'breach', 'no_data', 'missing_rule', 'excepted'])
export type RequirementOutcome = z.infer<typeof RequirementOutcome>

export const RequirementResult = z.object({
  requirement: MetricKey,
  name: z.string(),
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
  outcome: RequirementOutcome,
  /** What no data counts as for this requirement; `pending` unless the rule says otherwise. */
  no_data: z.enum(['pending', 'pass', 'fail']),
  /** In the metric's unit: percent for rates, ms for latency, the score itself for scores. */
  value: z.number().nullable(),
  /** Requests, checks or values the value rests on. */
  volume: z.number(),
  window_start: Timestamp,
  window_end: Timestamp,
  /** The failure or state in words: value, window, threshold, policy and version. */
  reason: z.string(),
  /** The exception that holds for it now, if any: a failing requirement under one counts as passing. */
  exception: z
    .object({ id: z.string(), attestation_id: z.string(), justification: z.string(), expiry_date: z.string(), expires_at: Timestamp, granted_by: z.string() })
    .nullable()
    .default(null),
})
export type RequirementResult = z.infer<typeof RequirementResult>

/** One application under one policy. */
export const PolicyStatus = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  policy_id: PolicyId,
  policy_name: z.string(),
  policy_version: z.number().int(),
  status: ComplianceStatus,
  /** Until when a breach is tolerated: the policy's enforcement delay after it was applied. */
  enforcement_starts_at: Timestamp,
  in_grace_period: z.boolean(),
  /** When the console last evaluated this; null while the first evaluation is still to run. */
  evaluated_at: Timestamp.nullable(),
  requirements: z.array(RequirementResult),
  /** Where the policy's human sign-off stands for this application; null when it asks for none. */
  attestation: z
    .object({
      /** The deadline that passed without sign-off, if one has. */
      overdue_since: Timestamp.nullable(),
      /** The latest attestation said Non-Compliant: an `attestation` gap until a later compliant one. */
      attested_non_compliant: z.object({ attestation_id: z.string(), attested_at: Timestamp, reviewer: z.string(), notes: z.string().nullable() }).nullable(),
    })
    .nullable()
    .default(null),
})
export type PolicyStatus = z.infer<typeof PolicyStatus>

export const ApplicationCompliance = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  team: z.string().nullable(),
  environment: z.string().nullable(),
  tags: z.array(z.string()),
  /** The worst status over every policy covering it; null when no policy covers it. */
  status: ComplianceStatus.nullable(),
  as_of: Timestamp,
  policies: z.array(PolicyStatus),
})
export type ApplicationCompliance = z.infer<typeof ApplicationCompliance>

/** The reference's GET /organization/policies/compliance, field for field. */
/** What a gap is about: a metric requirement, or `attestation` (a reviewer's sign-off missed or Non-Compliant). */
export const GapRequirement = z.union([MetricKey, z.literal('attestation')])
export type GapRequirement = z.infer<typeof GapRequirement>

/** How a gap's requirement reads to a person: the metric's label, or "Attestation" for a sign-off. */
export function gapRequirementLabel(requirement: GapRequirement): string {
  return requirement === 'attestation' ? 'Attestation' : METRIC_BY_KEY[requirement].label
}

export const ReferenceFailure = z.object({
  requirement: GapRequirement,
  reason: z.string(),
  value: z.number().nullable(),
  threshold: z.number(),
  severity: Severity,
})
export type ReferenceFailure = z.infer<typeof ReferenceFailure>
export const ReferenceGap = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  status: ComplianceStatus,
  failing_requirements: z.array(GapRequirement),
  failures: z.array(ReferenceFailure),
})
export const ReferencePolicyCompliance = z.object({
  id: PolicyId,
  name: z.string(),
  compliant_count: z.number().int(),
  total_count: z.number().int(),
  gap_count: z.number().int(),
  gaps: z.array(ReferenceGap),
})
export const OrganizationCompliance = z.object({
  policies: z.array(ReferencePolicyCompliance),
  /** Only when a page was asked for (`limit`): where the next page starts, or null after the last. */
  next_cursor: z.string().nullable().optional(),
})
export type OrganizationCompliance = z.infer<typeof OrganizationCompliance>

export const StatusCounts = z.object(Object.fromEntries(COMPLIANCE_STATUSES.map((status) => [status, z.number().int()])) as Record<ComplianceStatus, z.ZodNumber>)
export type StatusCounts = z.infer<typeof StatusCounts>

/** The Governance Dashboard in one answer. */
export const ComplianceOverview = z.object({
  as_of: Timestamp,
  /** The oldest "last evaluated at" among the statuses shown; null if something awaits its first evaluation. */
  evaluated_at: Timestamp.nullable(),
  /** Each application's worst status across its policies. */
  application_counts: StatusCounts,
  policies: z.array(
    z.object({
      id: PolicyId,
      name: z.string(),
      version: z.number().int(),
      counts: StatusCounts,
      total: z.number().int(),
    }),
  ),
  applications: z.array(ApplicationCompliance.omit({ policies: true, as_of: true }).extend({ policy_statuses: z.array(z.object({ policy_id: PolicyId, status: ComplianceStatus, in_grace_period: z.boolean() })) })),
})
export type ComplianceOverview = z.infer<typeof ComplianceOverview>

export const TrendPoint = z.object({
  at: Timestamp,
  /** Application × policy pairs in each status at that moment. */
  counts: StatusCounts,
})
export type TrendPoint = z.infer<typeof TrendPoint>

/** A threshold breached, a required rule deleted, or a reviewer's attestation of Non-Compliance. */
export const GapKind = z.enum(['breach', 'missing_rule', 'attestation'])

export const Gap = z.object({
  id: z.number().int(),
  application_id: ApplicationId,
  application_name: z.string(),
  policy_id: PolicyId,
  policy_name: z.string(),
  requirement: GapRequirement,
  kind: GapKind,
  severity: Severity,
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  reason: z.string(),
  opened_at: Timestamp,
  resolved_at: Timestamp.nullable(),
  /** Set while the policy's enforcement delay still runs: no alerts fire before then. */
  grace_until: Timestamp.nullable(),
})
export type Gap = z.infer<typeof Gap>

/**
 * What a policy change would do to one application, worked out on current data and written
 * nowhere: the change is rehearsed and the application evaluated as the console evaluates it once
 * the change commits, so "after" is the status it will really have, Pending included.
 */
export const ImpactEntry = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  coverage: z.enum(['added', 'kept', 'removed', 'unchanged']),
  rules_added: z.array(z.object({ requirement: MetricKey, operator: Operator, threshold: z.number(), severity: Severity })),
  rules_changed: z.array(
    z.object({
      requirement: MetricKey,
      before: z.object({ operator: Operator, threshold: z.number(), severity: Severity }),
      after: z.object({ operator: Operator, threshold: z.number(), severity: Severity }),
    }),
  ),
  rules_removed: z.array(z.object({ requirement: MetricKey, operator: Operator, threshold: z.number(), severity: Severity })),
  /**
   * The application's status as the dashboard shows it (the worst under every policy covering it),
   * now and once the change is applied; null when no policy covers it.
   */
  status_before: ComplianceStatus.nullable(),
  status_after: ComplianceStatus.nullable(),
  /** Its status under the changed policy alone, now and after; null where that policy does not cover it. */
  policy_status_before: ComplianceStatus.nullable(),
  policy_status_after: ComplianceStatus.nullable(),
  /** After the change, the policy's enforcement delay still runs for it: breaches show, no alert fires yet. */
  in_grace_period: z.boolean(),
  /** The changed policy's requirements it would fail (breached, or their rule deleted). */
  failing_after: z.array(MetricKey),
})
export type ImpactEntry = z.infer<typeof ImpactEntry>

/** Applications moving from one status to another: "10 Compliant → Pending". Null is "not covered". */
export const StatusChange = z.object({
  from: ComplianceStatus.nullable(),
  to: ComplianceStatus.nullable(),
  applications: z.number().int(),
})
export type StatusChange = z.infer<typeof StatusChange>

export const ImpactSummary = z.object({
  applications_affected: z.number().int(),
  rules_added: z.number().int(),
  rules_changed: z.number().int(),
  rules_removed: z.number().int(),
  /** Applications whose status becomes Non-Compliant or Warning from anything else. */
  newly_failing: z.number().int(),
  /** Applications whose status, as the dashboard shows it, changes at all. */
  statuses_changing: z.number().int(),
  /** Those changes grouped by before and after, the largest group first. */
  status_changes: z.array(StatusChange),
  /** The affected applications by the status they will have; `not_covered` when no policy will cover them. */
  applications_by_status_after: StatusCounts.extend({ not_covered: z.number().int() }),
})
export type ImpactSummary = z.infer<typeof ImpactSummary>

export const Impact = z.object({
  policy_id: PolicyId,
  applications: z.array(ImpactEntry),
  summary: ImpactSummary,
})
export type Impact = z.infer<typeof Impact>

/** Which applications a scope would cover, with the status each would have: the apply dialog's preview. */
export const ScopePreview = z.object({
  applications: z.array(
    ScopePreviewEntry.extend({
      status_before: ComplianceStatus.nullable(),
      status_after: ComplianceStatus.nullable(),
      policy_status_after: ComplianceStatus.nullable(),
      in_grace_period: z.boolean(),
    }),
  ),
  added: z.number().int(),
  kept: z.number().int(),
  removed: z.number().int(),
  summary: ImpactSummary,
})
export type ScopePreview = z.infer<typeof ScopePreview>
