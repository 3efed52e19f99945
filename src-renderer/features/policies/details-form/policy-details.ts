/**
 * A policy's details (name, description, owner, enforcement delay, webhook, auto-apply,
 * auto-restore) as a form holds them, and their checks: the engine's own schema picked to these
 * fields, every issue at once in the words on screen, and a name already taken, as the engine
 * would refuse it.
 */
import { namesClash } from '../../../../src-shared/domain/names'
import { PolicyDraft, PolicyPatch, type Policy } from '../../../../src-shared/domain/policy'
import { issuesByField } from '../../../components/field-errors'
import { labelledErrors } from './field-labels'

export interface PolicyDetailsValues {
  name: string
  description: string
  owner_group_id: string | null
  /** A string while the number input is empty or half-typed; the schema says what is wrong with it. */
  enforcement_delay_days: number | string
  notification_webhook: string
  auto_apply: boolean
  auto_restore: boolean
}

export const BLANK_DETAILS: PolicyDetailsValues = {
  name: '',
  description: '',
  owner_group_id: null,
  enforcement_delay_days: 30,
  notification_webhook: '',
  auto_apply: false,
  auto_restore: false,
}

/** The details a new policy starts with (the wizard's first step). */
const NewDetails = PolicyDraft.pick({
  name: true,
  description: true,
  owner_group_id: true,
  enforcement_delay_days: true,
  notification_webhook: true,
  auto_apply: true,
  auto_restore: true,
})

/** The details "Edit details" changes on an existing policy. */
export const EDITABLE_FIELDS = ['name', 'description', 'owner_group_id', 'notification_webhook', 'auto_apply', 'auto_restore'] as const
const EditedDetails = PolicyPatch.pick({ name: true, description: true, owner_group_id: true, notification_webhook: true, auto_apply: true, auto_restore: true })

export function valuesOf(policy: Policy): PolicyDetailsValues {
  return {
    name: policy.name,
    description: policy.description ?? '',
    owner_group_id: policy.owner_group_id,
    enforcement_delay_days: policy.enforcement_delay_days,
    notification_webhook: policy.notification_webhook ?? '',
    auto_apply: policy.auto_apply,
    auto_restore: policy.auto_restore,
  }
}

/** What is sent: blank optional text means none. The delay goes as typed, so the schema judges it. */
export function detailsPayload(values: PolicyDetailsValues) {
  return {
    name: values.name,
    description: values.description.trim() || null,
    owner_group_id: values.owner_group_id,
    enforcement_delay_days: values.enforcement_delay_days as number,
    notification_webhook: values.notification_webhook.trim() || null,
    auto_apply: values.auto_apply,
    auto_restore: values.auto_restore,
  }
}

export function editedPayload(values: PolicyDetailsValues) {
  const { enforcement_delay_days: _notEdited, ...edited } = detailsPayload(values)
  return edited
}

/** The live policy (other than `exceptId`) already called `name`, if any. */
export function policyNamed(name: string, policies: readonly Pick<Policy, 'id' | 'name'>[], exceptId?: string) {
  return policies.find((policy) => policy.id !== exceptId && namesClash(policy.name, name))
}

function nameTaken(name: string, policies: readonly Pick<Policy, 'id' | 'name'>[], exceptId?: string): Record<string, string> {
  const taken = name.trim() ? policyNamed(name, policies, exceptId) : undefined
  return taken ? { name: `A policy named "${taken.name}" already exists` } : {}
}

/** Every problem with a new policy's details, by field; empty when Next may go on. */
export function checkNewDetails(values: PolicyDetailsValues, livePolicies: readonly Pick<Policy, 'id' | 'name'>[]): Record<string, string> {
  return { ...labelledErrors(issuesByField(NewDetails.safeParse(detailsPayload(values)).error)), ...nameTaken(values.name, livePolicies) }
}

/** Every problem with edited details; the name is checked against the others when saving. */
export function checkEditedDetails(values: PolicyDetailsValues): Record<string, string> {
  return labelledErrors(issuesByField(EditedDetails.safeParse(editedPayload(values)).error))
}
