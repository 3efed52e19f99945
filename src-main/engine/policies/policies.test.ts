import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { withRawWorkspace } from '../../testing/engine-database'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('policies')
const call: typeof fixture.call = (...args) => fixture.call(...args)

const piiRule = { metric: 'pii', operator: '>', threshold: 2, severity: 'critical' } as const

describe('policies', () => {
  it('creates a policy with the defaults of the reference: 30-day enforcement delay, empty scope', async () => {
    const policy = await call('policies.create', { name: 'Customer data', alert_rules: [piiRule] })
    expect(policy).toMatchObject({
      name: 'Customer data',
      enforcement_delay_days: 30,
      scope: { apply_to_all: false, tags: [], application_ids: [] },
      auto_apply: false,
      status: 'published',
      version: 1,
      alert_rules: [{ requirement: 'pii', operator: '>', threshold: 2, severity: 'critical', window_hours: 24, no_data: 'pending' }],
    })
    expect(policy.id).toMatch(/^pol_/)
  })

  it('refuses a policy with neither an alert rule nor an attestation rule, naming why', async () => {
    await expect(call('policies.create', { name: 'Empty' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'alert_rules',
      message: 'A policy requires at least one alert rule or one attestation rule',
    })
    expect((await call('policies.list', {})).policies).toEqual([])
  })

  it('requires a name, unique among live policies (case-insensitively)', async () => {
    await expect(call('policies.create', { name: '  ', alert_rules: [piiRule] })).rejects.toMatchObject({ field: 'name' })
    await call('policies.create', { name: 'Baseline', alert_rules: [piiRule] })
    await expect(call('policies.create', { name: 'baseline', alert_rules: [piiRule] })).rejects.toMatchObject({ code: 'conflict', field: 'name' })
  })

  it('takes library rules by id, with this policy’s own threshold', async () => {
    const policy = await call('policies.create', { name: 'Strict PII', alert_rules: [{ alert_rule_id: 'ar_pii', threshold: 0.5 }] })
    expect(policy.alert_rules[0]).toMatchObject({ requirement: 'pii', threshold: 0.5, severity: 'critical', alert_rule_id: 'ar_pii' })
  })

  it('names the entry at fault: an unknown library rule, an out-of-range threshold, a metric twice', async () => {
    await expect(call('policies.create', { name: 'A', alert_rules: [piiRule, { alert_rule_id: 'ar_nope' }] })).rejects.toMatchObject({
      field: 'alert_rules.1.alert_rule_id',
    })
    await expect(call('policies.create', { name: 'B', alert_rules: [{ ...piiRule, threshold: 150 }] })).rejects.toMatchObject({
      field: 'alert_rules.0.threshold',
      message: expect.stringContaining('between 0 and 100'),
    })
    await expect(call('policies.create', { name: 'C', alert_rules: [piiRule, { alert_rule_id: 'ar_pii' }] })).rejects.toMatchObject({
      field: 'alert_rules.1.metric',
    })
    await expect(call('policies.create', { name: 'D', alert_rules: [{ metric: 'pii', operator: '>' }] })).rejects.toMatchObject({
      field: 'alert_rules.0.threshold',
    })
  })

  it('clones a template into a custom policy, as is or renamed', async () => {
    const asIs = await call('policies.createFromTemplate', { template_id: 'system_health' })
    expect(asIs).toMatchObject({ name: 'System Health', template_id: 'system_health' })
    expect(asIs.alert_rules.map((r) => r.requirement)).toEqual(['latency_p95', 'error_rate', 'throughput_drop', 'availability'])
    await expect(call('policies.createFromTemplate', { template_id: 'system_health' })).rejects.toMatchObject({ code: 'conflict', field: 'name' })
    const clone = await call('policies.createFromTemplate', { template_id: 'system_health', name: 'System Health (EU)' })
    const edited = await call('policies.update', {
      id: clone.id,
      alert_rules: clone.alert_rules.map((r) => (r.requirement === 'latency_p95' ? { ...r, threshold: 3000 } : r)),
    })
    expect(edited.alert_rules.find((r) => r.requirement === 'latency_p95')?.threshold).toBe(3000)
    expect((await call('policies.get', { id: asIs.id })).alert_rules[0]?.threshold).toBe(5000)
  })

  it('remembers the template a customised policy started from', async () => {
    const customised = await call('policies.create', { name: 'Sensitive Data (custom)', alert_rules: [{ alert_rule_id: 'ar_pii', threshold: 1 }], template_id: 'sensitive_data' })
    expect(customised.template_id).toBe('sensitive_data')
    expect((await call('policies.create', { name: 'From scratch', alert_rules: [piiRule] })).template_id).toBeNull()
  })

  it('makes every change a new immutable version, listed newest first and diffable', async () => {
    const policy = await call('policies.create', { name: 'Versioned', alert_rules: [piiRule] })
    await call('policies.update', { id: policy.id, alert_rules: [{ ...piiRule, threshold: 1 }] })
    await call('policies.update', { id: policy.id, scope: { apply_to_all: false, tags: ['external-facing'], application_ids: [] } })
    const { versions } = await call('policies.versions', { id: policy.id })
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(versions[2]?.definition.alert_rules[0]?.threshold).toBe(2)
    expect(versions[1]?.definition.alert_rules[0]?.threshold).toBe(1)
    expect(versions[1]?.summary).toContain('alert_rules.pii.threshold 2 → 1')
    const diff = await call('policies.diff', { id: policy.id, from: 1, to: 3 })
    expect(diff.changes).toEqual([
      { path: 'alert_rules.pii.threshold', before: 2, after: 1 },
      { path: 'scope.tags', before: [], after: ['external-facing'] },
    ])
    await withRawWorkspace(fixture.engine.path, (db) => expect(sql`UPDATE policy_versions SET summary = 'rewritten'`.execute(db)).rejects.toThrow(/immutable/))
  })

  it('does not make a version for a change that changes nothing', async () => {
    const policy = await call('policies.create', { name: 'Same', alert_rules: [piiRule] })
    const again = await call('policies.update', { id: policy.id, name: 'Same', alert_rules: [piiRule] })
    expect(again.version).toBe(1)
  })

  it('archives a policy: it covers nothing, keeps its history, frees its name and refuses changes', async () => {
    const app = await call('applications.create', { name: 'Bot', tags: ['x'] })
    const policy = await call('policies.create', { name: 'Old', alert_rules: [piiRule], scope: { apply_to_all: true } })
    expect((await call('applications.rules', { id: app.id })).alert_rules).toHaveLength(1)
    const archived = await call('policies.archive', { id: policy.id })
    expect(archived).toMatchObject({ archived: true, covered_application_count: 0, version: 2 })
    expect((await call('applications.rules', { id: app.id })).alert_rules).toEqual([])
    expect((await call('policies.list', {})).policies).toEqual([])
    expect((await call('policies.list', { include_archived: true })).policies).toHaveLength(1)
    await expect(call('policies.update', { id: policy.id, name: 'Revived' })).rejects.toMatchObject({ code: 'conflict' })
    await call('policies.create', { name: 'Old', alert_rules: [piiRule] })
  })

  it('keeps attestation rules and ownership by reference, refusing unknown ones', async () => {
    const reviewer = await call('users.create', { name: 'Rita Reviewer', email: 'rita@example.com' })
    const team = await call('groups.create', { name: 'Governance Team', member_ids: [reviewer.id] })
    const rule = await call('attestationRules.create', {
      name: 'Quarterly sign-off',
      frequency: 'quarterly',
      reviewers: [{ type: 'group', id: team.id }],
      escalation_path: [{ type: 'user', id: reviewer.id }],
      notes_required: true,
      blocking: 'block',
    })
    const policy = await call('policies.create', { name: 'Signed', attestation_rule_ids: [rule.id], owner_group_id: team.id })
    expect(policy.attestation_rules).toEqual([expect.objectContaining({ id: rule.id, deadline_days: 7, notes_required: true, blocking: 'block' })])
    expect(policy.owner_group_id).toBe(team.id)
    await expect(call('policies.create', { name: 'X', attestation_rule_ids: ['atr_missing'] })).rejects.toMatchObject({ field: 'attestation_rule_ids.0' })
    await expect(call('policies.create', { name: 'Y', alert_rules: [piiRule], owner_group_id: 'grp_missing' })).rejects.toMatchObject({ field: 'owner_group_id' })
  })

  it('accepts the reference’s scope payloads and returns the policy with its scope', async () => {
    const policy = await call('policies.create', { name: 'Scoped', alert_rules: [piiRule] })
    const byTags = await call('policies.update', { id: policy.id, scope: { apply_to_all: false, tags: ['external-facing', 'production'], application_ids: [] } })
    expect(byTags.scope).toEqual({ apply_to_all: false, tags: ['external-facing', 'production'], application_ids: [] })
    const byIds = await call('policies.update', { id: policy.id, scope: { apply_to_all: false, tags: [], application_ids: ['app_001', 'app_002', 'app_003'] } })
    expect(byIds.scope.application_ids).toEqual(['app_001', 'app_002', 'app_003'])
  })
})
