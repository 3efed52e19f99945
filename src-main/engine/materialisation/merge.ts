/**
 * Combining policies on one application: requirements on the same metric in the same direction
 * become one rule with the stricter threshold and the higher severity, listing every source policy
 * with its own threshold (each policy is still judged by its own).
 */
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { Requirement } from '../../../src-shared/domain/policy'
import { directionOf, SEVERITY_RANK, type NoDataPolicy, type Operator, type Severity } from '../../../src-shared/domain/rules'

export interface RuleSource {
  policy_id: string
  policy_name: string
  operator: Operator
  threshold: number
  severity: Severity
}

export interface DesiredRule {
  key: string
  metric: MetricKey
  direction: 'above' | 'below'
  name: string
  operator: Operator
  threshold: number
  severity: Severity
  window_hours: number
  no_data: NoDataPolicy
  sources: RuleSource[]
}

export function ruleKey(metric: string, direction: string): string {
  return `${metric}|${direction}`
}

const NO_DATA_STRICTNESS: Record<NoDataPolicy, number> = { fail: 3, pending: 2, pass: 1 }

/** True when `a` fires in every case `b` fires, and more: the stricter of two checks. */
export function isStricter(a: Pick<Requirement, 'operator' | 'threshold'>, b: Pick<Requirement, 'operator' | 'threshold'>): boolean {
  if (a.threshold !== b.threshold) {
    return directionOf(a.operator) === 'above' ? a.threshold < b.threshold : a.threshold > b.threshold
  }
  // At the same threshold the inclusive operator also fires on equality.
  return a.operator.endsWith('=') && !b.operator.endsWith('=')
}

export function mergeRequirements(covering: ReadonlyArray<{ id: string; name: string; requirements: readonly Requirement[] }>): Map<string, DesiredRule> {
  const merged = new Map<string, DesiredRule>()
  const ordered = [...covering].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  for (const policy of ordered) {
    for (const requirement of policy.requirements) {
      const direction = directionOf(requirement.operator)
      const key = ruleKey(requirement.metric, direction)
      const source: RuleSource = {
        policy_id: policy.id,
        policy_name: policy.name,
        operator: requirement.operator,
        threshold: requirement.threshold,
        severity: requirement.severity,
      }
      const current = merged.get(key)
      if (!current) {
        merged.set(key, { key, metric: requirement.metric, direction, ...pickCheck(requirement), sources: [source] })
        continue
      }
      current.sources.push(source)
      if (isStricter(requirement, current)) {
        Object.assign(current, { name: requirement.name, operator: requirement.operator, threshold: requirement.threshold, window_hours: requirement.window_hours })
      }
      if (SEVERITY_RANK[requirement.severity] > SEVERITY_RANK[current.severity]) current.severity = requirement.severity
      if (NO_DATA_STRICTNESS[requirement.no_data] > NO_DATA_STRICTNESS[current.no_data]) current.no_data = requirement.no_data
    }
  }
  return merged
}

function pickCheck(requirement: Requirement) {
  return {
    name: requirement.name,
    operator: requirement.operator,
    threshold: requirement.threshold,
    severity: requirement.severity,
    window_hours: requirement.window_hours,
    no_data: requirement.no_data,
  }
}
