/**
 * The reference's status rules, as pure functions: how a requirement fares against its
 * measurement, and what an application's status under a policy is from its requirements.
 */
import type { ComplianceStatus, RequirementOutcome, RequirementResult } from '../../../src-shared/domain/compliance'
import { METRIC_BY_KEY, formatMetricValue, formatThreshold } from '../../../src-shared/domain/metrics'
import type { Requirement } from '../../../src-shared/domain/policy'
import type { Severity } from '../../../src-shared/domain/rules'
import type { Operator } from '../../../src-shared/domain/rules'
import type { ExceptionHeld } from '../attestations/standing'
import type { Measurement } from './measure'

const OPERATOR_WORDS: Record<Operator, string> = { '>': 'above', '>=': 'at or above', '<': 'below', '<=': 'at or below' }

export function breaches(value: number, operator: Operator, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold
    case '>=':
      return value >= threshold
    case '<':
      return value < threshold
    case '<=':
      return value <= threshold
  }
}

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

function windowWords(requirement: Requirement, m: Measurement): string {
  if (requirement.metric === 'throughput_drop') return `in the 7 days to ${when(m.windowEnd)} against the 7 days before`
  const hours = requirement.window_hours
  const span = hours % 24 === 0 ? `${hours / 24 === 1 ? '24 hours' : `${hours / 24} days`}` : `${hours} hours`
  return `over the ${span} to ${when(m.windowEnd)}`
}

const REQUEST_COUNT = new Intl.NumberFormat('en-US')

/**
 * Which way requests went, and by how much. The measured drop is 0 when requests rose (a rise is
 * no drop), so the words come from the counts: "rose 1.2%", never "fell 0%".
 */
export function throughputWords(m: Pick<Measurement, 'value' | 'last' | 'prior'>): string {
  const last = m.last ?? 0
  const prior = m.prior ?? 0
  const counts = `(${REQUEST_COUNT.format(prior)} → ${REQUEST_COUNT.format(last)})`
  if (last === prior) return `Requests held steady ${counts}`
  if (last > prior && prior > 0) return `Requests rose ${formatMetricValue('throughput_drop', ((last - prior) * 100) / prior)} ${counts}`
  return `Requests fell ${formatMetricValue('throughput_drop', m.value ?? 0)} ${counts}`
}

export interface PolicyRef {
  name: string
  version: number
}

/**
 * Pass, breach, no data (or what the rule says no data counts as), or a deleted required rule;
 * anything short of passing is excepted while an attestation's exception holds for it.
 */
export function outcomeOf(requirement: Requirement, m: Measurement, missingRule: boolean, exception?: ExceptionHeld | null): RequirementOutcome {
  const outcome = measuredOutcome(requirement, m, missingRule)
  return exception && outcome !== 'pass' ? 'excepted' : outcome
}

function measuredOutcome(requirement: Requirement, m: Measurement, missingRule: boolean): RequirementOutcome {
  if (missingRule) return 'missing_rule'
  if (m.value === null) return requirement.no_data === 'pass' ? 'pass' : requirement.no_data === 'fail' ? 'breach' : 'no_data'
  return breaches(m.value, requirement.operator, requirement.threshold) ? 'breach' : 'pass'
}

/** The outcome in words: the value, its window, the threshold and the policy version it comes from. */
export function reasonFor(requirement: Requirement, m: Measurement, policy: PolicyRef, outcome: RequirementOutcome): string {
  const label = METRIC_BY_KEY[requirement.metric].label
  const limit = `the ${formatThreshold(requirement.metric, requirement.threshold)} threshold (${requirement.severity}) of ${policy.name} v${policy.version}`
  if (outcome === 'missing_rule') return `The ${label} alert rule required by ${policy.name} v${policy.version} was deleted from this application`
  if (m.value === null) {
    const consequence = outcome === 'no_data' ? 'pending until data arrives' : outcome === 'pass' ? 'counted as passing, as the rule says' : 'counted as failing, as the rule says'
    return `No ${label} data ${windowWords(requirement, m)}; ${consequence} (${limit})`
  }
  const value = requirement.metric === 'throughput_drop' ? throughputWords(m) : `${label} was ${formatMetricValue(requirement.metric, m.value)}`
  return outcome === 'breach'
    ? `${value} ${windowWords(requirement, m)}, ${OPERATOR_WORDS[requirement.operator]} ${limit}`
    : `${value} ${windowWords(requirement, m)}, within ${limit}`
}

/** A measured value as reported: twelve significant digits, so sums of floats read cleanly. */
export function reportedValue(m: Measurement): number | null {
  return m.value === null ? null : Number(m.value.toPrecision(12))
}

/** How an excepted requirement reads: the exception's end and why it was granted. */
export function exceptedWords(exception: Pick<ExceptionHeld, 'expiry_date' | 'justification'>): string {
  return `Excepted until ${exception.expiry_date} — ${exception.justification}`
}

/** One requirement judged and put in words. */
export function judgeRequirement(requirement: Requirement, m: Measurement, policy: PolicyRef, missingRule: boolean, exception: ExceptionHeld | null = null): RequirementResult {
  const outcome = outcomeOf(requirement, m, missingRule, exception)
  return {
    requirement: requirement.metric,
    name: requirement.name,
    operator: requirement.operator,
    threshold: requirement.threshold,
    severity: requirement.severity,
    no_data: requirement.no_data,
    outcome,
    value: reportedValue(m),
    volume: m.volume,
    window_start: m.windowStart,
    window_end: m.windowEnd,
    reason: outcome === 'excepted' && exception ? exceptedWords(exception) : reasonFor(requirement, m, policy, outcome),
    exception: exception ? { id: exception.id, attestation_id: exception.attestation_id, justification: exception.justification, expiry_date: exception.expiry_date, expires_at: exception.expires_at, granted_by: exception.granted_by } : null,
  }
}

/**
 * Non-Compliant: a critical or high requirement breached, or a required rule missing. Warning:
 * only medium or low ones breached. Pending: nothing breached but something has no data yet.
 * Attestation Overdue: every automated check passes but a sign-off is late. Otherwise Compliant.
 * An excepted requirement counts as passing. `outcomes` are the requirements' in the order of
 * `requirements`.
 */
export function statusOf(outcomes: readonly RequirementOutcome[], requirements: ReadonlyArray<{ severity: Severity }>, attestationOverdue: boolean): ComplianceStatus {
  let warning = false
  let pending = false
  for (let index = 0; index < outcomes.length; index++) {
    const outcome = outcomes[index]
    if (outcome === 'missing_rule') return 'non_compliant'
    if (outcome === 'breach') {
      const severity = requirements[index]!.severity
      if (severity === 'critical' || severity === 'high') return 'non_compliant'
      warning = true
    }
    if (outcome === 'no_data') pending = true
  }
  if (warning) return 'warning'
  if (pending) return 'pending'
  return attestationOverdue ? 'attestation_overdue' : 'compliant'
}

const STATUS_RANK: Record<ComplianceStatus, number> = { non_compliant: 4, warning: 3, attestation_overdue: 2, pending: 1, compliant: 0 }

/** The worst of several statuses, for an application across its policies. */
export function worstStatus(statuses: readonly ComplianceStatus[]): ComplianceStatus | null {
  let worst: ComplianceStatus | null = null
  for (const status of statuses) if (worst === null || STATUS_RANK[status] > STATUS_RANK[worst]) worst = status
  return worst
}
