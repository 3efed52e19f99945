import { describe, expect, it } from 'vitest'
import type { ComplianceStatus, ImpactEntry } from '../../../src-shared/domain/compliance'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { asOwner } from '../../testing/workspace'
import { loadSampleWorkspace } from '../workspace/sample'
import { summarise } from './impact'

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
    expect(preview.impact!.summary).toEqual({
      applications_affected: 2,
      rules_added: 0,
      rules_changed: 2,
      rules_removed: 0,
      newly_failing: 1,
      statuses_changing: 1,
      status_changes: [{ from: 'compliant', to: 'non_compliant', applications: 1 }],
      applications_by_status_after: { compliant: 1, warning: 0, non_compliant: 1, attestation_overdue: 0, pending: 0, not_covered: 0 },
    })
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

describe('impact preview against applying, on the sample workspace', () => {
  const sample = freshEngineForEachTest('impact-sample', '2026-06-30T12:00:00.000Z')

  it('gives every application the status applying the scope really leaves it in, Pending included, and counts exactly what changes', async () => {
    await loadSampleWorkspace(sample.context, asOwner)
    // As on a real clock, every reading is a moment later than the one before: the change is
    // stamped after the rehearsal began, and evaluated after that.
    sample.clock.tickOnEachReading(1)
    const { call: act } = sample
    const policy = (await act('policies.list', {})).policies.find((p) => p.template_id === 'sensitive_data')!
    // Sensitive Data reaches the internal, content and copilot applications, which have no data for its rules yet.
    const scope = { ...policy.scope, tags: [...policy.scope.tags, 'internal', 'content'] }
    const statusesNow = await applicationStatuses()

    const preview = await act('policies.previewScope', { id: policy.id, scope })
    const rehearsal = await act('policies.update', { id: policy.id, scope, dry_run: true })
    await act('policies.update', { id: policy.id, scope })
    const applied = await act('compliance.overview', {})

    const impact = rehearsal.impact!
    const previewed = new Map(impact.applications.map((entry) => [entry.application_id, entry]))
    const real: ImpactEntry[] = []
    for (const app of applied.applications) {
      const entry = previewed.get(app.application_id)
      const underPolicy = app.policy_statuses.find((status) => status.policy_id === policy.id)
      if (!entry) {
        // An application the preview leaves out is one applying leaves as it was.
        expect(app.status, app.application_id).toBe(statusesNow.get(app.application_id))
        continue
      }
      expect({ id: app.application_id, before: entry.status_before, after: entry.status_after, policy: entry.policy_status_after, grace: entry.in_grace_period }).toEqual({
        id: app.application_id,
        before: statusesNow.get(app.application_id),
        after: app.status,
        policy: underPolicy?.status ?? null,
        grace: underPolicy?.in_grace_period ?? false,
      })
      real.push({ ...entry, status_before: statusesNow.get(app.application_id) ?? null, status_after: app.status })
    }
    expect(real).toHaveLength(impact.applications.length)
    expect(impact.summary).toEqual(summarise(real))
    // What the defect hid: newly covered applications turn Pending, and the counts say so.
    expect(impact.summary.status_changes).toContainEqual(expect.objectContaining({ from: 'compliant', to: 'pending' }))
    expect(impact.summary.applications_by_status_after.pending).toBeGreaterThan(0)

    // The scope preview is the same rehearsal: the same statuses, the same counts.
    expect(preview.summary).toEqual(impact.summary)
    expect(preview.added).toBe(impact.applications.filter((entry) => entry.coverage === 'added').length)
    for (const entry of preview.applications) {
      expect([entry.application_id, entry.status_before, entry.status_after]).toEqual([entry.application_id, previewed.get(entry.application_id)!.status_before, previewed.get(entry.application_id)!.status_after])
    }
  })

  async function applicationStatuses(): Promise<Map<string, ComplianceStatus | null>> {
    const overview = await sample.call('compliance.overview', {})
    return new Map(overview.applications.map((app) => [app.application_id, app.status]))
  }
})
