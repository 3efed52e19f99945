import { describe, expect, it } from 'vitest'
import { OWNER_USER_ID } from '../../../src-shared/domain/people'
import { authenticateToken, createApiToken } from '../auth/tokens'
import { asOwner, caller } from '../../testing/workspace'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { ownerActor } from './people'

const fixture = freshEngineForEachTest('people')
const call: typeof fixture.call = (...args) => fixture.call(...args)

describe('the directory of people and groups', () => {
  it('starts with the workspace owner, an org admin, who is the desktop’s actor', async () => {
    expect((await call('users.list', {})).users).toEqual([expect.objectContaining({ id: OWNER_USER_ID, role: 'org_admin' })])
    await call('users.update', { id: OWNER_USER_ID, name: 'Olivia Chen', email: 'olivia@example.com' })
    expect(await ownerActor(fixture.context.db)).toEqual({ id: OWNER_USER_ID, name: 'Olivia Chen', role: 'org_admin' })
    await expect(call('users.update', { id: OWNER_USER_ID, role: 'auditor' })).rejects.toMatchObject({ field: 'role' })
  })

  it('creates people and groups, with memberships seen from both sides', async () => {
    const ana = await call('users.create', { name: 'Ana Reviewer', email: 'Ana@Example.com', role: 'reviewer' })
    expect(ana).toMatchObject({ email: 'ana@example.com', role: 'reviewer', group_ids: [] })
    const team = await call('groups.create', { name: 'Governance Team', description: 'Owns the baseline policies', member_ids: [ana.id] })
    expect(team.member_ids).toEqual([ana.id])
    expect((await call('users.get', { id: ana.id })).group_ids).toEqual([team.id])
    const owners = await call('groups.create', { name: 'app-owners' })
    await call('users.update', { id: ana.id, group_ids: [owners.id] })
    expect((await call('groups.get', { id: team.id })).member_ids).toEqual([])
    expect((await call('groups.get', { id: owners.id })).member_ids).toEqual([ana.id])
  })

  it('refuses a taken email or group name, a bad email and unknown members, naming the field', async () => {
    await call('users.create', { name: 'Ana', email: 'ana@example.com' })
    await expect(call('users.create', { name: 'Other Ana', email: 'ANA@example.com' })).rejects.toMatchObject({ code: 'conflict', field: 'email' })
    await expect(call('users.create', { name: 'Bad', email: 'not-an-email' })).rejects.toMatchObject({ code: 'invalid_input', field: 'email' })
    await call('groups.create', { name: 'Governance Team' })
    await expect(call('groups.create', { name: 'governance team' })).rejects.toMatchObject({ code: 'conflict', field: 'name' })
    await expect(call('groups.create', { name: 'X', member_ids: ['usr_ghost'] })).rejects.toMatchObject({ field: 'member_ids.0' })
  })

  it('records every change in the audit trail', async () => {
    const ana = await call('users.create', { name: 'Ana' })
    await call('groups.create', { name: 'G', member_ids: [ana.id] })
    const actions = (await call('audit.list', {})).events.map((e) => e.action)
    expect(actions).toEqual(['group.created', 'user.created'])
  })

  it('lets an API token act for a person of the directory, who is then the actor of its changes', async () => {
    const ana = await call('users.create', { name: 'Ana Admin', email: 'ana@example.com', role: 'org_admin' })
    const { secret } = await createApiToken(fixture.context, asOwner, { name: 'ana-laptop', role: 'governance_manager', user: 'ana@example.com' })
    const actor = await authenticateToken(fixture.context, secret)
    expect(actor).toEqual({ id: ana.id, name: 'Ana Admin', role: 'governance_manager' })
    await caller(fixture.engine, { actor: actor! })('applications.create', { name: 'Bot' })
    expect((await call('audit.list', { action: 'application.created' })).events[0]?.actor).toEqual({ id: ana.id, name: 'Ana Admin' })
  })
})
