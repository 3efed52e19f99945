import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('materialise', '2026-03-01T10:00:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

const app = (id: string, tags: string[] = [], extra: object = {}) => call('applications.create', { id, name: id, tags, ...extra })
const rulesOf = async (id: string) => (await call('applications.rules', { id })).alert_rules
const thresholds = async (id: string) => Object.fromEntries((await rulesOf(id)).map((r) => [r.requirement, r.threshold]))
const auditActions = async () => (await call('audit.list', { limit: 1000 })).events.map((e) => e.action)
const tagScope = (...tags: string[]) => ({ apply_to_all: false, tags, application_ids: [] })

describe('applying a policy', () => {
  it('materialises one alert rule per requirement on each covered application, and records when enforcement starts', async () => {
    await app('app_a', ['production'])
    await app('app_b', ['internal'])
    const policy = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('production') })
    const rules = await rulesOf('app_a')
    expect(rules.map((r) => [r.requirement, r.operator, r.threshold, r.severity])).toEqual([
      ['credit_card', '>', 0, 'critical'],
      ['gov_id', '>', 0, 'critical'],
      ['pii', '>', 2, 'critical'],
      ['sensitive_data', '>', 1, 'critical'],
    ])
    expect(rules[0]?.sources).toEqual([{ policy_id: policy.id, policy_name: 'Sensitive Data', operator: '>', threshold: 0, severity: 'critical' }])
    expect(await rulesOf('app_b')).toEqual([])
    const [covered] = (await call('policies.coverage', { id: policy.id })).applications
    expect(covered).toMatchObject({
      application_id: 'app_a',
      applied_at: '2026-03-01T10:00:00.000Z',
      enforcement_starts_at: '2026-03-31T10:00:00.000Z',
      policy_version: 1,
      missing_requirements: [],
    })
  })

  it('covers applications carrying any of the scope’s tags, explicit ids, or all', async () => {
    await app('app_ext', ['external-facing'])
    await app('app_prod', ['production'])
    await app('app_other', ['internal'])
    const policy = await call('policies.create', { name: 'P', alert_rules: [{ alert_rule_id: 'ar_toxicity' }] })
    const covered = async () => (await call('policies.coverage', { id: policy.id })).applications.map((a) => a.application_id).sort()
    await call('policies.update', { id: policy.id, scope: tagScope('external-facing', 'production') })
    expect(await covered()).toEqual(['app_ext', 'app_prod'])
    await call('policies.update', { id: policy.id, scope: { apply_to_all: false, tags: [], application_ids: ['app_other'] } })
    expect(await covered()).toEqual(['app_other'])
    await call('policies.update', { id: policy.id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    expect(await covered()).toEqual(['app_ext', 'app_other', 'app_prod'])
  })

  it('covers a new application that matches a scope at once, including one named in the scope before it existed', async () => {
    await call('policies.create', { name: 'By tag', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: tagScope('customer-data') })
    await call('policies.create', { name: 'By id', alert_rules: [{ alert_rule_id: 'ar_toxicity' }], scope: { application_ids: ['app_future'] } })
    await app('app_new', ['customer-data'])
    expect(Object.keys(await thresholds('app_new'))).toEqual(['pii'])
    await app('app_future')
    expect(Object.keys(await thresholds('app_future'))).toEqual(['toxicity'])
  })

  it('auto-applies to applications created after auto-apply was turned on, whatever their tags', async () => {
    await app('app_before')
    fixture.clock.advance(1000)
    await call('policies.createFromTemplate', { template_id: 'system_health', auto_apply: true })
    expect(await rulesOf('app_before')).toEqual([])
    fixture.clock.advance(1000)
    await app('app_after', ['anything'])
    expect(Object.keys(await thresholds('app_after')).sort()).toEqual(['availability', 'error_rate', 'latency_p95', 'throughput_drop'])
  })

  it('takes away, when an application leaves the scope, only the rules no other policy still requires', async () => {
    await app('app_a', ['external-facing', 'customer-data'])
    await call('policies.createFromTemplate', { template_id: 'hardened_external', scope: tagScope('external-facing') })
    await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('customer-data') })
    expect(Object.keys(await thresholds('app_a')).sort()).toEqual(['credit_card', 'gov_id', 'jailbreak', 'pii', 'prompt_injection', 'sensitive_data', 'toxicity'])
    await call('applications.update', { id: 'app_a', tags: ['customer-data'] })
    expect(Object.keys(await thresholds('app_a')).sort()).toEqual(['credit_card', 'gov_id', 'pii', 'sensitive_data'])
    const pii = (await rulesOf('app_a')).find((r) => r.requirement === 'pii')
    expect(pii?.sources.map((s) => s.policy_name)).toEqual(['Sensitive Data'])
    expect(await auditActions()).toEqual(expect.arrayContaining(['policy.detached', 'rule.removed', 'rule.updated']))
  })

  it('does not materialise a draft policy until it is published', async () => {
    await app('app_a', ['x'])
    const draft = await call('policies.create', { name: 'Draft', status: 'draft', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: { apply_to_all: true } })
    expect(await rulesOf('app_a')).toEqual([])
    await call('policies.update', { id: draft.id, status: 'published' })
    expect(Object.keys(await thresholds('app_a'))).toEqual(['pii'])
  })
})

