/**
 * The sign-off form's values and what they become: the reference's payload for
 * `attestations.submit`, and the engine's refusals put back on the fields they name.
 */
import { EXCEPTION_MAX_MONTHS, type AttestationRequest, type AttestationStatus, type AttestationSubmission } from '../../../../src-shared/domain/attestations'

export interface ExceptionRow {
  /** Identifies the row while rows are added and removed; never sent. */
  key: number
  application_id: string
  requirement: string
  justification: string
  /** YYYY-MM-DD, as a date input gives it; '' until chosen. */
  expiry_date: string
}

export interface SignOffValues {
  /** '' until the reviewer chooses: no verdict is pre-selected. */
  status: AttestationStatus | ''
  notes: string
  exceptions: ExceptionRow[]
}

export const EMPTY_SIGN_OFF: SignOffValues = { status: '', notes: '', exceptions: [] }

/**
 * The payload, exceptions only with "compliant with exceptions" (rows typed before switching to
 * another status stay in the form, not in the attestation), blank notes as none.
 */
export function submissionFrom(request: Pick<AttestationRequest, 'id' | 'policy_id'>, values: SignOffValues): AttestationSubmission {
  return {
    id: request.policy_id,
    // An unchosen status goes to the engine as it is, which refuses it on the field like any other.
    status: values.status as AttestationStatus,
    notes: values.notes.trim() === '' ? null : values.notes,
    exceptions:
      values.status === 'compliant_with_exceptions'
        ? values.exceptions.map((row) => ({ application_id: row.application_id, requirement: row.requirement, justification: row.justification, expiry_date: row.expiry_date }))
        : [],
    request_id: request.id,
  }
}

/**
 * The engine names fields as its schema does (`exceptions.0.expiry_date: must be a date written
 * YYYY-MM-DD`); a field simply left empty reads better as what to do about it.
 */
export function withPlainWords(errors: Record<string, string>, values: SignOffValues): Record<string, string> {
  const plain = { ...errors }
  if (plain.status && !values.status) plain.status = 'Choose whether the policy is compliant.'
  values.exceptions.forEach((row, index) => {
    const at = (field: keyof ExceptionRow) => `exceptions.${index}.${field}`
    if (plain[at('application_id')] && !row.application_id) plain[at('application_id')] = 'Choose the application.'
    if (plain[at('requirement')] && !row.requirement) plain[at('requirement')] = 'Choose the requirement excepted.'
    if (plain[at('expiry_date')] && !row.expiry_date) plain[at('expiry_date')] = 'Choose the day the exception ends.'
  })
  return plain
}

/** YYYY-MM-DD of a moment, in UTC, as the engine reads expiry dates. */
const calendarDay = (at: Date) => at.toISOString().slice(0, 10)

/**
 * The days the date picker offers: from tomorrow to a year from today (UTC), the window the
 * engine accepts. Only a guide for the picker; the engine still decides, and says why.
 */
export function expiryBounds(now: number): { min: string; max: string } {
  const today = new Date(now)
  const tomorrow = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1))
  const months = today.getUTCMonth() + EXCEPTION_MAX_MONTHS
  const lastDay = new Date(Date.UTC(today.getUTCFullYear(), months + 1, 0)).getUTCDate()
  const max = new Date(Date.UTC(today.getUTCFullYear(), months, Math.min(today.getUTCDate(), lastDay)))
  return { min: calendarDay(tomorrow), max: calendarDay(max) }
}
