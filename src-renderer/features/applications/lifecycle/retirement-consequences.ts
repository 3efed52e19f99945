/** What retiring an application does, in the words its confirmation shows, from the engine's dry run. */
import type { ApplicationReinstatement, RetirementConsequences } from '../../../../src-shared/domain/lifecycle'

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
const names = (refs: ReadonlyArray<{ name: string }>) => refs.map((ref) => ref.name).join(', ')

export function retirementConsequenceLines({ policies, rules_removed, open_gaps }: RetirementConsequences): string[] {
  const lines = [
    policies.length === 0
      ? 'No policy covers it now, so no coverage is lost'
      : `Stops being covered by ${count(policies.length, 'policy', 'policies')}: ${names(policies)}`,
  ]
  if (rules_removed > 0) {
    const placer = policies.length === 1 ? 'this policy' : 'these policies'
    lines.push(`${count(rules_removed, 'alert rule', 'alert rules')} ${placer} placed on it ${rules_removed === 1 ? 'is' : 'are'} removed`)
  }
  if (open_gaps.length > 0) lines.push(`${count(open_gaps.length, 'open gap is', 'open gaps are')} closed`)
  lines.push('It leaves the applications list, the dashboard and compliance totals')
  lines.push('Its history — audit trail, past compliance — is kept, and it can be reinstated')
  return lines
}

/** The toast after reinstating: what coverage came back. */
export function reinstatementSummary(name: string, { policies, rules_materialised }: ApplicationReinstatement): string {
  if (policies.length === 0) return `Reinstated ${name}; no policy covers it yet`
  const rules = rules_materialised > 0 ? `, with ${count(rules_materialised, 'alert rule', 'alert rules')} placed anew` : ''
  return `Reinstated ${name}: covered again by ${count(policies.length, 'policy', 'policies')} (${names(policies)})${rules}`
}
