import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

// Alerts go to a receiver on this computer, which the operator's allow-list must name.
const fixture = freshEngineForEachTest('evaluator', '2026-03-01T10:30:00.000Z', { webhookAllow: ['127.0.0.1'] })
const call: typeof fixture.call = (...args) => fixture.call(...args)
const HOUR = 3_600_000
const DAY = 24 * HOUR
const hoursAgo = (hours: number) => new Date(fixture.clock.now().getTime() - hours * HOUR).toISOString()
const all = { apply_to_all: true, tags: [], application_ids: [] }

/** A real webhook receiver on loopback, recording every alert posted to it. */
let receiver: Server | undefined
async function webhookReceiver(): Promise<{ url: string; received: Array<{ event: string; requirement: string; text: string }> }> {
  const received: Array<{ event: string; requirement: string; text: string }> = []
  receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push(JSON.parse(body) as { event: string; requirement: string; text: string })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/governance`, received }
}
afterEach(async () => {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)))
  receiver = undefined
})

const pii = (percent: number, hours = 1) => call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: hoursAgo(hours), count: percent * 10, total: 1000 }] })
const status = async (policyId: string) => (await call('compliance.application', { id: 'app_a' })).policies.find((p) => p.policy_id === policyId)!
const settle = async () => {
  await fixture.evaluator.drain()
  await fixture.notifier.deliverDue()
}

describe('combining policies on one application', () => {
  it('judges each policy by its own threshold while the materialised rule takes the stricter one', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const strict = await call('policies.create', { name: 'Strict PII', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'medium' }], scope: all })
    const base = await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: all })
    const [rule] = (await call('applications.rules', { id: 'app_a' })).alert_rules.filter((r) => r.requirement === 'pii')
    expect(rule).toMatchObject({ threshold: 1, severity: 'critical' })
    await pii(1.5)
    expect((await status(strict.id)).status).toBe('warning')
    const sensitive = await status(base.id)
    expect(sensitive.requirements.find((r) => r.requirement === 'pii')!.outcome).toBe('pass')
  })
})

describe('gaps and alerts', () => {
  it('opens a gap on a breach and resolves it when the requirement passes again, alerting once per transition', async () => {
    const hook = await webhookReceiver()
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const policy = await call('policies.create', { name: 'PII', enforcement_delay_days: 0, notification_webhook: hook.url, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: all })
    await pii(5)
    await settle()
    await call('compliance.evaluate', {})
    await settle()
    expect(hook.received.map((alert) => [alert.event, alert.requirement])).toEqual([['gap.opened', 'pii']])
    expect(hook.received[0]!.text).toContain('Compliance gap opened: Assistant — PII, pii (critical)')

    // The breach ages out of the 24-hour window; fresh data passes.
    fixture.clock.advance(2 * DAY)
    await pii(1)
    await settle()
    await call('compliance.evaluate', {})
    await settle()
    expect(hook.received.map((alert) => alert.event)).toEqual(['gap.opened', 'gap.resolved'])
    const { gaps } = await call('gaps.list', { application_id: 'app_a' })
    expect(gaps).toEqual([
      expect.objectContaining({ policy_id: policy.id, requirement: 'pii', kind: 'breach', value: 5, threshold: 2, opened_at: '2026-03-01T10:30:00.000Z', resolved_at: '2026-03-03T10:30:00.000Z' }),
    ])
    expect((await call('audit.list', { entity_id: 'app_a', limit: 100 })).events.map((e) => e.action).filter((a) => a.startsWith('gap.'))).toEqual(['gap.resolved', 'gap.opened'])
  })

  it('fires no alert during the grace period, then alerts once when enforcement begins if the breach persists', async () => {
    const hook = await webhookReceiver()
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const policy = await call('policies.create', { name: 'PII', enforcement_delay_days: 30, notification_webhook: hook.url, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: all })
    await pii(5)
    await settle()
    expect(await status(policy.id)).toMatchObject({ status: 'non_compliant', in_grace_period: true })
    expect(hook.received).toEqual([])

    fixture.clock.advance(31 * DAY)
    await pii(6)
    await settle()
    await call('compliance.evaluate', {})
    await settle()
    expect((await status(policy.id)).in_grace_period).toBe(false)
    expect(hook.received.map((alert) => alert.event)).toEqual(['gap.opened'])
  })

  it('sends nothing for a breach that clears within the grace period', async () => {
    const hook = await webhookReceiver()
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    await call('policies.create', { name: 'PII', notification_webhook: hook.url, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: all })
    await pii(5)
    await settle()
    fixture.clock.advance(2 * DAY)
    await pii(0)
    await settle()
    expect((await call('gaps.list', { application_id: 'app_a' })).gaps[0]!.resolved_at).not.toBeNull()
    expect(hook.received).toEqual([])
  })

  it('treats a deleted materialised rule as a non-compliant missing rule, with its reason', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const policy = await call('policies.create', { name: 'PII', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'low' }], scope: all })
    await pii(0)
    const [rule] = (await call('applications.rules', { id: 'app_a' })).alert_rules
    await call('applications.deleteRule', { id: 'app_a', rule_id: rule!.id })
    const current = await status(policy.id)
    expect(current.status).toBe('non_compliant')
    expect(current.requirements[0]).toMatchObject({ outcome: 'missing_rule', reason: 'The PII detection rate alert rule required by PII v1 was deleted from this application' })
    const org = await call('compliance.organization', {})
    expect(org.policies[0]!.gaps[0]).toMatchObject({ failing_requirements: ['pii'], status: 'non_compliant' })
  })
})

describe('what no data counts as', () => {
  it('is pending by default, and passing or failing when the rule says so', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const rule = (no_data: 'pass' | 'fail' | 'pending', severity: 'critical' | 'low' = 'critical') => ({ metric: 'toxicity' as const, operator: '>' as const, threshold: 1, severity, no_data })
    const pending = await call('policies.create', { name: 'Default', alert_rules: [rule('pending')], scope: all })
    const passing = await call('policies.create', { name: 'Lenient', alert_rules: [rule('pass')], scope: all })
    const failing = await call('policies.create', { name: 'Strict', alert_rules: [rule('fail')], scope: all })
    expect((await status(pending.id)).status).toBe('pending')
    expect((await status(passing.id)).status).toBe('compliant')
    expect((await status(failing.id)).status).toBe('non_compliant')
  })
})

describe('throughput and availability', () => {
  it('compares the last 7 days of requests with the 7 before, and pools availability checks', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const policy = await call('policies.createFromTemplate', { template_id: 'system_health', scope: all })
    const observations = []
    for (let day = 0; day < 14; day++) observations.push({ metric: 'requests' as const, timestamp: hoursAgo(day * 24 + 1), count: day < 7 ? 400 : 1000 })
    observations.push({ metric: 'availability' as const, timestamp: hoursAgo(1), count: 985, total: 1000 })
    await call('metrics.ingest', { id: 'app_a', observations })
    const results = Object.fromEntries((await status(policy.id)).requirements.map((r) => [r.requirement, r]))
    expect(results.throughput_drop).toMatchObject({ value: 60, outcome: 'breach', volume: 9800 })
    expect(results.throughput_drop!.reason).toContain('Requests fell 60% (7,000 → 2,800) in the 7 days to 2026-03-01 10:30 UTC against the 7 days before, above the 50% threshold (high)')
    expect(results.availability).toMatchObject({ value: 98.5, outcome: 'breach' })
    expect(results.availability!.reason).toContain('below the 99% threshold (critical)')
  })
})

describe('when evaluation runs', () => {
  it('re-evaluates exactly the applications whose data changed, and "Evaluate now" brings every status to now', async () => {
    await call('applications.create', { id: 'app_a', name: 'A' })
    await call('applications.create', { id: 'app_b', name: 'B' })
    await call('policies.create', { name: 'PII', alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: all })
    await fixture.evaluator.drain()
    const evaluatedAt = async () =>
      Object.fromEntries(await Promise.all(['app_a', 'app_b'].map(async (id) => [id, (await call('compliance.application', { id })).policies[0]!.evaluated_at] as const)))
    fixture.clock.advance(HOUR)
    await pii(1)
    expect(await evaluatedAt()).toEqual({ app_a: '2026-03-01T11:30:00.000Z', app_b: '2026-03-01T10:30:00.000Z' })
    fixture.clock.advance(HOUR)
    expect(await call('compliance.evaluate', {})).toEqual({ evaluated_at: '2026-03-01T12:30:00.000Z', applications: 2 })
    expect(await evaluatedAt()).toEqual({ app_a: '2026-03-01T12:30:00.000Z', app_b: '2026-03-01T12:30:00.000Z' })
  })
})

describe('as_of', () => {
  it('answers under the policy version and coverage of that moment', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant', tags: ['chat'] })
    const policy = await call('policies.create', { name: 'PII', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { tags: ['chat'] } })
    await pii(1.5)
    const beforeTightening = fixture.clock.now().toISOString()
    fixture.clock.advance(HOUR)
    await call('policies.update', { id: policy.id, alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }] })
    expect((await status(policy.id)).status).toBe('non_compliant')
    expect((await call('compliance.organization', { as_of: beforeTightening })).policies[0]).toMatchObject({ compliant_count: 1, total_count: 1 })

    const beforeLeaving = fixture.clock.now().toISOString()
    fixture.clock.advance(HOUR)
    await call('applications.update', { id: 'app_a', tags: [] })
    expect((await call('compliance.organization', {})).policies[0]).toMatchObject({ total_count: 0 })
    const then = await call('compliance.application', { id: 'app_a', as_of: beforeLeaving })
    expect(then).toMatchObject({ status: 'non_compliant', as_of: beforeLeaving })
    expect(then.policies[0]!.requirements[0]!.threshold).toBe(1)
    expect((await call('gaps.list', { application_id: 'app_a', open: true, as_of: beforeLeaving })).gaps).toHaveLength(1)
    expect((await call('gaps.list', { application_id: 'app_a', open: true })).gaps).toHaveLength(0)
  })

  it('refuses a moment in the future', async () => {
    await expect(call('compliance.organization', { as_of: '2030-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'invalid_input', field: 'as_of' })
  })
})
