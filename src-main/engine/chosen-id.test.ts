/**
 * Records created with ids their sender chose, as a desktop creating them offline does: the id is
 * kept, later changes may name it at once, and an id already taken or of the wrong kind is refused.
 */
import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../testing/fresh-engine'

const fixture = freshEngineForEachTest('chosen-ids')

describe('ids chosen by the sender', () => {
  it('are kept for people, groups, library rules and policies, so the next change can name them', async () => {
    const { call } = fixture
    const person = await call('users.create', { id: 'usr_ana_offline', name: 'Ana Ortiz', role: 'reviewer' })
    const group = await call('groups.create', { id: 'grp_reviewers_offline', name: 'Reviewers', member_ids: [person.id] })
    const alertRule = await call('alertRules.create', { id: 'ar_pii_offline', name: 'PII above 1%', metric: 'pii', operator: '>', threshold: 1, severity: 'critical' })
    const attestationRule = await call('attestationRules.create', { id: 'atr_monthly_offline', name: 'Monthly', frequency: 'monthly', reviewers: [{ type: 'group', id: group.id }] })
    const policy = await call('policies.create', { id: 'pol_customer_data_offline', name: 'Customer data', alert_rules: [{ alert_rule_id: alertRule.id }], attestation_rule_ids: [attestationRule.id] })
    const fromTemplate = await call('policies.createFromTemplate', { id: 'pol_health_offline', template_id: 'system_health' })
    expect([person.id, group.id, alertRule.id, attestationRule.id, policy.id, fromTemplate.id]).toEqual(['usr_ana_offline', 'grp_reviewers_offline', 'ar_pii_offline', 'atr_monthly_offline', 'pol_customer_data_offline', 'pol_health_offline'])
    expect(await call('policies.update', { id: 'pol_customer_data_offline', description: 'Named before any answer came back' })).toMatchObject({ version: 2 })
  })

  it('are refused when taken, naming the id, and when of another kind, naming the field', async () => {
    const { call } = fixture
    await call('users.create', { id: 'usr_taken', name: 'First' })
    await expect(call('users.create', { id: 'usr_taken', name: 'Second' })).rejects.toMatchObject({ code: 'conflict', field: 'id', message: 'A person with id usr_taken already exists' })
    await call('policies.createFromTemplate', { id: 'pol_taken', template_id: 'system_health' })
    await expect(call('policies.createFromTemplate', { id: 'pol_taken', template_id: 'sensitive_data' })).rejects.toMatchObject({ code: 'conflict', field: 'id' })
    await expect(call('groups.create', { id: 'usr_not_a_group', name: 'Wrong kind' })).rejects.toMatchObject({ code: 'invalid_input', field: 'id' })
    expect((await call('users.list', {})).users.filter((user) => user.name === 'Second')).toEqual([])
  })
})
