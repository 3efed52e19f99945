import { describe, expect, it } from 'vitest'
import { describeScope, formatSize, formatUtc, instantFromLocalInput, reportScope, type ReportChoices } from './report-options'

const everything: ReportChoices = { scopeKind: 'organization', policyId: null, applicationId: null, pastMoment: '' }

describe('the report choices', () => {
  it('asks for the whole organisation now when nothing is chosen', () => {
    expect(reportScope(everything)).toEqual({})
  })

  it('sends a past local moment as the UTC instant it is', () => {
    const asOf = instantFromLocalInput('2026-03-01T10:30')!
    expect(asOf).toBe(new Date('2026-03-01T10:30').toISOString())
    expect(reportScope({ ...everything, pastMoment: '2026-03-01T10:30' })).toEqual({ as_of: asOf })
  })

  it('ignores a moment that is not one', () => {
    expect(instantFromLocalInput('')).toBeUndefined()
    expect(instantFromLocalInput('2026-13-45T99:99')).toBeUndefined()
  })

  it('waits for a policy or an application to be picked before asking', () => {
    expect(reportScope({ ...everything, scopeKind: 'policy' })).toBeNull()
    expect(reportScope({ ...everything, scopeKind: 'policy', policyId: 'pol_1', applicationId: 'app_1' })).toEqual({ policy_id: 'pol_1' })
    expect(reportScope({ ...everything, scopeKind: 'application', applicationId: 'app_1' })).toEqual({ application_id: 'app_1' })
  })

  it('names a scope and a size in words', () => {
    expect(describeScope({ kind: 'organization', policy_id: null, policy_name: null, application_id: null, application_name: null })).toBe('Whole organisation')
    expect(describeScope({ kind: 'policy', policy_id: 'pol_1', policy_name: 'PII', application_id: null, application_name: null })).toBe('Policy: PII')
    expect(formatSize(1)).toBe('1 byte')
    expect(formatSize(2048)).toBe('2 KB')
    expect(formatUtc('2026-03-01T10:30:00.000Z')).toBe('2026-03-01 10:30 UTC')
  })
})
