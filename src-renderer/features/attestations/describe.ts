/** How attestation requests, periods, reviewers and exceptions read in the inbox, the review screen and the policy page. */
import type { Addressee, AttestationRequest, RequestState } from '../../../src-shared/domain/attestations'
import { formatCalendarDate } from '../../components/format'

export const REQUEST_STATE_LABELS: Readonly<Record<RequestState, string>> = {
  open: 'Open',
  overdue: 'Overdue',
  done: 'Signed off',
  withdrawn: 'Withdrawn',
}

/** Overdue in the Attestation Overdue status's colour, so the two read as one thing. */
export const REQUEST_STATE_COLOURS: Readonly<Record<RequestState, string>> = {
  open: 'blue',
  overdue: 'grape',
  done: 'green',
  withdrawn: 'gray',
}

const DAY_MS = 86_400_000

/** A UTC day, as periods are counted: read locally, a period starting at midnight UTC would show the day before in the Americas. */
function utcDay(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { timeZone: 'UTC' })
}

/** "1/1/2027 – 3/31/2027": the period's first and last day (its end is the next period's start). */
export function formatPeriod(request: Pick<AttestationRequest, 'period_start' | 'period_end'>): string {
  return `${utcDay(request.period_start)} – ${utcDay(new Date(Date.parse(request.period_end) - 1).toISOString())}`
}

/** "due in 3 days", "due today", "2 days overdue": how near a deadline is, from `now`. */
export function describeDue(dueAt: string, now: number): string {
  const days = Math.floor((Date.parse(dueAt) - now) / DAY_MS)
  if (Date.parse(dueAt) <= now) {
    const late = Math.max(1, Math.ceil((now - Date.parse(dueAt)) / DAY_MS))
    return `${late} ${late === 1 ? 'day' : 'days'} overdue`
  }
  if (days === 0) return 'due within a day'
  return `due in ${days} ${days === 1 ? 'day' : 'days'}`
}

/** "Ana Auditor, Risk Committee (group)": who a request is addressed to. */
export function describeAddressees(addressees: readonly Addressee[]): string {
  if (addressees.length === 0) return '—'
  return addressees.map((addressee) => (addressee.type === 'group' ? `${addressee.name} (group)` : addressee.name)).join(', ')
}

/** "Excepted until 4/15/2027 — Accepted risk, JIRA-1234": an exception as a requirement shows it, in the engine's own words. */
export function describeException(exception: { expiry_date: string; justification: string }): string {
  return `Excepted until ${formatCalendarDate(exception.expiry_date)} — ${exception.justification}`
}