describe('combining policies on one application', () => {
  it('keeps one rule per metric and direction, with the stricter threshold and the higher severity, listing every source', async () => {
    await app('app_a', ['chatbot'])
    const loose = await call('policies.create', {
      name: 'Loose',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }, { metric: 'toxicity', operator: '>', threshold: 1, severity: 'low' }],
      scope: tagScope('chatbot'),
    })
    const strict = await call('policies.create', {
      name: 'Strict',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 0.5, severity: 'medium' }, { metric: 'toxicity', operator: '>', threshold: 3, severity: 'high' }],
      scope: tagScope('chatbot'),
    })
    const rules = await rulesOf('app_a')
    expect(rules).toHaveLength(2)
    expect(rules.find((r) => r.requirement === 'pii')).toMatchObject({
      threshold: 0.5,
      severity: 'critical',
      sources: [
        { policy_id: loose.id, policy_name: 'Loose', threshold: 2, severity: 'critical', operator: '>' },
        { policy_id: strict.id, policy_name: 'Strict', threshold: 0.5, severity: 'medium', operator: '>' },
      ],
    })
    expect(rules.find((r) => r.requirement === 'toxicity')).toMatchObject({ threshold: 1, severity: 'high' })
  })

  it('treats lower bounds the other way round: the higher minimum is stricter', async () => {
    await app('app_a', ['q'])
    await call('policies.create', { name: 'A', alert_rules: [{ metric: 'availability', operator: '<', threshold: 99, severity: 'critical' }], scope: tagScope('q') })
    await call('policies.create', { name: 'B', alert_rules: [{ metric: 'availability', operator: '<', threshold: 99.9, severity: 'high' }], scope: tagScope('q') })
    expect((await rulesOf('app_a'))[0]).toMatchObject({ threshold: 99.9, severity: 'critical' })
  })

  it('keeps checks in opposite directions on the same metric as separate rules', async () => {
    await app('app_a', ['q'])
    await call('policies.create', { name: 'Ceiling', alert_rules: [{ metric: 'latency_p95', operator: '>', threshold: 5000, severity: 'high' }], scope: tagScope('q') })
    await call('policies.create', { name: 'Floor', alert_rules: [{ metric: 'latency_p95', operator: '<', threshold: 5, severity: 'low' }], scope: tagScope('q') })
    expect((await rulesOf('app_a')).map((r) => r.operator).sort()).toEqual(['<', '>'])
  })
})

describe('propagation', () => {
  it('updates the materialised rule on every covered application, in the same transaction as the policy change', async () => {
    for (const id of ['app_1', 'app_2', 'app_3']) await app(id, ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('production') })
    const before = (await rulesOf('app_1')).find((r) => r.requirement === 'pii')!
    const tightened = policy.alert_rules.map((r) => (r.requirement === 'pii' ? { ...r, threshold: 1 } : r))
    await call('policies.update', { id: policy.id, alert_rules: tightened })
    for (const id of ['app_1', 'app_2', 'app_3']) expect((await thresholds(id)).pii).toBe(1)
    const after = (await rulesOf('app_1')).find((r) => r.requirement === 'pii')!
    expect(after.id).toBe(before.id)
    expect((await call('policies.coverage', { id: policy.id })).applications.every((a) => a.policy_version === 2)).toBe(true)
    const updates = (await call('audit.list', { action: 'rule.updated', limit: 100 })).events
    expect(updates).toHaveLength(3)
    expect(updates[0]).toMatchObject({ before: { threshold: 2 }, after: { threshold: 1 } })
  })

  it('rolls the policy and every application back together when the change fails', async () => {
    await app('app_1', ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('production') })
    const bad = [...policy.alert_rules.map((r) => (r.requirement === 'pii' ? { ...r, threshold: 1 } : r)), { alert_rule_id: 'ar_missing' }]
    await expect(call('policies.update', { id: policy.id, alert_rules: bad })).rejects.toMatchObject({ field: 'alert_rules.4.alert_rule_id' })
    expect((await thresholds('app_1')).pii).toBe(2)
    expect((await call('policies.get', { id: policy.id })).version).toBe(1)
  })

  it('recomputes enforcement start when the enforcement delay changes', async () => {
    await app('app_1', ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'system_health', scope: tagScope('production') })
    fixture.clock.advance(86_400_000)
    await call('policies.update', { id: policy.id, enforcement_delay_days: 7 })
    const [covered] = (await call('policies.coverage', { id: policy.id })).applications
    expect(covered).toMatchObject({ applied_at: '2026-03-01T10:00:00.000Z', enforcement_starts_at: '2026-03-08T10:00:00.000Z' })
  })
})

