import { describe, expect, it } from 'vitest'
import { expiryBounds, submissionFrom, withPlainWords, type SignOffValues } from './sign-off'

const request = { id: 'atq_1', policy_id: 'pol_1' }
const row = { key: 1, application_id: 'app_1', requirement: 'pii', justification: 'Accepted risk, JIRA-1234', expiry_date: '2027-06-30' }

describe('the sign-off payload', () => {
  it('answers the request it was opened from, for its policy, with the exceptions granted', () => {
    const values: SignOffValues = { status: 'compliant_with_exceptions', notes: 'PII tracked in JIRA-1234', exceptions: [row] }
    expect(submissionFrom(request, values)).toEqual({
      id: 'pol_1',
      status: 'compliant_with_exceptions',
      notes: 'PII tracked in JIRA-1234',
      exceptions: [{ application_id: 'app_1', requirement: 'pii', justification: 'Accepted risk, JIRA-1234', expiry_date: '2027-06-30' }],
      request_id: 'atq_1',
    })
  })

  it('leaves out exceptions typed before the reviewer chose another status, and sends blank notes as none', () => {
    expect(submissionFrom(request, { status: 'non_compliant', notes: '  \n', exceptions: [row] })).toMatchObject({ status: 'non_compliant', notes: null, exceptions: [] })
  })
})

describe('refusals in plain words', () => {
  it('says what to do about a field left empty, and keeps the engine’s words for one filled in wrongly', () => {
    const values: SignOffValues = { status: '', notes: '', exceptions: [{ ...row, application_id: '', expiry_date: '' }, { ...row, key: 2, expiry_date: '2020-01-01' }] }
    const errors = {
      status: 'status must be one of: compliant, compliant_with_exceptions, non_compliant',
      'exceptions.0.application_id': 'must be an application id such as app_…',
      'exceptions.0.expiry_date': 'must be a date written YYYY-MM-DD, such as 2027-04-15',
      'exceptions.1.expiry_date': 'expiry_date must be in the future',
    }
    expect(withPlainWords(errors, values)).toEqual({
      status: 'Choose whether the policy is compliant.',
      'exceptions.0.application_id': 'Choose the application.',
      'exceptions.0.expiry_date': 'Choose the day the exception ends.',
      'exceptions.1.expiry_date': 'expiry_date must be in the future',
    })
  })
})

describe('the days the date picker offers', () => {
  it('runs from tomorrow to a year from today, in UTC', () => {
    expect(expiryBounds(Date.parse('2027-03-10T23:30:00Z'))).toEqual({ min: '2027-03-11', max: '2028-03-10' })
  })

  it('ends on the last day of the month a year on when that month is shorter', () => {
    expect(expiryBounds(Date.parse('2028-02-29T10:00:00Z'))).toEqual({ min: '2028-03-01', max: '2029-02-28' })
  })
})
