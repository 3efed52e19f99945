/** What deactivating a person does, in the words its confirmation shows, from the engine's dry run. */
import type { DeactivationConsequences } from '../../../src-shared/domain/lifecycle'

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
const names = (refs: ReadonlyArray<{ name: string }>) => refs.map((ref) => ref.name).join(', ')

export interface DeactivationWording {
  consequences: string[]
  /** Rules left with nobody active to review them: the one consequence that quietly breaks something. */
  warnings: string[]
}

export function deactivationWording({ groups, policies_owned, attestation_rules, api_tokens }: DeactivationConsequences): DeactivationWording {
  const consequences = ['No longer picked as a reviewer, policy owner or escalation contact']
  if (groups.length === 1) consequences.push(`Stays a member of ${groups[0]!.name} on record, but is no longer picked through it`)
  if (groups.length > 1) consequences.push(`Stays a member of ${groups.length} groups on record (${names(groups)}), but is no longer picked through them`)

  const ownedByGroup = new Map<string, string[]>()
  for (const policy of policies_owned) ownedByGroup.set(policy.group_name, [...(ownedByGroup.get(policy.group_name) ?? []), policy.name])
  for (const [group, policies] of ownedByGroup) {
    consequences.push(`No longer among the owners, through ${group}, of ${count(policies.length, 'policy', 'policies')}: ${policies.join(', ')}`)
  }

  for (const rule of attestation_rules) {
    if (rule.as_reviewer && rule.as_escalation) consequences.push(`No longer reviews “${rule.name}”, nor is on its escalation path`)
    else if (rule.as_reviewer) consequences.push(`No longer reviews “${rule.name}”`)
    else consequences.push(`Leaves the escalation path of “${rule.name}”`)
  }

  if (api_tokens.length > 0) {
    consequences.push(`${count(api_tokens.length, 'API token', 'API tokens')} acting for them ${api_tokens.length === 1 ? 'stops' : 'stop'} working: ${names(api_tokens)}`)
  }
  if (groups.length + policies_owned.length + attestation_rules.length + api_tokens.length === 0) {
    consequences.push('Nothing else names them: no group, attestation rule or API token')
  }
  consequences.push('Stays on record — in the audit trail and past attestations — and can be reactivated')

  const warnings = attestation_rules
    .filter((rule) => rule.leaves_no_active_reviewer)
    .map((rule) => `“${rule.name}” is left with no active reviewer: add someone before its next attestation is due`)
  return { consequences, warnings }
}
