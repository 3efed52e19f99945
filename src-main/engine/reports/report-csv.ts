/**
 * The report as CSV: one file per table, for auditors' spreadsheets. Rows are sorted by ids, so
 * the same data gives the same bytes whatever order it arrived in; no generation time is written.
 * Values are the API's (`non_compliant`, ISO timestamps), as in the JSON export.
 */
import type { ReportData } from '../../../src-shared/domain/reports'
import { toCsv, type CsvCell } from '../export/csv'
import { byText } from './report-text'

export interface ReportFile {
  /** The file's name, `gaps.csv`; the audit package puts it under `csv/`. */
  path: string
  text: string
}

export const REPORT_CSV_TABLES = ['applications-and-statuses', 'gaps', 'attestations', 'exceptions', 'rule-inventory'] as const

function sorted<T>(items: readonly T[], ...keys: Array<(item: T) => string | number>): T[] {
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const x = key(a)
      const y = key(b)
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : byText(String(x), String(y))
      if (order !== 0) return order
    }
    return 0
  })
}

/** One row per application and policy; an application no policy covers has one row with the policy left empty. */
function applicationsAndStatuses(data: ReportData): string {
  const rows: CsvCell[][] = []
  for (const app of sorted(data.applications, (a) => a.id)) {
    const facts = [app.id, app.name, app.team, app.environment, app.tags.join(';'), app.status ?? 'not_covered']
    if (app.policies.length === 0) rows.push([...facts, null, null, null, null, null, null])
    for (const status of sorted(app.policies, (p) => p.policy_id)) {
      rows.push([...facts, status.policy_id, status.policy_name, status.policy_version, status.status, status.in_grace_period, status.evaluated_at])
    }
  }
  return toCsv(
    ['application_id', 'application_name', 'team', 'environment', 'tags', 'overall_status', 'policy_id', 'policy_name', 'policy_version', 'status', 'in_grace_period', 'evaluated_at'],
    rows,
  )
}

function gaps(data: ReportData): string {
  return toCsv(
    ['id', 'application_id', 'application_name', 'policy_id', 'policy_name', 'requirement', 'kind', 'severity', 'value', 'threshold', 'reason', 'opened_at', 'resolved_at', 'grace_until'],
    sorted(data.gaps, (g) => g.id).map((g) => [
      g.id, g.application_id, g.application_name, g.policy_id, g.policy_name, g.requirement, g.kind, g.severity, g.value, g.threshold, g.reason, g.opened_at, g.resolved_at, g.grace_until,
    ]),
  )
}

function attestations(data: ReportData): string {
  return toCsv(
    ['id', 'policy_id', 'policy_name', 'policy_version', 'status', 'reviewer_id', 'reviewer_name', 'attested_at', 'notes', 'request_id', 'period_start', 'exceptions'],
    sorted(data.attestations, (a) => a.attested_at, (a) => a.id).map((a) => [
      a.id, a.policy_id, a.policy_name, a.policy_version, a.status, a.reviewer.id, a.reviewer.name, a.attested_at, a.notes, a.request_id, a.period_start, a.exceptions.length,
    ]),
  )
}

function exceptions(data: ReportData): string {
  const policyNames = new Map(data.policies.map((p) => [p.id, p.name]))
  return toCsv(
    ['id', 'attestation_id', 'policy_id', 'policy_name', 'application_id', 'application_name', 'requirement', 'justification', 'expiry_date', 'state', 'granted_by_id', 'granted_by_name', 'granted_at'],
    sorted(data.exceptions, (e) => e.granted_at, (e) => e.id).map((e) => [
      e.id, e.attestation_id, e.policy_id, policyNames.get(e.policy_id) ?? null, e.application_id, e.application_name, e.requirement, e.justification, e.expiry_date, e.state, e.granted_by.id, e.granted_by.name, e.granted_at,
    ]),
  )
}

function ruleInventory(data: ReportData): string {
  return toCsv(
    ['application_id', 'application_name', 'requirement', 'name', 'operator', 'threshold', 'severity', 'window_hours', 'source_policy_ids', 'source_policies'],
    sorted(data.rule_inventory, (r) => r.application_id, (r) => r.requirement).map((r) => {
      const sources = sorted(r.sources, (s) => s.policy_id)
      return [
        r.application_id, r.application_name, r.requirement, r.name, r.operator, r.threshold, r.severity, r.window_hours,
        sources.map((s) => s.policy_id).join(';'), sources.map((s) => `${s.policy_name} v${s.policy_version}`).join('; '),
      ]
    }),
  )
}

/** The report's tables, each a whole CSV file, in a fixed order. */
export function reportCsvFiles(data: ReportData): ReportFile[] {
  const writers: Record<(typeof REPORT_CSV_TABLES)[number], (data: ReportData) => string> = {
    'applications-and-statuses': applicationsAndStatuses,
    gaps,
    attestations,
    exceptions,
    'rule-inventory': ruleInventory,
  }
  return REPORT_CSV_TABLES.map((table) => ({ path: `${table}.csv`, text: writers[table](data) }))
}
