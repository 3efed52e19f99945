import { describe, expect, it } from 'vitest'
import { reinstatementSummary, retirementConsequenceLines } from './retirement-consequences'

const gap = { id: 1 } as never

describe('retirement consequences', () => {
  it('names the policies it leaves, the rules removed and the gaps closed, and that history stays', () => {
    const lines = retirementConsequenceLines({
      policies: [
        { id: 'pol_a', name: 'A' },
        { id: 'pol_b', name: 'B' },
        { id: 'pol_c', name: 'C' },
      ],
      rules_removed: 12,
      open_gaps: [gap, gap],
    })
    expect(lines).toEqual([
      'Stops being covered by 3 policies: A, B, C',
      '12 alert rules these policies placed on it are removed',
      '2 open gaps are closed',
      'It leaves the applications list, the dashboard and compliance totals',
      'Its history — audit trail, past compliance — is kept, and it can be reinstated',
    ])
  })

  it('speaks in the singular for one of each', () => {
    const lines = retirementConsequenceLines({ policies: [{ id: 'pol_a', name: 'PII' }], rules_removed: 1, open_gaps: [gap] })
    expect(lines.slice(0, 3)).toEqual(['Stops being covered by 1 policy: PII', '1 alert rule this policy placed on it is removed', '1 open gap is closed'])
  })

  it('says so when nothing covers it, and leaves out rules and gaps it does not have', () => {
    const lines = retirementConsequenceLines({ policies: [], rules_removed: 0, open_gaps: [] })
    expect(lines[0]).toBe('No policy covers it now, so no coverage is lost')
    expect(lines.join('\n')).not.toMatch(/alert rule|open gap/)
  })

  it('sums up a reinstatement by the coverage that came back', () => {
    const application = {} as never
    expect(reinstatementSummary('Fraud Scorer', { application, policies: [{ id: 'pol_a', name: 'PII' }], rules_materialised: 3 })).toBe(
      'Reinstated Fraud Scorer: covered again by 1 policy (PII), with 3 alert rules placed anew',
    )
    expect(reinstatementSummary('Fraud Scorer', { application, policies: [], rules_materialised: 0 })).toBe('Reinstated Fraud Scorer; no policy covers it yet')
  })
})
