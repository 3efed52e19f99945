/**
 * Two people editing one application, person, group or alert rule: each counts its changes, and an
 * edit made on a version the record has since moved past is refused with the record as it is now
 * and what the edit would change, never applied over changes its author did not see.
 */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src-shared/api/errors'
import { caller } from '../testing/workspace'
import { freshEngineForEachTest } from '../testing/fresh-engine'

const fixture = freshEngineForEachTest('record-conflicts', '2026-03-02T09:00:00.000Z')
const LATER = '2026-03-02T09:30:00.000Z'

/** Ana, an org admin, edits alongside the owner (Olivia Owner). */
async function withAna() {
  const ana = await fixture.call('users.create', { name: 'Ana Admin', role: 'org_admin' })
  return caller(fixture.engine, { actor: { id: ana.id, name: ana.name, role: 'org_admin' } })
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!(error instanceof ApiError)) throw new Error(`expected the call to be refused, it ${error ? `failed with ${String(error)}` : 'succeeded'}`)
  return error
}

describe('an application', () => {
  it('refuses an edit made on an older version with 409: the application as it is now, and what the edit would change', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const app = await call('applications.create', { name: 'Claims Bot', tags: ['governed'] })
    expect(app.version).toBe(1)
    fixture.clock.set(LATER)
    expect(await asAna('applications.update', { id: app.id, base_version: 1, team: 'Payments' })).toMatchObject({ version: 2, team: 'Payments' })

    const error = await refusal(call('applications.update', { id: app.id, base_version: 1, team: 'Claims', environment: 'production' }))
    expect(error).toMatchObject({ code: 'conflict', field: 'base_version' })
    expect(error.message).toBe(
      'Ana Admin changed application Claims Bot (to version 2, at 2026-03-02T09:30:00.000Z) after version 1, which this edit was made on; nothing was saved. Review both, then send your edit over version 2 or keep the application as it is.',
    )
    expect(error.conflict).toEqual({
      kind: 'application',
      record_id: app.id,
      record_name: 'Claims Bot',
      change: 'edit',
      base_version: 1,
      current: {
        version: 2,
        changed_at: LATER,
        changed_by: { id: expect.stringMatching(/^usr_/), name: 'Ana Admin' },
        fields: { name: 'Claims Bot', tags: ['governed'], team: 'Payments', environment: null, retired_at: null },
      },
      your_changes: [
        { path: 'team', before: 'Payments', after: 'Claims' },
        { path: 'environment', before: null, after: 'production' },
      ],
    })
    // Nothing was written.
    expect(await call('applications.get', { id: app.id })).toMatchObject({ version: 2, team: 'Payments', environment: null })
    expect((await call('audit.list', { entity_id: app.id, action: 'application.updated' })).events).toHaveLength(1)
  })

  it('applies an edit made on the version now, counting one more, and keeps what it does not touch', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const app = await call('applications.create', { name: 'Claims Bot' })
    await asAna('applications.update', { id: app.id, base_version: 1, team: 'Payments' })
    expect(await call('applications.update', { id: app.id, base_version: 2, environment: 'production' })).toMatchObject({ version: 3, team: 'Payments', environment: 'production' })
  })

  it('takes a stale edit that sets only what the application already holds, changing nothing', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const app = await call('applications.create', { name: 'Claims Bot' })
    await asAna('applications.update', { id: app.id, base_version: 1, team: 'Payments' })
    expect(await call('applications.update', { id: app.id, base_version: 1, team: 'Payments' })).toMatchObject({ version: 2, team: 'Payments' })
    expect((await call('audit.list', { entity_id: app.id, action: 'application.updated' })).events).toHaveLength(1)
  })

  it('is not checked without a base version, and a version that never was is refused', async () => {
    const { call } = fixture
    const app = await call('applications.create', { name: 'Claims Bot' })
    await call('applications.update', { id: app.id, team: 'Payments' })
    expect(await call('applications.update', { id: app.id, team: 'Claims' })).toMatchObject({ version: 3, team: 'Claims' })
    expect(await refusal(call('applications.update', { id: app.id, base_version: 4, team: 'x' }))).toMatchObject({
      code: 'invalid_input',
      field: 'base_version',
      message: `Application ${app.id} is at version 3; there is no version 4 to edit`,
    })
  })

  it('counts retiring and reinstating as changes, so an edit made before either is stale', async () => {
    const { call } = fixture
    const app = await call('applications.create', { name: 'Claims Bot' })
    expect((await call('applications.retire', { id: app.id })).application.version).toBe(2)
    expect((await call('applications.reinstate', { id: app.id })).application.version).toBe(3)
    const error = await refusal(call('applications.update', { id: app.id, base_version: 1, team: 'Claims' }))
    expect(error.conflict).toMatchObject({ kind: 'application', base_version: 1, current: { version: 3 } })
    // Retiring what is retired already, or reinstating what is active, changes nothing and counts nothing.
    expect((await call('applications.reinstate', { id: app.id })).application.version).toBe(3)
  })
})

