/** Policies: organisation-level monitoring requirements, their scope, versions and what they materialise. */
import { z } from 'zod'
import { ApplicationId, Tag } from './application'
import { BaseVersion, DryRun, Timestamp } from './common'
import { MetricKey } from './metrics'
import { nameText } from './names'
import { GroupId } from './people'
import { AlertRuleId, AttestationRule, AttestationRuleId, NoDataPolicy, Operator, Severity } from './rules'

export const PolicyId = z.string().regex(/^pol_[A-Za-z0-9_-]+$/, 'must be a policy id such as pol_…')

export const TEMPLATE_IDS = ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const
export const TemplateId = z.enum(TEMPLATE_IDS, { error: `template_id must be one of ${TEMPLATE_IDS.join(', ')}` })
export type TemplateId = z.infer<typeof TemplateId>

/**
 * Lists are bounded so each is written in one statement (SQLite takes at most 32,766 values in
 * one); a portfolio larger than an explicit list is better scoped by tags or apply_to_all.
 */
export const Scope = z.strictObject({
  apply_to_all: z.boolean().default(false),
  tags: z.array(Tag).max(200, 'a scope names at most 200 tags').default([]).transform((tags) => [...new Set(tags)].sort()),
  application_ids: z
    .array(ApplicationId)
    .max(10_000, 'a scope names at most 10,000 applications; scope by tags or apply_to_all for more')
    .default([])
    .transform((ids) => [...new Set(ids)]),
})
export type ScopeInput = z.input<typeof Scope>
export type Scope = z.output<typeof Scope>

export const EMPTY_SCOPE: Scope = { apply_to_all: false, tags: [], application_ids: [] }

/**
 * One requirement as a caller states it: either a library rule (`alert_rule_id`, optionally with
 * its threshold or severity changed for this policy) or a rule written out in full.
 */
