import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'

const fixture = freshEngineForEachTest('report-data', '2026-03-01T10:00:00.000Z')
const HOUR = 3_600_000

/** Three applications under two policies; a breach that opens a gap, then clears; a sign-off with an exception. */
async function history() {
  const { call, clock } = fixture
  await call('applications.create', { id: 'app_chat', name: 'Chat Assistant', tags: ['external-facing'] })
  await call('applications.create', { id: 'app_claims', name: 'Claims Triage', tags: ['external-facing', 'customer-data'] })
  await call('applications.create', { id: 'app_wiki', name: 'Wiki Search' })
  const rule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }] })
  const pii = await call('policies.create', {
    name: 'Customer Data',
    enforcement_delay_days: 0,
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: ['customer-data'], application_ids: ['app_chat'] },
  })
  const health = await call('policies.create', {
    name: 'Health',
    enforcement_delay_days: 0,
    alert_rules: [
      { metric: 'error_rate', operator: '>', threshold: 5, severity: 'high' },
      { metric: 'pii', operator: '>', threshold: 2, severity: 'medium' },
    ],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })
  const send = (id: string, piiCount: number, errors: number) =>
    call('metrics.ingest', {
      id,
      observations: [
        { metric: 'pii', timestamp: new Date(clock.now().getTime() - HOUR / 2).toISOString(), count: piiCount, total: 100 },
        { metric: 'error_rate', timestamp: new Date(clock.now().getTime() - HOUR / 2).toISOString(), count: errors, total: 100 },
      ],
    })
  await send('app_chat', 5, 0)
  await send('app_claims', 0, 0)
  await send('app_wiki', 0, 9)
  await call('compliance.evaluate', {})
  const breached = clock.now().toISOString()
  clock.advance(2 * HOUR)
  await send('app_chat', 0, 0)
  await call('compliance.evaluate', {})
  clock.advance(HOUR)
  await call('attestations.submit', {
    id: pii.id,
    status: 'compliant_with_exceptions',
    exceptions: [{ application_id: 'app_claims', requirement: 'pii', justification: 'Vendor fix due in March', expiry_date: '2026-04-01' }],
  })
  clock.advance(HOUR)
  return { pii, health, breached }
}

async function gather(scope: { policy_id?: string; application_id?: string; as_of?: string }) {
  const { gatherReport } = await import('./report-data')
  const { ComplianceQueries } = await import('../compliance/compliance-queries')
  return gatherReport(fixture.context.db, new ComplianceQueries(fixture.context, fixture.evaluator), scope, fixture.context.nowIso())
}

describe('the report’s data', () => {
  it('says what the API says, for now and for a past moment', async () => {
    const { breached } = await history()
    for (const as_of of [undefined, breached]) {
      const report = await gather({ as_of })
      const overview = await fixture.call('compliance.overview', as_of ? { as_of } : {})
      expect(report.summary.application_counts).toEqual(overview.application_counts)
      for (const app of report.applications) {
        const answered = await fixture.call('compliance.application', { id: app.id, ...(as_of ? { as_of } : {}) })
        expect(app.status).toBe(answered.status)
        expect(app.policies.map((p) => [p.policy_id, p.status, p.requirements.map((r) => r.outcome)])).toEqual(answered.policies.map((p) => [p.policy_id, p.status, p.requirements.map((r) => r.outcome)]))
      }
      const gaps = await fixture.call('gaps.list', { limit: 10_000, ...(as_of ? { as_of } : {}) })
      expect(report.gaps.map((gap) => [gap.id, gap.opened_at, gap.resolved_at]).sort()).toEqual(gaps.gaps.map((gap) => [gap.id, gap.opened_at, gap.resolved_at]).sort())
    }
    // At the breach, Chat Assistant's gap was open; now it is resolved.
    const past = await gather({ as_of: breached })
    expect(past.applications.find((app) => app.id === 'app_chat')!.status).toBe('non_compliant')
    expect(past.gaps.filter((gap) => gap.application_id === 'app_chat').every((gap) => gap.resolved_at === null)).toBe(true)
    expect(past.attestations).toEqual([])
    const now = await gather({})
    expect(now.gaps.filter((gap) => gap.application_id === 'app_chat' && gap.requirement === 'pii').every((gap) => gap.resolved_at !== null)).toBe(true)
    expect(now.attestations).toHaveLength(1)
    expect(now.exceptions).toMatchObject([{ application_id: 'app_claims', requirement: 'pii', state: 'active', expiry_date: '2026-04-01' }])
  })

  it('narrows to one policy or one application, with the policy version in force and the rules each application carries', async () => {
    const { pii } = await history()
    const policy = await gather({ policy_id: pii.id })
    expect(policy.scope).toMatchObject({ kind: 'policy', policy_id: pii.id, policy_name: 'Customer Data' })
    expect(policy.applications.map((app) => app.id)).toEqual(['app_chat', 'app_claims'])
    expect(policy.policies.map((p) => [p.name, p.version])).toEqual([['Customer Data', 1]])
    const app = await gather({ application_id: 'app_chat' })
    expect(app.scope).toMatchObject({ kind: 'application', application_name: 'Chat Assistant' })
    expect(app.policies.map((p) => p.name)).toEqual(['Customer Data', 'Health'])
    // Two policies ask for pii: one rule, the stricter threshold, both sources.
    expect(app.rule_inventory.find((rule) => rule.requirement === 'pii')).toMatchObject({ threshold: 1, severity: 'critical', sources: [{ policy_name: 'Customer Data' }, { policy_name: 'Health' }] })
    expect(app.exceptions).toEqual([])
  })

  it('is the same twice for the same moment, and refuses a moment in the future or an unknown scope', async () => {
    await history()
    const at = fixture.clock.now().toISOString()
    expect(JSON.stringify(await gather({ as_of: at }))).toBe(JSON.stringify(await gather({ as_of: at })))
    expect(await failure(fixture.call('reports.preview', { as_of: '2030-01-01T00:00:00Z' }))).toMatchObject({ code: 'invalid_input', field: 'as_of' })
    expect(await failure(fixture.call('reports.preview', { policy_id: 'pol_nothing' }))).toMatchObject({ code: 'not_found', field: 'policy_id' })
    expect(await failure(fixture.call('reports.preview', { application_id: 'app_nothing' }))).toMatchObject({ code: 'not_found', field: 'application_id' })
  })
})