describe('a person', () => {
  it('refuses an edit made on an older version, and applies one made on the version now', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const ben = await call('users.create', { name: 'Ben Okafor', email: 'ben@example.org', role: 'reviewer' })
    fixture.clock.set(LATER)
    expect(await asAna('users.update', { id: ben.id, base_version: 1, role: 'auditor' })).toMatchObject({ version: 2, role: 'auditor' })
    const error = await refusal(call('users.update', { id: ben.id, base_version: 1, role: 'governance_manager' }))
    expect(error).toMatchObject({ code: 'conflict', field: 'base_version', message: expect.stringContaining('Ana Admin changed person Ben Okafor (to version 2') })
    expect(error.conflict).toEqual({
      kind: 'person',
      record_id: ben.id,
      record_name: 'Ben Okafor',
      change: 'edit',
      base_version: 1,
      current: { version: 2, changed_at: LATER, changed_by: { id: expect.any(String), name: 'Ana Admin' }, fields: { name: 'Ben Okafor', email: 'ben@example.org', role: 'auditor', group_ids: [], active: true } },
      your_changes: [{ path: 'role', before: 'auditor', after: 'governance_manager' }],
    })
    expect(await call('users.get', { id: ben.id })).toMatchObject({ version: 2, role: 'auditor' })
    expect(await call('users.update', { id: ben.id, base_version: 2, role: 'governance_manager' })).toMatchObject({ version: 3, role: 'governance_manager' })
  })

  it('counts joining or leaving a group as a change of the person and of the group', async () => {
    const { call } = fixture
    const ben = await call('users.create', { name: 'Ben Okafor' })
    const risk = await call('groups.create', { name: 'Risk Committee' })
    fixture.clock.set(LATER)
    expect(await call('groups.update', { id: risk.id, base_version: 1, member_ids: [ben.id] })).toMatchObject({ version: 2 })
    expect(await call('users.get', { id: ben.id })).toMatchObject({ version: 2, group_ids: [risk.id], updated_at: LATER })
    // Ben's edit made before he joined would take him out again unseen: refused.
    const error = await refusal(call('users.update', { id: ben.id, base_version: 1, group_ids: [] }))
    // The trail names the group's change, not his: who made his version now is not said.
    expect(error.conflict).toMatchObject({ kind: 'person', current: { version: 2, changed_by: null }, your_changes: [{ path: 'group_ids', before: [risk.id], after: [] }] })
    // A person created into a group, or leaving one, moves the group's version too.
    const cleo = await call('users.create', { name: 'Cleo Park', group_ids: [risk.id] })
    expect((await call('groups.get', { id: risk.id })).version).toBe(3)
    await call('users.update', { id: cleo.id, base_version: 1, group_ids: [] })
    expect((await call('groups.get', { id: risk.id })).version).toBe(4)
    // A group created with members moves theirs.
    await call('groups.create', { name: 'Auditors', member_ids: [cleo.id] })
    expect((await call('users.get', { id: cleo.id })).version).toBe(3)
  })

  it('counts deactivating and reactivating as changes', async () => {
    const { call } = fixture
    const ben = await call('users.create', { name: 'Ben Okafor' })
    expect((await call('users.deactivate', { id: ben.id })).user.version).toBe(2)
    expect((await call('users.reactivate', { id: ben.id })).version).toBe(3)
    expect((await refusal(call('users.update', { id: ben.id, base_version: 2, name: 'Ben O.' }))).conflict).toMatchObject({ kind: 'person', current: { version: 3 } })
  })

  it('writes nothing for an edit that changes nothing: no version, no audit event, the same updated_at', async () => {
    const { call } = fixture
    const ben = await call('users.create', { name: 'Ben Okafor', role: 'reviewer' })
    fixture.clock.set(LATER)
    expect(await call('users.update', { id: ben.id, name: 'Ben Okafor', role: 'reviewer', group_ids: [] })).toEqual(ben)
    expect((await call('audit.list', { entity_id: ben.id, action: 'user.updated' })).events).toEqual([])
  })
})

