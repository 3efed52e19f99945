import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'
import { workspaceDigestOf } from '../../testing/workspace-digest'

const fixture = freshEngineForEachTest('retirement', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)
const HOUR = 3_600_000
const hoursAgo = (hours: number) => new Date(fixture.clock.now().getTime() - hours * HOUR).toISOString()

/** Two applications under two policies; the chatbot leaks PII, so it has an open gap. */
async function portfolio() {
  await call('applications.create', { id: 'app_chat', name: 'Support Chat', tags: ['external-facing'], environment: 'production' })
  await call('applications.create', { id: 'app_tool', name: 'Internal Tool', tags: ['internal'], environment: 'production' })
  const pii = await call('policies.create', {
    name: 'PII',
    enforcement_delay_days: 0,
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    scope: { apply_to_all: true },
  })
  const latency = await call('policies.create', {
    name: 'Latency',
    enforcement_delay_days: 14,
    alert_rules: [{ metric: 'latency_p95', operator: '>', threshold: 5000, severity: 'high' }],
    scope: { tags: ['external-facing'] },
  })
  for (const [id, leaked] of [['app_chat', 30], ['app_tool', 1]] as const) {
    await call('metrics.ingest', { id, observations: [{ metric: 'pii', timestamp: hoursAgo(1), count: leaked, total: 1000 }, { metric: 'latency_p95', timestamp: hoursAgo(1), values: [300] }] })
  }
  await fixture.engine.settle()
  return { pii, latency }
}

const auditCount = async () => (await call('audit.list', { limit: 1000 })).events.length

