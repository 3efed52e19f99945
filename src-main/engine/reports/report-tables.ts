/**
 * The rows of the PDF report's tables, as text: one body per table, header first. The PDF lays
 * them out (report-pdf.ts) and the benchmark prints the same rows in a bare document, so the two
 * are compared on equal content. Rows are plain strings: every cell object costs pdfmake memory.
 */
import type { Attestation } from '../../../src-shared/domain/attestations'
import { COMPLIANCE_STATUSES, STATUS_LABELS, type Gap } from '../../../src-shared/domain/compliance'
import type { ReportApplication, ReportData, ReportPolicy } from '../../../src-shared/domain/reports'
import {
  attestationStatusLabel,
  byText,
  formatOptionalTime,
  formatTime,
  gapRequirementWords,
  gapValueWords,
  limitWords,
  requirementResultLine,
  ruleCheckWords,
  ruleSourcesWords,
  statusLabel,
} from './report-text'

export type TableBody = string[][]

export interface ReportTable {
  body: TableBody
  /** Column widths in points, or '*' to share what is left. */
  widths: Array<number | '*'>
}

export function policyCountsTable(data: ReportData): ReportTable {
  const header = ['Policy', ...COMPLIANCE_STATUSES.map((status) => STATUS_LABELS[status]), 'Total']
  const rows = data.summary.policies.map((policy) => [
    `${policy.name} v${policy.version}`,
    ...COMPLIANCE_STATUSES.map((status) => String(policy.counts[status])),
    String(policy.total),
  ])
  const counts = data.summary.application_counts
  const applications = COMPLIANCE_STATUSES.reduce((sum, status) => sum + counts[status], 0)
  rows.push(['Applications (worst status)', ...COMPLIANCE_STATUSES.map((status) => String(counts[status])), String(applications)])
  return { body: [header, ...rows], widths: ['*', 52, 46, 56, 62, 46, 40] }
}

export function requirementsTable(policy: ReportPolicy): ReportTable {
  const rows = policy.definition.alert_rules.map((rule) => [
    `${rule.name} (${rule.requirement})`,
    limitWords(rule.metric, rule.operator, rule.threshold),
    rule.severity,
    `${rule.window_hours} h`,
    rule.no_data === 'pending' ? 'Pending' : `Counts as ${rule.no_data}`,
  ])
  return { body: [['Requirement', 'Limit', 'Severity', 'Window', 'No data'], ...rows], widths: ['*', 90, 50, 40, 70] }
}

export function attestationRulesTable(policy: ReportPolicy): ReportTable {
  const principals = (refs: ReadonlyArray<{ type: string; id: string }>) => refs.map((ref) => `${ref.type} ${ref.id}`).join(', ') || '—'
  const rows = policy.definition.attestation_rules.map((rule) => [
    rule.name,
    rule.frequency === 'every_n_days' ? `Every ${rule.every_days ?? '?'} days` : rule.frequency,
    `${rule.deadline_days} days`,
    principals(rule.reviewers),
    principals(rule.escalation_path),
    `${rule.notes_required ? 'Notes required; ' : ''}${rule.blocking === 'block' ? 'blocks deployment' : 'warns'}`,
  ])
  return { body: [['Rule', 'Frequency', 'Deadline', 'Reviewers', 'Escalation', 'When overdue'], ...rows], widths: ['*', 60, 44, 100, 90, 80] }
}

function applicationCell(app: ReportApplication): string {
  const facts = [app.id, app.team, app.environment].filter((fact): fact is string => fact !== null)
  return `${app.name}\n${facts.join(' · ')}`
}