export const RequirementInput = z
  .strictObject({
    alert_rule_id: AlertRuleId.nullable().optional(),
    /** The requirement key; the same as the metric (accepted so a policy's rules can be sent back as they came). */
    requirement: MetricKey.optional(),
    name: nameText(200).optional(),
    metric: MetricKey.optional(),
    operator: Operator.optional(),
    threshold: z.number({ error: 'threshold must be a number' }).optional(),
    severity: Severity.optional(),
    window_hours: z.number().int().min(1).max(2160).optional(),
    no_data: NoDataPolicy.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.requirement && input.metric && input.requirement !== input.metric) {
      ctx.addIssue({ code: 'custom', path: ['requirement'], message: `requirement ${input.requirement} does not match metric ${input.metric}` })
    }
    if (input.alert_rule_id) return
    if (input.metric === undefined && input.requirement === undefined) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: 'metric is required unless alert_rule_id names a library rule' })
    }
    for (const field of ['operator', 'threshold', 'severity'] as const) {
      if (input[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required unless alert_rule_id names a library rule` })
      }
    }
  })
export type RequirementInput = z.input<typeof RequirementInput>

/** A requirement as the policy holds it: the metric key is the requirement's stable name. */
export const Requirement = z.object({
  requirement: MetricKey,
  name: z.string(),
  metric: MetricKey,
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
  window_hours: z.number().int(),
  no_data: NoDataPolicy,
  alert_rule_id: z.string().nullable(),
})
export type Requirement = z.infer<typeof Requirement>

export const PolicyStatus = z.enum(['draft', 'published'])

const PolicyName = nameText(200)
const Description = z.string().trim().max(5000, 'description is at most 5000 characters').nullable()
const Webhook = z
  .url({ protocol: /^https?$/, error: 'notification_webhook must be an http(s) URL' })
  .max(2000)
  .nullable()
const EnforcementDelay = z
  .number({ error: 'enforcement_delay_days must be a number of days' })
  .int('enforcement_delay_days must be a whole number of days')
  .min(0, 'enforcement_delay_days cannot be negative')
  .max(365, 'enforcement_delay_days is at most 365')

const policyFields = {
  name: PolicyName,
  description: Description,
  owner_group_id: GroupId.nullable(),
  enforcement_delay_days: EnforcementDelay,
  notification_webhook: Webhook,
  alert_rules: z.array(RequirementInput).max(50),
  attestation_rule_ids: z.array(AttestationRuleId).max(20),
  scope: Scope,
  auto_apply: z.boolean(),
  auto_restore: z.boolean(),
  status: PolicyStatus,
}

/** Optional: an id the sender chooses (pol_…), so later changes can name the policy before any answer; generated when absent. */
const ChosenPolicyId = PolicyId.optional()

export const PolicyDraft = z.strictObject({
  id: ChosenPolicyId,
  ...policyFields,
  description: Description.default(null),
  owner_group_id: GroupId.nullable().default(null),
  enforcement_delay_days: EnforcementDelay.default(30),
  notification_webhook: Webhook.default(null),
  alert_rules: policyFields.alert_rules.default([]),
  attestation_rule_ids: policyFields.attestation_rule_ids.default([]),
  scope: Scope.default(EMPTY_SCOPE),
  dry_run: DryRun,
  auto_apply: z.boolean().default(false),
  auto_restore: z.boolean().default(false),
  status: PolicyStatus.default('published'),
  /** The built-in template a customised copy started from, so the policy can name it. */
  template_id: TemplateId.nullable().default(null),
})
export type PolicyDraft = z.input<typeof PolicyDraft>

export const PolicyPatch = z.strictObject({
  id: PolicyId,
  dry_run: DryRun,
  base_version: BaseVersion,
  ...Object.fromEntries(Object.entries(policyFields).map(([key, schema]) => [key, schema.optional()])),
} as { id: typeof PolicyId; dry_run: typeof DryRun; base_version: typeof BaseVersion } & { [K in keyof typeof policyFields]: z.ZodOptional<(typeof policyFields)[K]> })
export type PolicyPatch = z.input<typeof PolicyPatch>

export const FromTemplate = z.strictObject({
  id: ChosenPolicyId,
  template_id: TemplateId,
  name: PolicyName.optional(),
  scope: Scope.optional(),
  status: PolicyStatus.optional(),
  auto_apply: z.boolean().optional(),
  dry_run: DryRun,
})

/** The definition a version freezes: everything that decides what the policy requires of whom. */
export const PolicyDefinition = z.object({
  name: z.string(),
  description: z.string().nullable(),
  owner_group_id: z.string().nullable(),
  enforcement_delay_days: z.number().int(),
  notification_webhook: z.string().nullable(),
  alert_rules: z.array(Requirement),
  attestation_rules: z.array(AttestationRule),
  scope: z.object({ apply_to_all: z.boolean(), tags: z.array(z.string()), application_ids: z.array(z.string()) }),
  auto_apply: z.boolean(),
  auto_restore: z.boolean(),
  status: PolicyStatus,
  archived: z.boolean(),
})
export type PolicyDefinition = z.infer<typeof PolicyDefinition>

export const Policy = PolicyDefinition.extend({
  id: PolicyId,
  version: z.number().int(),
  template_id: TemplateId.nullable(),
  covered_application_count: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
})
export type Policy = z.infer<typeof Policy>

export const PolicyVersion = z.object({
  policy_id: PolicyId,
  version: z.number().int(),
  created_at: Timestamp,
  actor: z.object({ id: z.string(), name: z.string() }),
  summary: z.string(),
  definition: PolicyDefinition,
})
export type PolicyVersion = z.infer<typeof PolicyVersion>

export const DefinitionChange = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })
export type DefinitionChange = z.infer<typeof DefinitionChange>

/**
 * A policy edit refused because the policy moved on after the version it was made on: the version
 * it started from, the version now (who made it, when, and what it holds), what others changed in
 * between, and what the refused edit would change if applied to the version now. Other records'
 * conflicts are RecordConflicts (conflicts.ts); `kind` tells them apart, and is absent in answers
 * kept from before there were others.
 */
export const PolicyConflict = z.object({
  kind: z.literal('policy').default('policy'),
  policy_id: PolicyId,
  base: PolicyVersion,
  current: PolicyVersion,
  their_changes: z.array(DefinitionChange),
  your_changes: z.array(DefinitionChange),
})
export type PolicyConflict = z.infer<typeof PolicyConflict>

export const PolicyTemplate = z.object({
  id: TemplateId,
  name: z.string(),
  purpose: z.string(),
  best_for: z.string(),
  alert_rules: z.array(Requirement),
})
export type PolicyTemplate = z.infer<typeof PolicyTemplate>

export const RuleSource = z.object({
  policy_id: PolicyId,
  policy_name: z.string(),
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
})

/** A concrete alert rule on one application; overlapping requirements share one, listing each source. */
export const MaterialisedRule = z.object({
  id: z.string(),
  application_id: ApplicationId,
  requirement: MetricKey,
  name: z.string(),
  metric: MetricKey,
  operator: Operator,
  threshold: z.number(),
  severity: Severity,
  window_hours: z.number().int(),
  no_data: NoDataPolicy,
  sources: z.array(RuleSource),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** Counts the rule's changes (a policy's threshold, say), from 1: a deletion made on an older one is refused as a conflict. */
  version: z.number().int(),
})
export type MaterialisedRule = z.infer<typeof MaterialisedRule>

/** A required rule someone deleted: the application is non-compliant for these policies until it is back. */
export const MissingRule = z.object({
  requirement: MetricKey,
  direction: z.enum(['above', 'below']),
  policy_ids: z.array(PolicyId),
  deleted_at: Timestamp,
  deleted_by: z.string(),
})
export type MissingRule = z.infer<typeof MissingRule>

export const CoveredApplication = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  team: z.string().nullable(),
  environment: z.string().nullable(),
  tags: z.array(z.string()),
  policy_version: z.number().int(),
  applied_at: Timestamp,
  enforcement_starts_at: Timestamp,
  missing_requirements: z.array(MetricKey),
  rule_count: z.number().int(),
})
export type CoveredApplication = z.infer<typeof CoveredApplication>

export const ScopePreviewEntry = z.object({
  application_id: ApplicationId,
  application_name: z.string(),
  team: z.string().nullable(),
  environment: z.string().nullable(),
  tags: z.array(z.string()),
  change: z.enum(['added', 'kept', 'removed']),
})
export type ScopePreviewEntry = z.infer<typeof ScopePreviewEntry>