describe('deleting a materialised rule', () => {
  it('re-flags the application as non-compliant for every policy requiring it (a missing rule), until restored', async () => {
    await app('app_1', ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('production') })
    const pii = (await rulesOf('app_1')).find((r) => r.requirement === 'pii')!
    const result = await call('applications.deleteRule', { id: 'app_1', rule_id: pii.id })
    expect(result.restored).toBeNull()
    const state = await call('applications.rules', { id: 'app_1' })
    expect(state.alert_rules.map((r) => r.requirement)).not.toContain('pii')
    expect(state.missing).toEqual([expect.objectContaining({ requirement: 'pii', policy_ids: [policy.id] })])
    expect((await call('policies.coverage', { id: policy.id })).applications[0]?.missing_requirements).toEqual(['pii'])

    // A policy change does not quietly bring it back; only a restore does.
    await call('policies.update', { id: policy.id, description: 'touched' })
    expect((await call('applications.rules', { id: 'app_1' })).missing).toHaveLength(1)
    const { restored } = await call('applications.restoreRules', { id: 'app_1' })
    expect(restored.map((r) => r.requirement)).toEqual(['pii'])
    expect((await call('policies.coverage', { id: policy.id })).applications[0]?.missing_requirements).toEqual([])
    expect(await auditActions()).toEqual(expect.arrayContaining(['rule.deleted', 'rule.restored']))
  })

  it('is recreated at once, and the restore logged, when the policy’s auto-restore is on', async () => {
    await app('app_1', ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: tagScope('production') })
    await call('policies.update', { id: policy.id, auto_restore: true })
    const pii = (await rulesOf('app_1')).find((r) => r.requirement === 'pii')!
    const result = await call('applications.deleteRule', { id: 'app_1', rule_id: pii.id })
    expect(result.restored).toMatchObject({ requirement: 'pii', threshold: 2 })
    expect(result.restored?.id).not.toBe(pii.id)
    expect((await call('applications.rules', { id: 'app_1' })).missing).toEqual([])
    const restoredEvent = (await call('audit.list', { action: 'rule.restored', limit: 10 })).events[0]
    expect(restoredEvent).toMatchObject({ entity_id: 'app_1', after: { requirement: 'pii', reason: expect.stringContaining('auto-restore') } })
  })

  it('answers 404-style not_found for a rule the application does not have', async () => {
    await app('app_1')
    await expect(call('applications.deleteRule', { id: 'app_1', rule_id: 'rule_nope' })).rejects.toMatchObject({ code: 'not_found', field: 'rule_id' })
  })
})

describe('the audit trail of policy changes', () => {
  it('records the policy change, its version, the scope change, the attachment and every materialised rule, with who and when', async () => {
    await app('app_1', ['production'])
    const policy = await call('policies.createFromTemplate', { template_id: 'system_health' })
    fixture.clock.set('2026-03-02T08:00:00.000Z')
    await call('policies.update', { id: policy.id, scope: tagScope('production') })
    const events = (await call('audit.list', { since: '2026-03-02T00:00:00.000Z', limit: 100 })).events
    expect(events.map((e) => e.action).sort()).toEqual(
      ['policy.attached', 'policy.scope_changed', 'policy.updated', 'policy.version_created', 'rule.materialised', 'rule.materialised', 'rule.materialised', 'rule.materialised'].sort(),
    )
    expect(events.every((e) => e.at === '2026-03-02T08:00:00.000Z' && e.actor.name === 'Olivia Owner')).toBe(true)
    const scope = events.find((e) => e.action === 'policy.scope_changed')
    expect(scope).toMatchObject({ entity_type: 'policy', entity_id: policy.id, before: { tags: [] }, after: { tags: ['production'] } })
  })
})
