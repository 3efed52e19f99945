import { describe, expect, it } from 'vitest'
import { describeAddressees, describeDue, describeException, formatPeriod } from './describe'

const NOW = Date.parse('2027-03-10T12:00:00Z')

describe('how attestation requests read', () => {
  it('shows a period by its first and last UTC day, the end being the next period’s start', () => {
    const utc = (iso: string) => new Date(iso).toLocaleDateString(undefined, { timeZone: 'UTC' })
    expect(formatPeriod({ period_start: '2027-01-01T00:00:00.000Z', period_end: '2027-04-01T00:00:00.000Z' })).toBe(`${utc('2027-01-01T00:00:00Z')} – ${utc('2027-03-31T00:00:00Z')}`)
  })

  it('counts the days to a deadline, and the days past it', () => {
    expect(describeDue('2027-03-13T12:00:00Z', NOW)).toBe('due in 3 days')
    expect(describeDue('2027-03-11T13:00:00Z', NOW)).toBe('due in 1 day')
    expect(describeDue('2027-03-10T20:00:00Z', NOW)).toBe('due within a day')
    expect(describeDue('2027-03-10T11:00:00Z', NOW)).toBe('1 day overdue')
    expect(describeDue('2027-03-07T12:00:00Z', NOW)).toBe('3 days overdue')
  })

  it('names people, and groups as groups', () => {
    expect(
      describeAddressees([
        { type: 'user', id: 'usr_1', name: 'Ana Auditor', members: [] },
        { type: 'group', id: 'grp_1', name: 'Risk Committee', members: [{ id: 'usr_2', name: 'Bo' }] },
      ]),
    ).toBe('Ana Auditor, Risk Committee (group)')
    expect(describeAddressees([])).toBe('—')
  })

  it('says until when an exception holds, on its calendar date whatever the reader’s time zone, and why', () => {
    const day = new Date('2027-04-15T00:00:00Z').toLocaleDateString(undefined, { timeZone: 'UTC' })
    expect(describeException({ expiry_date: '2027-04-15', justification: 'Accepted risk, JIRA-1234' })).toBe(`Excepted until ${day} — Accepted risk, JIRA-1234`)
  })
})
