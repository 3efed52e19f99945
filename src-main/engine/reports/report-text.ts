/**
 * How a report writes its facts in words: times, statuses, requirement results and rule sources.
 * Shared by the PDF and the CSV files so the two read alike; pure, locale-independent.
 */
import { ATTESTATION_STATUS_LABELS, type AttestationStatus } from '../../../src-shared/domain/attestations'
import { STATUS_LABELS, gapRequirementLabel, type ComplianceStatus, type Gap, type RequirementResult } from '../../../src-shared/domain/compliance'
import { METRIC_BY_KEY, formatMetricValue, formatThreshold, type MetricKey } from '../../../src-shared/domain/metrics'
import type { InventoryRule, ReportData } from '../../../src-shared/domain/reports'

/** A moment as people read it in UTC, to the second: `2026-03-01 10:30:00 UTC`. */
export function formatTime(timestamp: string): string {
  const iso = new Date(timestamp).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`
}

export function formatOptionalTime(timestamp: string | null): string {
  return timestamp === null ? '' : formatTime(timestamp)
}

/** A day, for the trend chart's axis and the period: `2026-03-01`. */
export function formatDay(timestamp: string): string {
  return new Date(timestamp).toISOString().slice(0, 10)
}

export function statusLabel(status: ComplianceStatus | null): string {
  return status === null ? 'Not covered' : STATUS_LABELS[status]
}

export function attestationStatusLabel(status: AttestationStatus): string {
  return ATTESTATION_STATUS_LABELS[status]
}

export function metricLabel(requirement: string): string {
  return requirement in METRIC_BY_KEY ? METRIC_BY_KEY[requirement as MetricKey].label : requirement
}

/** A requirement's limit in words: "fails if > 1%". */
export function limitWords(metric: MetricKey, operator: string, threshold: number): string {
  return `fails if ${operator} ${formatThreshold(metric, threshold)}`
}

const OUTCOME_WORDS: Readonly<Record<RequirementResult['outcome'], string>> = {
  pass: 'Pass',
  breach: 'Breach',
  no_data: 'No data',
  missing_rule: 'Rule deleted',
  excepted: 'Excepted',
}

/** One requirement of an application under a policy: "PII detection rate 0.42% (fails if > 1%): Pass". */
export function requirementResultLine(result: RequirementResult): string {
  const value = result.value === null ? 'no value' : formatMetricValue(result.requirement, result.value)
  const head = `${result.name} ${value} (${limitWords(result.requirement, result.operator, result.threshold)}, ${result.severity})`
  if (result.exception !== null) return `${head}: Excepted until ${result.exception.expiry_date} — ${result.exception.justification}`
  return `${head}: ${OUTCOME_WORDS[result.outcome]}`
}

/** A gap's value against its threshold, or a dash for an attestation gap, which has neither. */
export function gapValueWords(gap: Gap): string {
  if (gap.requirement === 'attestation') return '—'
  const value = gap.value === null ? 'no value' : formatMetricValue(gap.requirement, gap.value)
  return gap.threshold === null ? value : `${value} vs ${formatThreshold(gap.requirement, gap.threshold)}`
}

export function gapRequirementWords(gap: Gap): string {
  return `${gapRequirementLabel(gap.requirement)} (${gap.severity})`
}

/** The policies that require a rule: "System Health v3; Sensitive Data v1". */
export function ruleSourcesWords(rule: InventoryRule): string {
  return rule.sources.map((source) => `${source.policy_name} v${source.policy_version}`).join('; ')
}

export function ruleCheckWords(rule: InventoryRule): string {
  const threshold = rule.requirement in METRIC_BY_KEY ? formatThreshold(rule.requirement as MetricKey, rule.threshold) : String(rule.threshold)
  return `${rule.operator} ${threshold}, ${rule.severity}, ${rule.window_hours} h`
}

/** What the report covers, in words: "the whole organisation", "policy System Health (pol_…)". */
export function scopeWords(scope: ReportData['scope']): string {
  if (scope.kind === 'policy') return `Policy ${scope.policy_name ?? ''} (${scope.policy_id ?? ''})`
  if (scope.kind === 'application') return `Application ${scope.application_name ?? ''} (${scope.application_id ?? ''})`
  return 'The whole organisation: every policy and every application'
}

/** Compare by plain code units, so order never depends on the machine's locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
