import { describe, expect, it } from 'vitest'
import { OWNER_USER_ID } from '../../../src-shared/domain/people'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'
import { caller } from '../../testing/workspace'
import { workspaceDigestOf } from '../../testing/workspace-digest'

const fixture = freshEngineForEachTest('deactivation', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

/** Ana reviews alone in one rule and with a group in another, and her group owns a policy. */
async function directory() {
  const ana = await call('users.create', { name: 'Ana Ortiz', email: 'ana@example.com', role: 'governance_manager' })
  const ben = await call('users.create', { name: 'Ben Brooks', email: 'ben@example.com' })
  const owners = await call('groups.create', { name: 'app-owners', member_ids: [ana.id] })
  const risk = await call('groups.create', { name: 'Risk Committee', member_ids: [ana.id, ben.id] })
  const solo = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: ana.id }] })
  const shared = await call('attestationRules.create', {
    name: 'Quarterly review',
    frequency: 'quarterly',
    reviewers: [{ type: 'group', id: risk.id }],
    escalation_path: [{ type: 'user', id: ana.id }],
  })
  await call('attestationRules.create', { name: 'Annual audit', frequency: 'annually', reviewers: [{ type: 'user', id: ben.id }] })
  const policy = await call('policies.create', { name: 'Sign-offs', owner_group_id: owners.id, attestation_rule_ids: [solo.id] })
  const token = await fixture.engine.tokens.create({ name: 'ana-laptop', role: 'governance_manager', user: 'ana@example.com' })
  return { ana, ben, owners, risk, solo, shared, policy, token }
}

