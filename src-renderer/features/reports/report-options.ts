/**
 * The Reports screen's choices as words and as the engine takes them: the three formats and what
 * each holds, the scope, and the moment (a local date and time, sent as the UTC instant it is).
 */
import type { ReportExport, ReportFormat, ReportScope } from '../../../src-shared/domain/reports'

export const FORMAT_CHOICES: ReadonlyArray<{ value: ReportFormat; label: string; description: string }> = [
  {
    value: 'pdf',
    label: 'PDF',
    description: 'One document to read or hand to an auditor: the summary, every policy and application with its status, the gaps, sign-offs and exceptions, and the alert rules in force.',
  },
  {
    value: 'csv',
    label: 'CSV tables',
    description: 'A zip of one CSV file per table (applications, gaps, attestations, exceptions, the alert rules each application carries), to analyse in a spreadsheet.',
  },
  {
    value: 'package',
    label: 'Audit package',
    description: 'A zip holding the PDF, the CSV tables, the report as JSON and the audit trail of the period, with a manifest of each file’s SHA-256, to check that nothing was changed.',
  },
]

export const FORMAT_LABELS: Record<ReportFormat, string> = Object.fromEntries(FORMAT_CHOICES.map((choice) => [choice.value, choice.label])) as Record<ReportFormat, string>

export type ScopeKind = 'organization' | 'policy' | 'application'

export interface ReportChoices {
  scopeKind: ScopeKind
  policyId: string | null
  applicationId: string | null
  /** A past moment as `<input type="datetime-local">` gives it (local time, no zone), or '' for now. */
  pastMoment: string
}

/** The local date and time of the input as the UTC instant the engine takes; undefined when blank or invalid. */
export function instantFromLocalInput(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return undefined
  const instant = new Date(local)
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString()
}

/** An instant as `<input type="datetime-local">` shows it, in local time: for the input's `max`. */
export function localInputFromInstant(instant: Date): string {
  return new Date(instant.getTime() - instant.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

/** "2026-03-01 09:30 UTC": how a moment reads where it must not be mistaken for local time. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** The scope and moment as the engine takes them; null while a picker has nothing chosen. */
export function reportScope(choices: ReportChoices): ReportScope | null {
  const asOf = instantFromLocalInput(choices.pastMoment)
  const moment = asOf ? { as_of: asOf } : {}
  if (choices.scopeKind === 'policy') return choices.policyId ? { policy_id: choices.policyId, ...moment } : null
  if (choices.scopeKind === 'application') return choices.applicationId ? { application_id: choices.applicationId, ...moment } : null
  return moment
}

/** What an export covered, in words: "Whole organisation", "Policy: PII sign-off". */
export function describeScope(scope: ReportExport['scope']): string {
  if (scope.kind === 'policy') return `Policy: ${scope.policy_name ?? scope.policy_id}`
  if (scope.kind === 'application') return `Application: ${scope.application_name ?? scope.application_id}`
  return 'Whole organisation'
}

const SIZE_UNITS = ['bytes', 'KB', 'MB', 'GB']

/** 1,234 bytes, 56.7 KB, 3.2 MB (1 KB = 1,024 bytes). */
export function formatSize(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes.toLocaleString()} ${bytes === 1 ? 'byte' : 'bytes'}` : `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} ${SIZE_UNITS[unit]}`
}
