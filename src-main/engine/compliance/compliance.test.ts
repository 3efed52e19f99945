import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('compliance', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

const HOUR = 3_600_000
const hoursAgo = (hours: number) => new Date(fixture.clock.now().getTime() - hours * HOUR).toISOString()
const days = (n: number) => n * 24

async function appWithPolicy(template: 'system_health' | 'sensitive_data' | 'hardened_external' | 'performance_monitored', delayDays = 0) {
  await call('applications.create', { id: 'app_a', name: 'Assistant', tags: ['production'] })
  const policy = await call('policies.createFromTemplate', { template_id: template, scope: { apply_to_all: true, tags: [], application_ids: [] } })
  if (delayDays !== 30) await call('policies.update', { id: policy.id, enforcement_delay_days: delayDays })
  return policy
}

/** PII, sensitive data, card and government id rates for the last day, as flagged-of-total counts. */
async function sensitiveDay(pii: [number, number], rest: [number, number] = [0, 1000]) {
  await call('metrics.ingest', {
    id: 'app_a',
    observations: [
      { metric: 'pii', timestamp: hoursAgo(2), count: pii[0], total: pii[1] },
      { metric: 'sensitive_data', timestamp: hoursAgo(2), count: rest[0], total: rest[1] },
      { metric: 'credit_card', timestamp: hoursAgo(2), count: 0, total: 1000 },
      { metric: 'gov_id', timestamp: hoursAgo(2), count: 0, total: 1000 },
    ],
  })
}

const statusOf = async (policyId: string) => (await call('compliance.application', { id: 'app_a' })).policies.find((p) => p.policy_id === policyId)!

describe('statuses', () => {
  it('is pending with no data, never silently passing', async () => {
    const policy = await appWithPolicy('sensitive_data')
    const status = await statusOf(policy.id)
    expect(status.status).toBe('pending')
    expect(status.requirements.every((r) => r.outcome === 'no_data')).toBe(true)
    expect(status.requirements[0]!.reason).toMatch(/^No .* data over the 24 hours to 2026-03-01 10:30 UTC; pending until data arrives/)
    expect(status.evaluated_at).toBe('2026-03-01T10:30:00.000Z')
  })

  it('is compliant when every requirement passes, non-compliant when a critical one breaches', async () => {
    const policy = await appWithPolicy('sensitive_data')
    await sensitiveDay([10, 1000])
    expect((await statusOf(policy.id)).status).toBe('compliant')
    await sensitiveDay([60, 1000])
    const status = await statusOf(policy.id)
    expect(status.status).toBe('non_compliant')
    const pii = status.requirements.find((r) => r.requirement === 'pii')!
    // (10 + 60) flagged of 2000: 3.5%, not the mean of 1% and 6%.
    expect(pii.value).toBe(3.5)
    expect(pii.outcome).toBe('breach')
    expect(pii.reason).toBe('PII detection rate was 3.5% over the 24 hours to 2026-03-01 10:30 UTC, above the 2% threshold (critical) of Sensitive Data v2')
  })

  it('is a warning when only medium or low requirements breach', async () => {
    const policy = await appWithPolicy('performance_monitored')
    await call('metrics.ingest', {
      id: 'app_a',
      observations: [
        { metric: 'hallucination', timestamp: hoursAgo(1), count: 1, total: 100 },
        { metric: 'coherence', timestamp: hoursAgo(1), values: [0.5, 0.6, 0.7] },
        { metric: 'task_completion', timestamp: hoursAgo(1), count: 95, total: 100 },
        { metric: 'user_satisfaction', timestamp: hoursAgo(1), sum: 420, count: 100 },
      ],
    })
    const status = await statusOf(policy.id)
    expect(status.status).toBe('warning')
    expect(status.requirements.filter((r) => r.outcome === 'breach').map((r) => r.requirement)).toEqual(['coherence'])
  })

  it('shows a breach before enforcement in its grace period, and the gap carries the date', async () => {
    const policy = await appWithPolicy('sensitive_data', 30)
    await sensitiveDay([60, 1000])
    const status = await statusOf(policy.id)
    expect(status).toMatchObject({ status: 'non_compliant', in_grace_period: true, enforcement_starts_at: '2026-03-31T10:30:00.000Z' })
    const { gaps } = await call('gaps.list', { application_id: 'app_a', open: true })
    expect(gaps).toHaveLength(1)
    expect(gaps[0]).toMatchObject({ requirement: 'pii', kind: 'breach', grace_until: '2026-03-31T10:30:00.000Z' })
  })
})

describe('organisation compliance in the reference shape', () => {
  it('lists each policy with compliant and total counts and each gap with failing requirements and reasons', async () => {
    const policy = await appWithPolicy('sensitive_data')
    await sensitiveDay([60, 1000], [20, 1000])
    const body = await call('compliance.organization', {})
    expect(body).toEqual({
      policies: [
        {
          id: policy.id,
          name: 'Sensitive Data',
          compliant_count: 0,
          total_count: 1,
          gap_count: 1,
          gaps: [
            {
              application_id: 'app_a',
              application_name: 'Assistant',
              status: 'non_compliant',
              failing_requirements: ['pii', 'sensitive_data'],
              failures: [
                { requirement: 'pii', reason: expect.stringContaining('6%') as string, value: 6, threshold: 2, severity: 'critical' },
                { requirement: 'sensitive_data', reason: expect.stringContaining('2%') as string, value: 2, threshold: 1, severity: 'critical' },
              ],
            },
          ],
        },
      ],
    })
  })
})

describe('time travel', () => {
  it('answers as of a past moment from the data, policy version and coverage of then', async () => {
    const policy = await appWithPolicy('sensitive_data')
    await sensitiveDay([0, 1000])
    const compliantAt = fixture.clock.now().toISOString()
    fixture.clock.advance(days(2) * HOUR)
    await sensitiveDay([90, 1000])
    expect((await statusOf(policy.id)).status).toBe('non_compliant')
    const past = await call('compliance.organization', { as_of: compliantAt })
    expect(past.policies[0]).toMatchObject({ compliant_count: 1, total_count: 1, gap_count: 0 })
    const before = await call('compliance.organization', { as_of: '2026-02-01T00:00:00.000Z' })
    expect(before.policies).toEqual([])
  })
})

describe('the trend as of a past moment', () => {
  it('counts the moment’s own day as it stood then, however the day went on', async () => {
    await appWithPolicy('sensitive_data')
    await sensitiveDay([0, 1000])
    const compliantAt = fixture.clock.now().toISOString()
    const then = (await call('compliance.trend', { days: 3, as_of: compliantAt })).points
    expect(then.at(-1)).toEqual({ at: compliantAt, counts: expect.objectContaining({ compliant: 1, non_compliant: 0 }) })
    // Later the same day the application breaches; the day's roll-up changes, the moment does not.
    fixture.clock.advance(3 * HOUR)
    await sensitiveDay([90, 1000])
    await call('compliance.evaluate', {})
    expect((await call('compliance.trend', { days: 3 })).points.at(-1)!.counts).toMatchObject({ compliant: 0, non_compliant: 1 })
    expect((await call('compliance.trend', { days: 3, as_of: compliantAt })).points).toEqual(then)
  })
})
