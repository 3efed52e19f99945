import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('rules')
const call: typeof fixture.call = (...args) => fixture.call(...args)

describe('the alert rule library', () => {
  it('starts with the fifteen recommended rules behind the templates', async () => {
    const { alert_rules } = await call('alertRules.list', {})
    expect(alert_rules).toHaveLength(15)
    expect(alert_rules.every((rule) => rule.recommended && rule.builtin)).toBe(true)
    expect(alert_rules.find((rule) => rule.id === 'ar_jailbreak')).toMatchObject({ metric: 'jailbreak', operator: '>', threshold: 0.1, severity: 'critical' })
  })

  it('adds a rule with its metric, operator, threshold, severity, window and recommended flag', async () => {
    const rule = await call('alertRules.create', { name: 'Hallucination above 2%', metric: 'hallucination', operator: '>=', threshold: 2, severity: 'high', window_hours: 72 })
    expect(rule).toMatchObject({ id: expect.stringMatching(/^ar_/), window_hours: 72, recommended: false, builtin: false, no_data: 'pending' })
    expect((await call('audit.list', {})).events[0]).toMatchObject({ action: 'alert_rule.created', entity_id: rule.id })
  })

  it('refuses an unknown metric or operator, and a threshold outside the metric’s range', async () => {
    await expect(call('alertRules.create', { name: 'x', metric: 'vibes' as never, operator: '>', threshold: 1, severity: 'low' })).rejects.toMatchObject({ field: 'metric' })
    await expect(call('alertRules.create', { name: 'x', metric: 'pii', operator: '=>' as never, threshold: 1, severity: 'low' })).rejects.toMatchObject({ field: 'operator' })
    await expect(call('alertRules.create', { name: 'x', metric: 'coherence', operator: '<', threshold: 7, severity: 'low' })).rejects.toMatchObject({
      field: 'threshold',
      message: expect.stringContaining('between 0 and 1'),
    })
  })
})

describe('the attestation rule library', () => {
  it('adds a rule with frequency, reviewers (people and groups), deadline, escalation, notes and blocking', async () => {
    const ciso = await call('users.create', { name: 'CISO', email: 'ciso@example.com' })
    const owners = await call('groups.create', { name: 'app-owners' })
    const rule = await call('attestationRules.create', {
      name: 'Manual Validation — Valid for 30 days',
      frequency: 'every_n_days',
      every_days: 30,
      reviewers: [{ type: 'group', id: owners.id }],
      deadline_days: 7,
      escalation_path: [{ type: 'user', id: ciso.id }],
      notes_required: true,
      blocking: 'block',
    })
    expect(rule).toMatchObject({ frequency: 'every_n_days', every_days: 30, deadline_days: 7, notes_required: true, blocking: 'block' })
    expect((await call('attestationRules.list', {})).attestation_rules).toEqual([rule])
  })

  it('needs a reviewer who exists, and every_days for an every-N-days rule', async () => {
    await expect(call('attestationRules.create', { name: 'x', frequency: 'monthly', reviewers: [] })).rejects.toMatchObject({ field: 'reviewers' })
    await expect(call('attestationRules.create', { name: 'x', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_ghost' }] })).rejects.toMatchObject({
      field: 'reviewers.0.id',
    })
    await expect(call('attestationRules.create', { name: 'x', frequency: 'every_n_days', reviewers: [{ type: 'user', id: 'usr_owner' }] })).rejects.toMatchObject({
      field: 'every_days',
    })
  })
})
