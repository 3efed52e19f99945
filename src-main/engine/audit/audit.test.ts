import { describe, expect, it } from 'vitest'
import type { AuditFilter } from '../../../src-shared/domain/audit'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { describeAuditEvent } from '../../../src-shared/domain/audit-description'
import { createExampleWorld } from '../../testing/example-world'
import { recordAuditMany, type AuditEntry } from '../audit-trail'

const fixture = freshEngineForEachTest('audit', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)
const DAY = 86_400_000

/** 2,500 events over five days, 500 a day: every third an application's update, the rest group updates. */
async function longTrail(): Promise<void> {
  for (let day = 0; day < 5; day++) {
    const at = new Date(Date.parse('2026-02-20T12:00:00.000Z') + day * DAY).toISOString()
    const entries: AuditEntry[] = Array.from({ length: 500 }, (_, index) =>
      (day * 500 + index) % 3 === 0
        ? { action: 'application.updated', entityType: 'application', entityId: `app_${index % 7}`, after: { n: day * 500 + index } }
        : { action: 'group.updated', entityType: 'group', entityId: 'grp_x', after: { n: day * 500 + index } },
    )
    await fixture.context.mutate(['audit'], (tx) => recordAuditMany(tx, { id: day % 2 ? 'usr_a' : 'usr_b', name: 'Someone' }, at, entries))
  }
}

/** Every event the filter selects, page after page, following next_before_id. */
async function everyPage(filter: AuditFilter): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = []
  let before: number | undefined
  let pages = 0
  for (;;) {
    const page = await call('audit.list', { ...filter, ...(before === undefined ? {} : { before_id: before }) })
    pages++
    ids.push(...page.events.map((event) => event.id))
    if (page.next_before_id === null) return { ids, pages }
    expect(page.next_before_id).toBe(page.events.at(-1)!.id)
    before = page.next_before_id
  }
}

describe('the audit trail, a page at a time', () => {
  it('pages through 2,500 events a thousand at a time, giving each exactly once, newest first', async () => {
    await longTrail()
    const { ids, pages } = await everyPage({ limit: 1000 })
    expect(pages).toBe(3)
    expect(ids).toHaveLength(2500)
    expect(new Set(ids).size).toBe(2500)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
  })

  it('answers next_before_id null on the last page, even when it is exactly full', async () => {
    await longTrail()
    const all = await call('audit.list', { action: 'application.updated', limit: 1000 })
    expect(all.events).toHaveLength(834)
    expect(all.next_before_id).toBeNull()
    const exact = await call('audit.list', { action: 'application.updated', limit: 834 })
    expect(exact.next_before_id).toBeNull()
    expect((await call('audit.list', { action: 'application.updated', limit: 833 })).next_before_id).toBe(exact.events.at(-2)!.id)
  })

  it('combines every filter with paging: each matching event once, no other', async () => {
    await longTrail()
    const filter = { action: 'group.updated', actor_id: 'usr_a', since: '2026-02-21T00:00:00Z', until: '2026-02-24T00:00:00Z', limit: 70 } as const
    const expected = (await fixture.context.db.selectFrom('audit_events').select('id').where('action', '=', 'group.updated').where('actor_id', '=', 'usr_a').where('at', '>=', '2026-02-21T00:00:00.000Z').where('at', '<', '2026-02-24T00:00:00.000Z').orderBy('id', 'desc').execute()).map((row) => row.id)
    expect(expected.length).toBeGreaterThan(600)
    const { ids, pages } = await everyPage(filter)
    expect(ids).toEqual(expected)
    expect(pages).toBe(Math.ceil(expected.length / 70))
    const byEntity = await everyPage({ entity_type: 'application', entity_id: 'app_3', limit: 25 })
    expect(new Set(byEntity.ids).size).toBe(byEntity.ids.length)
    expect(byEntity.ids.length).toBeGreaterThan(100)
  })

  it('names each record as the workspace knows it now, retired and inactive ones included', async () => {
    await call('applications.create', { id: 'app_bot', name: 'Fraud Scorer' })
    await call('applications.update', { id: 'app_bot', name: 'Fraud Scorer v2' })
    await call('applications.retire', { id: 'app_bot' })
    const ana = await call('users.create', { name: 'Ana Ortiz' })
    await call('users.deactivate', { id: ana.id })
    const { events } = await call('audit.list', {})
    expect(events.filter((event) => event.entity_id === 'app_bot').map((event) => [event.action, event.entity_name])).toEqual([
      ['application.retired', 'Fraud Scorer v2'],
      ['application.updated', 'Fraud Scorer v2'],
      ['application.created', 'Fraud Scorer v2'],
    ])
    expect(events.find((event) => event.action === 'user.deactivated')).toMatchObject({ entity_id: ana.id, entity_name: 'Ana Ortiz' })
  })

  it('puts every event the engine records in words, from the events as recorded', async () => {
    const world = await createExampleWorld(call, fixture.clock)
    await fixture.engine.settle()
    await call('inferences.commit', { import_id: world.importId })
    await call('applications.deleteRule', { id: world.applicationId, rule_id: world.ruleId })
    await call('applications.restoreRules', { id: world.applicationId })
    await call('applications.update', { id: world.applicationId, name: 'Support Assistant v2', team: 'CX' })
    await call('applications.retire', { id: world.applicationId })
    await call('applications.reinstate', { id: world.applicationId })
    await call('users.deactivate', { id: world.userId })
    await call('users.reactivate', { id: world.userId })
    await call('groups.update', { id: world.groupId, member_ids: [] })
    await call('policies.archive', { id: world.policyId })
    const { token } = await fixture.engine.tokens.create({ name: 'ci', role: 'auditor' })
    await fixture.engine.tokens.revoke(token.id)
    await fixture.engine.settle()
    const { events } = await call('audit.list', { limit: 1000 })
    expect(new Set(events.map((event) => event.action)).size).toBeGreaterThanOrEqual(25)
    for (const event of events) {
      const sentence = describeAuditEvent(event)
      expect(sentence, event.action).not.toMatch(/undefined|\bnull\b|\[object|NaN| recorded /)
    }
    const sentences = events.map((event) => describeAuditEvent(event))
    expect(sentences).toContain('Olivia Owner renamed application Support Assistant to Support Assistant v2; changed team Support → CX')
    expect(sentences).toContain('Olivia Owner archived policy Baseline')
    expect(sentences).toContain('Olivia Owner deleted alert rule latency_p95 > 5000 on application Support Assistant v2')
    expect(sentences).toContain('Olivia Owner retired application Support Assistant v2 (left 1 policy, removed 2 alert rules and closed 2 open gaps)')
  })
})
