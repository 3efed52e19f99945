/**
 * A change that changes nothing (an empty PATCH, or one whose values are those already there)
 * records no audit event and leaves `updated_at` and any version as they were: the trail says
 * what changed, and an edit of nothing is not a change.
 */
import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../testing/fresh-engine'

const fixture = freshEngineForEachTest('unchanged-patches', '2026-03-02T09:00:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

async function auditEvents(): Promise<number> {
  const row = await fixture.context.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Later by an hour, so that a write would stamp a time of its own. */
function anHourLater(): void {
  fixture.clock.advance(3_600_000)
}

describe('a patch that changes nothing', () => {
  it('of an application, records nothing and leaves updated_at', async () => {
    const created = await call('applications.create', { id: 'app_chat', name: 'Chat Assistant', team: 'Support', environment: 'production', tags: ['external-facing', 'production'] })
    anHourLater()
    const events = await auditEvents()
    expect(await call('applications.update', { id: 'app_chat' })).toEqual(created)
    expect(await call('applications.update', { id: 'app_chat', name: 'Chat Assistant', team: 'Support', environment: 'production', tags: ['production', 'external-facing'] })).toEqual(created)
    expect(await auditEvents()).toBe(events)
    expect(await call('applications.get', { id: 'app_chat' })).toEqual(created)
    // A real change is still one event, stamped now.
    expect(await call('applications.update', { id: 'app_chat', team: 'Care' })).toMatchObject({ team: 'Care', updated_at: '2026-03-02T10:00:00.000Z' })
    expect(await auditEvents()).toBe(events + 1)
  })

  it('of a person, records nothing and leaves updated_at', async () => {
    const team = await call('groups.create', { id: 'grp_team', name: 'Governance Team' })
    const owners = await call('groups.create', { id: 'grp_owners', name: 'App owners' })
    const created = await call('users.create', { id: 'usr_ana', name: 'Ana Reviewer', email: 'ana@example.com', role: 'reviewer', group_ids: [team.id, owners.id] })
    anHourLater()
    const events = await auditEvents()
    expect(await call('users.update', { id: 'usr_ana' })).toEqual(created)
    expect(await call('users.update', { id: 'usr_ana', name: 'Ana Reviewer', email: 'ANA@example.com', role: 'reviewer', group_ids: [owners.id, team.id] })).toEqual(created)
    expect(await auditEvents()).toBe(events)
    expect(await call('users.get', { id: 'usr_ana' })).toEqual(created)
    expect(await call('users.update', { id: 'usr_ana', role: 'auditor' })).toMatchObject({ role: 'auditor', updated_at: '2026-03-02T10:00:00.000Z' })
    expect(await auditEvents()).toBe(events + 1)
  })

  it('of a group, records nothing and leaves updated_at', async () => {
    const ana = await call('users.create', { id: 'usr_ana', name: 'Ana Reviewer' })
    const ben = await call('users.create', { id: 'usr_ben', name: 'Ben Owner' })
    const created = await call('groups.create', { id: 'grp_team', name: 'Governance Team', description: 'Owns the baseline policies', member_ids: [ana.id, ben.id] })
    anHourLater()
    const events = await auditEvents()
    expect(await call('groups.update', { id: 'grp_team' })).toEqual(created)
    expect(await call('groups.update', { id: 'grp_team', name: 'Governance Team', description: 'Owns the baseline policies', member_ids: [ben.id, ana.id] })).toEqual(created)
    expect(await auditEvents()).toBe(events)
    expect(await call('groups.get', { id: 'grp_team' })).toEqual(created)
    expect(await call('groups.update', { id: 'grp_team', description: null })).toMatchObject({ description: null, updated_at: '2026-03-02T10:00:00.000Z' })
    expect(await auditEvents()).toBe(events + 1)
  })

  it('of a policy, records nothing and leaves updated_at and its version', async () => {
    const created = await call('policies.createFromTemplate', { id: 'pol_health', template_id: 'system_health', scope: { apply_to_all: true, tags: [], application_ids: [] } })
    anHourLater()
    const events = await auditEvents()
    const { impact: _none, ...stored } = created as typeof created & { impact?: unknown }
    expect(await call('policies.update', { id: 'pol_health' })).toMatchObject(stored)
    expect(await call('policies.update', { id: 'pol_health', name: created.name, enforcement_delay_days: created.enforcement_delay_days, scope: { apply_to_all: true, tags: [], application_ids: [] }, base_version: created.version })).toMatchObject(stored)
    expect(await auditEvents()).toBe(events)
    const after = await call('policies.get', { id: 'pol_health' })
    expect(after).toMatchObject({ version: 1, updated_at: '2026-03-02T09:00:00.000Z' })
    expect((await call('policies.versions', { id: 'pol_health' })).versions).toHaveLength(1)
    expect(await call('policies.update', { id: 'pol_health', enforcement_delay_days: 7 })).toMatchObject({ version: 2, updated_at: '2026-03-02T10:00:00.000Z' })
    expect(await auditEvents()).toBeGreaterThan(events)
  })
})
