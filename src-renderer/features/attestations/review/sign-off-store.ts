/**
 * The sign-off being written, kept per request while the console runs: a reviewer who opens an
 * application's page to look closer comes back to the form as they left it.
 */
import { create } from 'zustand'
import type { Attestation, AttestationRequest, AttestationStatus } from '../../../../src-shared/domain/attestations'
import { client } from '../../../api/client'
import { errorsByField } from '../../../components/field-errors'
import { EMPTY_SIGN_OFF, submissionFrom, withPlainWords, type ExceptionRow, type SignOffValues } from './sign-off'

interface SignOffState {
  requestId?: string
  values: SignOffValues
  /** The engine's refusals by field path (`notes`, `exceptions.0.expiry_date`), `form` for the rest. */
  errors: Record<string, string>
  submitting: boolean
  /** Starts on a request, keeping the draft if it is the one already being written. */
  begin(requestId: string): void
  setStatus(status: AttestationStatus): void
  setNotes(notes: string): void
  /** Adds an exception row, optionally filled in (from the evidence's "Add exception"); returns its key. */
  addException(prefill?: Partial<Omit<ExceptionRow, 'key'>>): number
  updateException(key: number, patch: Partial<Omit<ExceptionRow, 'key'>>): void
  removeException(key: number): void
  /** Sends the sign-off; resolves with the attestation, or undefined when the engine refused (errors are then set). */
  submit(request: AttestationRequest): Promise<Attestation | undefined>
}

let nextKey = 1

export const useSignOff = create<SignOffState>((set, get) => ({
  values: EMPTY_SIGN_OFF,
  errors: {},
  submitting: false,
  begin(requestId) {
    if (get().requestId !== requestId) set({ requestId, values: EMPTY_SIGN_OFF, errors: {}, submitting: false })
  },
  setStatus(status) {
    const { values } = get()
    // Choosing "with exceptions" opens the editor on a first row to fill in.
    const exceptions = status === 'compliant_with_exceptions' && values.exceptions.length === 0 ? [emptyRow()] : values.exceptions
    set({ values: { ...values, status, exceptions } })
  },
  setNotes(notes) {
    set({ values: { ...get().values, notes } })
  },
  addException(prefill = {}) {
    const { values } = get()
    // A blank row left from choosing the status is filled in rather than followed by another.
    const blank = values.exceptions.find((row) => !row.application_id && !row.requirement && !row.justification && !row.expiry_date)
    const row = { ...(blank ?? emptyRow()), ...prefill }
    const exceptions = blank ? values.exceptions.map((candidate) => (candidate.key === blank.key ? row : candidate)) : [...values.exceptions, row]
    set({ values: { ...values, status: 'compliant_with_exceptions', exceptions } })
    return row.key
  },
  updateException(key, patch) {
    const { values } = get()
    set({ values: { ...values, exceptions: values.exceptions.map((row) => (row.key === key ? { ...row, ...patch } : row)) } })
  },
  removeException(key) {
    const { values } = get()
    // Refusals name rows by position, which removing a row shifts: they would land on the wrong rows.
    const errors = Object.fromEntries(Object.entries(get().errors).filter(([field]) => !field.startsWith('exceptions.')))
    set({ values: { ...values, exceptions: values.exceptions.filter((row) => row.key !== key) }, errors })
  },
  async submit(request) {
    const { values } = get()
    set({ submitting: true, errors: {} })
    try {
      const attestation = await client.call('attestations.submit', submissionFrom(request, values))
      set({ requestId: undefined, values: EMPTY_SIGN_OFF, submitting: false })
      return attestation
    } catch (error) {
      set({ errors: withPlainWords(errorsByField(error), values), submitting: false })
      return undefined
    }
  },
}))

function emptyRow(): ExceptionRow {
  return { key: nextKey++, application_id: '', requirement: '', justification: '', expiry_date: '' }
}