/** One row per application and policy: its status, and each requirement's value against its limit. */
export function applicationsTable(data: ReportData): ReportTable {
  const rows: TableBody = []
  for (const app of data.applications) {
    const name = applicationCell(app)
    if (app.policies.length === 0) rows.push([name, '—', statusLabel(null), ''])
    for (const status of app.policies) {
      const state = [STATUS_LABELS[status.status]]
      if (status.in_grace_period) state.push(`in grace period until ${formatTime(status.enforcement_starts_at)}`)
      if (status.attestation?.overdue_since) state.push(`sign-off overdue since ${formatTime(status.attestation.overdue_since)}`)
      if (status.attestation?.attested_non_compliant) state.push(`attested Non-Compliant by ${status.attestation.attested_non_compliant.reviewer}`)
      state.push(status.evaluated_at === null ? 'not yet evaluated' : `evaluated ${formatTime(status.evaluated_at)}`)
      rows.push([name, `${status.policy_name} v${status.policy_version}`, state.join('\n'), status.requirements.map(requirementResultLine).join('\n')])
    }
  }
  return { body: [['Application', 'Policy', 'Status', 'Requirements: value (limit, severity): outcome'], ...rows], widths: [100, 70, 80, '*'] }
}

export function gapsTable(gaps: readonly Gap[]): ReportTable {
  const rows = gaps.map((gap) => [
    `#${gap.id}\n${gap.kind}`,
    `${gap.application_name}\n${gap.policy_name}`,
    gapRequirementWords(gap),
    gapValueWords(gap),
    `Opened ${formatTime(gap.opened_at)}${gap.resolved_at === null ? '' : `\nResolved ${formatTime(gap.resolved_at)}`}`,
    gap.reason,
  ])
  return { body: [['Gap', 'Application / policy', 'Requirement', 'Value vs limit', 'Opened / resolved', 'Reason'], ...rows], widths: [34, 90, 70, 52, 90, '*'] }
}

function notesAndExceptions(attestation: Attestation): string {
  const lines = [attestation.notes ?? '(no notes)']
  for (const exception of [...attestation.exceptions].sort((a, b) => byText(a.id, b.id))) {
    lines.push(
      `Exception: ${exception.application_name}, ${exception.requirement}, until ${exception.expiry_date} (${exception.state}), granted by ${exception.granted_by.name}: ${exception.justification}`,
    )
  }
  return lines.join('\n')
}

/** Sign-offs as the data lists them, newest first. */
export function attestationsTable(data: ReportData): ReportTable {
  const rows = data.attestations.map((attestation) => [
    formatTime(attestation.attested_at),
    `${attestation.policy_name} v${attestation.policy_version}${attestation.period_start === null ? '' : `\nperiod from ${formatOptionalTime(attestation.period_start)}`}`,
    attestation.reviewer.name,
    attestationStatusLabel(attestation.status),
    notesAndExceptions(attestation),
  ])
  return { body: [['Attested at', 'Policy', 'Reviewer', 'Status', 'Notes and exceptions'], ...rows], widths: [70, 90, 70, 64, '*'] }
}

/** One row per application: each rule it must carry, and the policies that require it. */
export function ruleInventoryTable(data: ReportData): ReportTable {
  const byApplication = new Map<string, { name: string; lines: string[] }>()
  for (const rule of data.rule_inventory) {
    const entry = byApplication.get(rule.application_id) ?? { name: rule.application_name, lines: [] }
    entry.lines.push(`${rule.name} ${ruleCheckWords(rule)}: ${ruleSourcesWords(rule)}`)
    byApplication.set(rule.application_id, entry)
  }
  const rows = [...byApplication].map(([id, entry]) => [`${entry.name}\n${id}`, entry.lines.join('\n')])
  return { body: [['Application', 'Rules (limit, severity, window): source policies'], ...rows], widths: [110, '*'] }
}

/** Every table of the report, in the order the PDF prints them: what the bare benchmark document holds. */
export function allReportTables(data: ReportData): ReportTable[] {
  return [
    policyCountsTable(data),
    ...data.policies.flatMap((policy) => [requirementsTable(policy), attestationRulesTable(policy)]),
    applicationsTable(data),
    gapsTable(data.gaps.filter((gap) => gap.resolved_at === null)),
    gapsTable(data.gaps.filter((gap) => gap.resolved_at !== null)),
    attestationsTable(data),
    ruleInventoryTable(data),
  ]
}
