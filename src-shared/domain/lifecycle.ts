/**
 * The end (and the undoing) of an application's or a person's working life in the workspace:
 * what retiring or deactivating would touch, so a confirmation can list it before anything
 * changes, and what it did. Neither deletes anything: history keeps every name.
 */
import { z } from 'zod'
import { Application } from './application'
import { Gap } from './compliance'
import { User } from './people'

/** Something named: a policy, a group, a rule, a token. */
export const NamedRef = z.object({ id: z.string(), name: z.string() })
export type NamedRef = z.infer<typeof NamedRef>

export const RetirementConsequences = z.object({
  /** The policies covering it, which stop covering it. */
  policies: z.array(NamedRef),
  /** How many alert rules policies materialised on it; they are removed. */
  rules_removed: z.number().int(),
  /** Its gaps open now; they close as it retires, and stay in its history. */
  open_gaps: z.array(Gap),
})
export type RetirementConsequences = z.infer<typeof RetirementConsequences>

export const ApplicationRetirement = z.object({
  /** The application as retiring leaves it (with dry_run, as it would). */
  application: Application,
  dry_run: z.boolean(),
  consequences: RetirementConsequences,
})
export type ApplicationRetirement = z.infer<typeof ApplicationRetirement>

export const ApplicationReinstatement = z.object({
  application: Application,
  /** The policies covering it again: those it had (resuming as they stood) and any whose scope took it in since. */
  policies: z.array(NamedRef),
  /** Alert rules materialised on it anew. */
  rules_materialised: z.number().int(),
})
export type ApplicationReinstatement = z.infer<typeof ApplicationReinstatement>
export const AttestationRuleMention = NamedRef.extend({
  as_reviewer: z.boolean(),
  as_escalation: z.boolean(),
  /** Once they are inactive, no active person reviews it (directly or through a group). */
  leaves_no_active_reviewer: z.boolean(),
})
export type AttestationRuleMention = z.infer<typeof AttestationRuleMention>

export const DeactivationConsequences = z.object({
  /** Groups they belong to; they stay members on record, and are no longer picked through them. */
  groups: z.array(NamedRef),
  /** Policies owned by one of those groups. */
  policies_owned: z.array(NamedRef.extend({ group_id: z.string(), group_name: z.string() })),
  /** Attestation rules naming them as reviewer or on the escalation path. */
  attestation_rules: z.array(AttestationRuleMention),
  /** API tokens acting for them: they stop authenticating. */
  api_tokens: z.array(NamedRef),
})
export type DeactivationConsequences = z.infer<typeof DeactivationConsequences>

export const PersonDeactivation = z.object({
  user: User,
  dry_run: z.boolean(),
  consequences: DeactivationConsequences,
})
export type PersonDeactivation = z.infer<typeof PersonDeactivation>