describe('deactivating a person', () => {
  it('answers, as a dry run, their groups, the policies those groups own, the rules naming them and their tokens, and writes nothing', async () => {
    const { ana, owners, risk, solo, shared, policy, token } = await directory()
    const before = await workspaceDigestOf(fixture.engine.path)
    const rehearsal = await call('users.deactivate', { id: ana.id, dry_run: true })
    expect(rehearsal).toMatchObject({ dry_run: true, user: { id: ana.id, active: false, deactivated_at: fixture.clock.now().toISOString() } })
    expect(rehearsal.consequences.groups).toHaveLength(2)
    expect(rehearsal.consequences).toEqual({
      groups: expect.arrayContaining([
        { id: owners.id, name: 'app-owners' },
        { id: risk.id, name: 'Risk Committee' },
      ]),
      policies_owned: [{ id: policy.id, name: 'Sign-offs', group_id: owners.id, group_name: 'app-owners' }],
      attestation_rules: [
        { id: solo.id, name: 'Monthly sign-off', as_reviewer: true, as_escalation: false, leaves_no_active_reviewer: true },
        { id: shared.id, name: 'Quarterly review', as_reviewer: false, as_escalation: true, leaves_no_active_reviewer: false },
      ],
      api_tokens: [{ id: token.token.id, name: 'ana-laptop' }],
    })
    expect(await workspaceDigestOf(fixture.engine.path)).toBe(before)
    expect(await fixture.engine.authenticate(token.secret)).toMatchObject({ id: ana.id })
  })

  it('keeps them listed and in their groups, records it, refuses their tokens, and reactivating undoes it', async () => {
    const { ana, owners, risk, token } = await directory()
    const deactivatedAt = fixture.clock.now().toISOString()
    const { user } = await call('users.deactivate', { id: ana.id })
    expect(user).toMatchObject({ name: 'Ana Ortiz', active: false, deactivated_at: deactivatedAt, group_ids: [owners.id, risk.id].sort() })
    expect((await call('users.list', {})).users.find((person) => person.id === ana.id)).toMatchObject({ active: false })
    expect((await call('groups.get', { id: risk.id })).member_ids).toContain(ana.id)
    const [event] = (await call('audit.list', { entity_id: ana.id, limit: 1 })).events
    expect(event).toMatchObject({
      action: 'user.deactivated',
      before: { name: 'Ana Ortiz', active: true },
      after: { name: 'Ana Ortiz', active: false, consequences: { api_tokens: [{ name: 'ana-laptop' }] } },
    })
    expect(await fixture.engine.authenticate(token.secret)).toBeUndefined()

    const back = await call('users.reactivate', { id: ana.id })
    expect(back).toMatchObject({ active: true, deactivated_at: null })
    expect(await fixture.engine.authenticate(token.secret)).toMatchObject({ id: ana.id, name: 'Ana Ortiz' })
    expect((await call('audit.list', { entity_id: ana.id, limit: 1 })).events[0]).toMatchObject({ action: 'user.reactivated', before: { active: false }, after: { active: true } })
  })

  it('keeps their name on what they did while active', async () => {
    const { ana, token } = await directory()
    const actor = (await fixture.engine.authenticate(token.secret))!
    await caller(fixture.engine, { actor })('applications.create', { id: 'app_bot', name: 'Bot' })
    await call('users.deactivate', { id: ana.id })
    expect((await call('audit.list', { entity_id: 'app_bot' })).events[0]).toMatchObject({ actor: { id: ana.id, name: 'Ana Ortiz' } })
    expect((await call('users.get', { id: ana.id })).name).toBe('Ana Ortiz')
  })

  it('no longer lets them be picked as reviewer, escalation contact, group member or token holder, naming the field', async () => {
    const { ana, ben, risk, owners } = await directory()
    await call('users.deactivate', { id: ana.id })
    const rule = (reviewers: Array<{ type: 'user' | 'group'; id: string }>, escalation_path: Array<{ type: 'user' | 'group'; id: string }> = []) =>
      call('attestationRules.create', { name: `Rule ${Math.random()}`, frequency: 'monthly', reviewers, escalation_path })
    expect(await failure(rule([{ type: 'user', id: ben.id }, { type: 'user', id: ana.id }]))).toMatchObject({ code: 'invalid_input', field: 'reviewers.1.id', message: expect.stringContaining('Ana Ortiz') })
    expect(await failure(rule([{ type: 'user', id: ben.id }], [{ type: 'user', id: ana.id }]))).toMatchObject({ code: 'invalid_input', field: 'escalation_path.0.id' })
    expect(await failure(call('groups.create', { name: 'New team', member_ids: [ben.id, ana.id] }))).toMatchObject({ code: 'invalid_input', field: 'member_ids.1' })
    // A group she already belongs to keeps her through any change of its other members…
    expect((await call('groups.update', { id: owners.id, member_ids: [ana.id, ben.id] })).member_ids).toEqual([ana.id, ben.id].sort())
    // …but once she has left one, she cannot be put back.
    await call('groups.update', { id: risk.id, member_ids: [ben.id] })
    expect(await failure(call('groups.update', { id: risk.id, member_ids: [ben.id, ana.id] }))).toMatchObject({ code: 'invalid_input', field: 'member_ids.1' })
    const newcomers = await call('groups.create', { name: 'Newcomers' })
    expect(await failure(call('users.update', { id: ana.id, group_ids: [owners.id, newcomers.id] }))).toMatchObject({ code: 'invalid_input', field: 'group_ids.1' })
    expect(await call('users.update', { id: ana.id, group_ids: [owners.id] })).toMatchObject({ group_ids: [owners.id] })
    await expect(fixture.engine.tokens.create({ name: 'again', role: 'reviewer', user: ana.id })).rejects.toMatchObject({ code: 'invalid_input', field: 'user' })
    // Groups and rules naming active people are unaffected.
    expect(await rule([{ type: 'group', id: risk.id }])).toMatchObject({ reviewers: [{ type: 'group', id: risk.id }] })
  })

  it('refuses to deactivate the workspace owner, and answers one already inactive as they are', async () => {
    const { ben } = await directory()
    expect(await failure(call('users.deactivate', { id: OWNER_USER_ID }))).toMatchObject({ code: 'conflict', field: 'id', message: expect.stringContaining('workspace owner') })
    expect(await failure(call('users.deactivate', { id: OWNER_USER_ID, dry_run: true }))).toMatchObject({ code: 'conflict' })
    await call('users.deactivate', { id: ben.id })
    const events = (await call('audit.list', { limit: 1000 })).events.length
    expect(await call('users.deactivate', { id: ben.id })).toMatchObject({ user: { active: false }, consequences: { groups: [], api_tokens: [] } })
    expect((await call('audit.list', { limit: 1000 })).events).toHaveLength(events)
    expect(await failure(call('users.deactivate', { id: 'usr_ghost' }))).toMatchObject({ code: 'not_found', field: 'id' })
  })
})
