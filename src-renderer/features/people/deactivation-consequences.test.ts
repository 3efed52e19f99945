import { describe, expect, it } from 'vitest'
import { deactivationWording } from './deactivation-consequences'

const rule = (name: string, flags: { as_reviewer?: boolean; as_escalation?: boolean; leaves_no_active_reviewer?: boolean }) => ({
  id: `atr_${name}`,
  name,
  as_reviewer: false,
  as_escalation: false,
  leaves_no_active_reviewer: false,
  ...flags,
})

describe('deactivation wording', () => {
  it('names groups, policies owned through each group, rules by role and the tokens that stop working', () => {
    const { consequences, warnings } = deactivationWording({
      groups: [
        { id: 'grp_g', name: 'Governance Team' },
        { id: 'grp_o', name: 'app-owners' },
      ],
      policies_owned: [
        { id: 'pol_1', name: 'PII', group_id: 'grp_g', group_name: 'Governance Team' },
        { id: 'pol_2', name: 'Toxicity', group_id: 'grp_g', group_name: 'Governance Team' },
        { id: 'pol_3', name: 'Latency', group_id: 'grp_o', group_name: 'app-owners' },
      ],
      attestation_rules: [rule('Quarterly', { as_reviewer: true, leaves_no_active_reviewer: true }), rule('Monthly', { as_escalation: true }), rule('Both', { as_reviewer: true, as_escalation: true })],
      api_tokens: [{ id: 'tok_1', name: 'ci-pipeline' }],
    })
    expect(consequences).toEqual([
      'No longer picked as a reviewer, policy owner or escalation contact',
      'Stays a member of 2 groups on record (Governance Team, app-owners), but is no longer picked through them',
      'No longer among the owners, through Governance Team, of 2 policies: PII, Toxicity',
      'No longer among the owners, through app-owners, of 1 policy: Latency',
      'No longer reviews “Quarterly”',
      'Leaves the escalation path of “Monthly”',
      'No longer reviews “Both”, nor is on its escalation path',
      '1 API token acting for them stops working: ci-pipeline',
      'Stays on record — in the audit trail and past attestations — and can be reactivated',
    ])
    expect(warnings).toEqual(['“Quarterly” is left with no active reviewer: add someone before its next attestation is due'])
  })

  it('says when nothing else names them, and warns of nothing', () => {
    const { consequences, warnings } = deactivationWording({ groups: [], policies_owned: [], attestation_rules: [], api_tokens: [] })
    expect(consequences).toContain('Nothing else names them: no group, attestation rule or API token')
    expect(warnings).toEqual([])
  })
})