describe('retiring an application', () => {
  it('answers, as a dry run, the policies that cover it, the rules that go and its open gaps, and writes nothing', async () => {
    const { pii, latency } = await portfolio()
    const before = await workspaceDigestOf(fixture.engine.path)
    const rehearsal = await call('applications.retire', { id: 'app_chat', dry_run: true })
    expect(rehearsal).toMatchObject({
      dry_run: true,
      application: { id: 'app_chat', retired_at: fixture.clock.now().toISOString() },
      consequences: {
        policies: [
          { id: latency.id, name: 'Latency' },
          { id: pii.id, name: 'PII' },
        ],
        rules_removed: 2,
        open_gaps: [expect.objectContaining({ application_id: 'app_chat', policy_name: 'PII', requirement: 'pii', resolved_at: null })],
      },
    })
    expect(await workspaceDigestOf(fixture.engine.path)).toBe(before)
    expect((await call('applications.get', { id: 'app_chat' })).retired_at).toBeNull()
  })

  it('takes it out of lists, coverage, rules and compliance from now on, in one audit event, and keeps its history', async () => {
    const { pii } = await portfolio()
    fixture.clock.advance(HOUR)
    const retiredAt = fixture.clock.now().toISOString()
    const eventsBefore = await auditCount()
    const retired = await call('applications.retire', { id: 'app_chat' })
    expect(retired).toMatchObject({ dry_run: false, application: { retired_at: retiredAt }, consequences: { rules_removed: 2 } })

    // One event records it, naming what it left.
    const events = (await call('audit.list', { limit: 1000 })).events
    expect(events).toHaveLength(eventsBefore + 1)
    expect(events[0]).toMatchObject({
      action: 'application.retired',
      entity_id: 'app_chat',
      before: { name: 'Support Chat', retired_at: null },
      after: { name: 'Support Chat', retired_at: retiredAt, policies: [expect.objectContaining({ name: 'Latency' }), expect.objectContaining({ name: 'PII' })], rules_removed: 2, gaps_closed: 1 },
    })

    // Not listed unless asked; still answered by id.
    expect((await call('applications.list', {})).applications.map((app) => app.id)).toEqual(['app_tool'])
    expect((await call('applications.list', { status: 'retired' })).applications.map((app) => app.id)).toEqual(['app_chat'])
    expect((await call('applications.list', { status: 'all' })).applications.map((app) => app.id).sort()).toEqual(['app_chat', 'app_tool'])
    expect(await call('applications.get', { id: 'app_chat' })).toMatchObject({ name: 'Support Chat', retired_at: retiredAt })

    // No coverage, no rules, no statuses, no open gaps, not counted.
    expect((await call('policies.get', { id: pii.id })).covered_application_count).toBe(1)
    expect((await call('policies.coverage', { id: pii.id })).applications.map((app) => app.application_id)).toEqual(['app_tool'])
    expect((await call('applications.rules', { id: 'app_chat' })).alert_rules).toEqual([])
    expect((await call('applications.policies', { id: 'app_chat' })).policies).toEqual([])
    fixture.clock.advance(HOUR)
    await call('compliance.evaluate', {})
    const overview = await call('compliance.overview', {})
    expect(overview.applications.map((app) => app.application_id)).toEqual(['app_tool'])
    expect(overview.application_counts).toMatchObject({ compliant: 1, non_compliant: 0 })
    expect((await call('compliance.organization', {})).policies.flatMap((policy) => policy.gaps)).toEqual([])
    expect(await call('compliance.application', { id: 'app_chat' })).toMatchObject({ status: null, policies: [] })
    expect((await call('gaps.list', { open: true })).gaps).toEqual([])
    expect((await call('compliance.trend', { days: 1 })).points.at(-1)!.counts).toMatchObject({ compliant: 1, non_compliant: 0 })

    // The past still shows it as it was, under its name.
    const then = new Date(Date.parse(retiredAt) - 1).toISOString()
    expect(await call('compliance.application', { id: 'app_chat', as_of: then })).toMatchObject({ application_name: 'Support Chat', status: 'non_compliant' })
    expect((await call('compliance.overview', { as_of: then })).applications.map((app) => app.application_id).sort()).toEqual(['app_chat', 'app_tool'])
    expect((await call('gaps.list', { application_id: 'app_chat' })).gaps).toEqual([expect.objectContaining({ application_name: 'Support Chat', resolved_at: retiredAt })])
    expect((await call('gaps.list', { open: true, as_of: then })).gaps.map((gap) => gap.application_name)).toEqual(['Support Chat'])
    expect((await call('audit.list', { entity_id: 'app_chat', action: 'application.created' })).events[0]?.after).toMatchObject({ name: 'Support Chat' })
  })

  it('frees its name for a new application, and refuses to change it while retired', async () => {
    await portfolio()
    await call('applications.retire', { id: 'app_chat' })
    expect(await failure(call('applications.update', { id: 'app_chat', team: 'CX' }))).toMatchObject({ code: 'conflict', field: 'id', message: expect.stringContaining('retired') })
    const successor = await call('applications.create', { id: 'app_chat_v2', name: 'support chat', environment: 'production' })
    expect(successor.name).toBe('support chat')
    // Bringing the old one back would make two alike: refused until one is renamed.
    expect(await failure(call('applications.reinstate', { id: 'app_chat' }))).toMatchObject({ code: 'conflict', field: 'name', message: expect.stringContaining('app_chat_v2') })
    expect((await call('applications.get', { id: 'app_chat' })).retired_at).not.toBeNull()
  })

  it('is undone by reinstating: coverage and rules come back, each policy as it stood, with an audit event', async () => {
    const { pii, latency } = await portfolio()
    const coveredSince = (await call('policies.coverage', { id: latency.id })).applications[0]!
    fixture.clock.advance(2 * HOUR)
    await call('applications.retire', { id: 'app_chat' })
    fixture.clock.advance(HOUR)
    const reinstated = await call('applications.reinstate', { id: 'app_chat' })
    expect(reinstated).toMatchObject({ application: { id: 'app_chat', retired_at: null }, rules_materialised: 2 })
    expect(reinstated.policies.map((policy) => policy.name)).toEqual(['Latency', 'PII'])
    expect((await call('applications.rules', { id: 'app_chat' })).alert_rules.map((rule) => rule.metric).sort()).toEqual(['latency_p95', 'pii'])
    expect((await call('applications.list', {})).applications.map((app) => app.id).sort()).toEqual(['app_chat', 'app_tool'])
    // The latency policy's fourteen days of grace ran from when it was first applied, not from the undo.
    const resumed = (await call('policies.coverage', { id: latency.id })).applications.find((app) => app.application_id === 'app_chat')!
    expect(resumed).toMatchObject({ applied_at: coveredSince.applied_at, enforcement_starts_at: coveredSince.enforcement_starts_at })
    const status = await call('compliance.application', { id: 'app_chat' })
    expect(status).toMatchObject({ status: 'non_compliant' })
    expect(status.policies.find((entry) => entry.policy_id === pii.id)).toMatchObject({ status: 'non_compliant', in_grace_period: false })
    expect((await call('gaps.list', { application_id: 'app_chat', open: true })).gaps).toHaveLength(1)
    const [event] = (await call('audit.list', { entity_id: 'app_chat', action: 'application.reinstated' })).events
    expect(event).toMatchObject({ action: 'application.reinstated', before: { retired_at: expect.any(String) }, after: { retired_at: null, rules_materialised: 2 } })
  })

  it('answers an application already retired, or one not retired, as it is, recording nothing', async () => {
    await portfolio()
    const unchanged = await call('applications.reinstate', { id: 'app_tool' })
    expect(unchanged).toMatchObject({ application: { retired_at: null }, rules_materialised: 0, policies: [expect.objectContaining({ name: 'PII' })] })
    await call('applications.retire', { id: 'app_tool' })
    const events = await auditCount()
    expect(await call('applications.retire', { id: 'app_tool' })).toMatchObject({ consequences: { policies: [], rules_removed: 0, open_gaps: [] } })
    expect(await auditCount()).toBe(events)
    expect(await failure(call('applications.retire', { id: 'app_ghost' }))).toMatchObject({ code: 'not_found', field: 'id' })
  })
})