describe('a group', () => {
  it('refuses an edit made on an older version, and applies one made on the version now', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const risk = await call('groups.create', { name: 'Risk Committee', description: 'Signs off quarterly' })
    fixture.clock.set(LATER)
    expect(await asAna('groups.update', { id: risk.id, base_version: 1, name: 'Risk Board' })).toMatchObject({ version: 2 })
    const error = await refusal(call('groups.update', { id: risk.id, base_version: 1, description: 'Signs off monthly' }))
    expect(error.conflict).toEqual({
      kind: 'group',
      record_id: risk.id,
      record_name: 'Risk Board',
      change: 'edit',
      base_version: 1,
      current: { version: 2, changed_at: LATER, changed_by: { id: expect.any(String), name: 'Ana Admin' }, fields: { name: 'Risk Board', description: 'Signs off quarterly', member_ids: [] } },
      your_changes: [{ path: 'description', before: 'Signs off quarterly', after: 'Signs off monthly' }],
    })
    expect(await call('groups.update', { id: risk.id, base_version: 2, description: 'Signs off monthly' })).toMatchObject({ version: 3, name: 'Risk Board', description: 'Signs off monthly' })
    // Members listed in another order, or twice, are the same members: nothing changes.
    const ben = await call('users.create', { name: 'Ben Okafor' })
    const cleo = await call('users.create', { name: 'Cleo Park' })
    const withBoth = await call('groups.update', { id: risk.id, member_ids: [ben.id, cleo.id] })
    expect(await call('groups.update', { id: risk.id, member_ids: [cleo.id, ben.id, cleo.id] })).toEqual(withBoth)
  })
})

describe('an alert rule on an application', () => {
  it('refuses its deletion made on a version a policy change has since moved past, and deletes it on the version now', async () => {
    const { call } = fixture
    const asAna = await withAna()
    const app = await call('applications.create', { name: 'Claims Bot', tags: ['governed'] })
    const policy = await call('policies.create', {
      name: 'Customer Data',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
      scope: { apply_to_all: false, tags: ['governed'], application_ids: [] },
    })
    const [rule] = (await call('applications.rules', { id: app.id })).alert_rules
    expect(rule).toMatchObject({ metric: 'pii', threshold: 1, version: 1 })
    fixture.clock.set(LATER)
    await asAna('policies.update', { id: policy.id, alert_rules: [{ metric: 'pii', operator: '>', threshold: 0.5, severity: 'critical' }] })
    expect((await call('applications.rules', { id: app.id })).alert_rules[0]).toMatchObject({ id: rule!.id, threshold: 0.5, version: 2 })

    const error = await refusal(call('applications.deleteRule', { id: app.id, rule_id: rule!.id, base_version: 1 }))
    expect(error).toMatchObject({ code: 'conflict', field: 'base_version', message: expect.stringContaining('Ana Admin changed alert rule PII detection rate on Claims Bot (to version 2') })
    expect(error.conflict).toEqual({
      kind: 'rule',
      record_id: rule!.id,
      record_name: 'PII detection rate on Claims Bot',
      change: 'delete',
      base_version: 1,
      current: {
        version: 2,
        changed_at: LATER,
        changed_by: { id: expect.any(String), name: 'Ana Admin' },
        fields: { name: 'PII detection rate', metric: 'pii', operator: '>', threshold: 0.5, severity: 'critical', window_hours: 24, no_data: 'pending' },
      },
      your_changes: [],
    })
    expect((await call('applications.rules', { id: app.id })).alert_rules).toHaveLength(1)
    expect((await call('applications.deleteRule', { id: app.id, rule_id: rule!.id, base_version: 2 })).deleted).toMatchObject({ threshold: 0.5 })
    expect((await call('applications.rules', { id: app.id })).alert_rules).toEqual([])
  })
})
