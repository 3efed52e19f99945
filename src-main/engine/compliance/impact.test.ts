import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('impact', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)
const HOUR = 3_600_000
const hoursAgo = (hours: number) => new Date(fixture.clock.now().getTime() - hours * HOUR).toISOString()

async function portfolio() {
  await call('applications.create', { id: 'app_chat', name: 'Chat', tags: ['external-facing'] })
  await call('applications.create', { id: 'app_tool', name: 'Tool', tags: ['internal'] })
  for (const [id, percent] of [['app_chat', 1.5], ['app_tool', 0.5]] as const) {
    await call('metrics.ingest', { id, observations: [{ metric: 'pii', timestamp: hoursAgo(1), count: percent * 10, total: 1000 }] })
  }
}

const snapshot = async () => ({
  policies: await call('policies.list', {}),
  rules: await fixture.context.db.selectFrom('application_rules').selectAll().execute(),
  audit: (await call('audit.list', { limit: 1000 })).events.length,
})

describe('impact preview', () => {
  it('shows, per application, the rules a tightened threshold changes and the status each would have, writing nothing', async () => {
    await portfolio()
    const policy = await call('policies.create', { name: 'PII', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { apply_to_all: true } })
    const before = await snapshot()
    const preview = await call('policies.update', { id: policy.id, dry_run: true, alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }] })
    expect(preview.version).toBe(2)
    const chat = preview.impact!.applications.find((a) => a.application_id === 'app_chat')!
    expect(chat).toMatchObject({
      coverage: 'kept',
      rules_changed: [{ requirement: 'pii', before: { operator: '>', threshold: 2, severity: 'critical' }, after: { operator: '>', threshold: 1, severity: 'critical' } }],
      status_before: 'compliant',
      status_after: 'non_compliant',
      failing_after: ['pii'],
    })
    expect(preview.impact!.applications.find((a) => a.application_id === 'app_tool')).toMatchObject({ status_before: 'compliant', status_after: 'compliant' })
    expect(preview.impact!.summary).toEqual({ applications_affected: 2, rules_added: 0, rules_changed: 2, rules_removed: 0, newly_failing: 1 })
    expect(await snapshot()).toEqual(before)
  })

  it('previews applying a template to a scope: the rules each newly covered application gains', async () => {
    await portfolio()
    const before = await snapshot()
    const preview = await call('policies.createFromTemplate', { template_id: 'hardened_external', dry_run: true, scope: { tags: ['external-facing'] } })
    expect(preview.impact!.applications.map((a) => [a.application_id, a.coverage, a.rules_added.length, a.status_after])).toEqual([['app_chat', 'added', 5, 'pending']])
    expect(await snapshot()).toEqual(before)
    expect((await call('policies.list', {})).policies).toEqual([])
  })

  it('is asked for over REST with dry_run in the body or the query string', async () => {
    await portfolio()
    const policy = await call('policies.create', { name: 'PII', alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { tags: ['internal'] } })
    const preview = await call('policies.update', { id: policy.id, dry_run: 'true' as unknown as boolean, scope: { apply_to_all: true } })
    expect(preview.impact!.applications.map((a) => [a.application_id, a.coverage])).toEqual([
      ['app_chat', 'added'],
      ['app_tool', 'kept'],
    ])
    expect((await call('policies.get', { id: policy.id })).scope.apply_to_all).toBe(false)
  })
})
