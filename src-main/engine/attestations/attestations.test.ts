import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../src-shared/domain/common'
import { workspaceLocationOf } from '../../testing/engine-database'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'
import { caller } from '../../testing/workspace'

const fixture = freshEngineForEachTest('attestations', '2026-01-31T10:00:00.000Z')
const DAY = 86_400_000

/**
 * A small organisation: Ana reviews directly, Ben through the Risk group, Carl manages governance
 * but reviews nothing, Chris is the escalation path. One application passes its checks, one
 * breaches a medium requirement, one a critical one.
 */
async function organisation(rule: { notes_required?: boolean; blocking?: 'block' | 'warn'; frequency?: 'monthly' | 'quarterly' | 'every_n_days'; every_days?: number; deadline_days?: number } = {}) {
  const { call } = fixture
  const risk = await call('groups.create', { name: 'Risk' })
  const ana = await call('users.create', { name: 'Ana Ortiz', role: 'reviewer' })
  const ben = await call('users.create', { name: 'Ben Brook', role: 'reviewer', group_ids: [risk.id] })
  const carl = await call('users.create', { name: 'Carl Chen', role: 'governance_manager' })
  const chris = await call('users.create', { name: 'Chris CISO', role: 'org_admin' })
  const attestationRule = await call('attestationRules.create', {
    name: 'Monthly sign-off',
    frequency: rule.frequency ?? 'monthly',
    every_days: rule.every_days ?? null,
    reviewers: [
      { type: 'user', id: ana.id },
      { type: 'group', id: risk.id },
    ],
    deadline_days: rule.deadline_days ?? 7,
    escalation_path: [{ type: 'user', id: chris.id }],
    notes_required: rule.notes_required ?? false,
    blocking: rule.blocking ?? 'block',
  })
  for (const [id, name] of [
    ['app_pass', 'Passing Bot'],
    ['app_warn', 'Warning Bot'],
    ['app_fail', 'Failing Bot'],
  ] as const) {
    await call('applications.create', { id, name, tags: ['governed'] })
  }
  const policy = await call('policies.create', {
    name: 'Customer Data',
    alert_rules: [
      { metric: 'pii', operator: '>', threshold: 1, severity: 'critical' },
      { metric: 'toxicity', operator: '>', threshold: 5, severity: 'medium' },
    ],
    attestation_rule_ids: [attestationRule.id],
    scope: { apply_to_all: false, tags: ['governed'], application_ids: [] },
    enforcement_delay_days: 0,
  })
  await sendData()
  return { policy, rule: attestationRule, ana, ben, carl, chris, risk }
}

/** An hour of checks for each application, ending now: pass, a medium breach, a critical breach. */
async function sendData() {
  const { call, clock } = fixture
  const at = new Date(clock.now().getTime() - 600_000).toISOString()
  const rates = { app_pass: [0, 0], app_warn: [0, 20], app_fail: [10, 0] } as const
  for (const [id, [pii, toxicity]] of Object.entries(rates)) {
    await call('metrics.ingest', {
      id,
      observations: [
        { metric: 'pii', timestamp: at, count: pii, total: 100 },
        { metric: 'toxicity', timestamp: at, count: toxicity, total: 100 },
      ],
    })
  }
}

function as(person: { id: string; name: string; role: Actor['role'] }) {
  return caller(fixture.engine, { actor: { id: person.id, name: person.name, role: person.role } })
}

async function statusOf(applicationId: string, asOf?: string) {
  const compliance = await fixture.call('compliance.application', { id: applicationId, ...(asOf ? { as_of: asOf } : {}) })
  return compliance.policies[0]!
}

async function advance(days: number) {
  fixture.clock.advance(days * DAY)
  await sendData()
  await fixture.call('compliance.evaluate', {})
}

async function auditActions(action: string) {
  return (await fixture.call('audit.list', { action, limit: 1000 })).events
}

describe('attestation schedules', () => {
  it('asks the rule’s reviewers, groups resolved to their members and kept on record, once the policy is published', async () => {
    const { policy, ana, ben } = await organisation()
    const { requests, counts } = await fixture.call('attestations.inbox', { tab: 'open', policy_id: policy.id })
    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request).toMatchObject({ period_index: 0, period_start: '2026-01-31T10:00:00.000Z', period_end: '2026-02-28T10:00:00.000Z', due_at: '2026-02-07T10:00:00.000Z', state: 'open' })
    expect(request!.reviewers).toEqual([
      { type: 'user', id: ana.id, name: 'Ana Ortiz', members: [] },
      { type: 'group', id: expect.any(String), name: 'Risk', members: [{ id: ben.id, name: 'Ben Brook' }] },
    ])
    expect(counts).toMatchObject({ open: 1, overdue: 0, done: 0 })
    expect(await fixture.call('attestations.inbox', { tab: 'open' }).then((inbox) => inbox.counts.awaiting_me)).toBe(0)
    expect((await as(ben)('attestations.inbox', { tab: 'open', mine: true })).counts.awaiting_me).toBe(1)
    expect(await auditActions('attestation.requested')).toHaveLength(1)
  })

  it('catches up after the workspace was closed for three months: one request per missed period, never twice', async () => {
    const { policy } = await organisation()
    const file = fixture.engine.path
    await fixture.engine.close()
    fixture.clock.set('2026-05-15T08:00:00.000Z')
    const { openTestEngine } = await import('../../testing/workspace')
    const reopened = await openTestEngine(file, '2026-05-15T08:00:00.000Z')
    try {
      const call = caller(reopened.engine)
      await call('compliance.evaluate', {})
      await call('compliance.evaluate', {})
      const all = [...(await call('attestations.inbox', { tab: 'open', policy_id: policy.id })).requests]
      // 31 Jan, 28 Feb, 31 Mar, 30 Apr: the three missed periods and the current one, each once.
      expect(all.map((request) => request.period_start.slice(0, 10))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'])
      expect(all.map((request) => request.state)).toEqual(['overdue', 'overdue', 'overdue', 'overdue'])
      const escalations = (await call('audit.list', { action: 'attestation.escalated', limit: 100 })).events
      expect(escalations).toHaveLength(4)
    } finally {
      await reopened.engine.close()
    }
  })

  it('issues each period once when two consoles open the same workspace at once after months closed', async () => {
    const { policy } = await organisation({ frequency: 'every_n_days', every_days: 45 })
    const file = fixture.engine.path
    const location = await workspaceLocationOf(file)
    await fixture.engine.close()
    // Two processes, as the desktop app and `govern serve` would be, catching up at the same moment.
    const script = join(__dirname, '..', '..', 'testing', 'catch-up-process.ts')
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', script, location, '2027-01-20T00:00:00.000Z'], { cwd: join(__dirname, '..', '..', '..') }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        )
      })
    const outputs = await Promise.all([run(), run()])
    for (const output of outputs) expect(JSON.parse(output)).toEqual({ open: 8 })
    const { openTestEngine } = await import('../../testing/workspace')
    const reopened = await openTestEngine(file, '2027-01-20T00:00:00.000Z')
    try {
      const call = caller(reopened.engine)
      const requests = (await call('attestations.inbox', { tab: 'open', policy_id: policy.id })).requests
      // 354 days after 31 January 2026, periods of 45 days: indexes 0 to 7, each once.
      expect(requests.map((request) => request.period_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
      expect(requests[1]!.period_start).toBe('2026-03-17T10:00:00.000Z')
      const escalations = (await call('audit.list', { action: 'attestation.escalated', limit: 1000 })).events
      expect(escalations).toHaveLength(8)
      const reminders = (await call('audit.list', { action: 'attestation.reminder_sent', limit: 1000 })).events
      const subjects = reminders.map((event) => JSON.stringify([(event.after as { kind: string }).kind, (event.after as { request_id: string }).request_id]))
      expect(new Set(subjects).size).toBe(subjects.length)
    } finally {
      await reopened.engine.close()
    }
  })

  it('withdraws open requests when the policy is archived or the rule removed, with an audit event', async () => {
    const { policy } = await organisation()
    await fixture.call('policies.update', { id: policy.id, attestation_rule_ids: [] })
    expect((await fixture.call('attestations.inbox', { tab: 'open', policy_id: policy.id })).counts.open).toBe(0)
    const [withdrawn] = await auditActions('attestation.withdrawn')
    expect(withdrawn!.after).toMatchObject({ reason: 'the attestation rule was removed from the policy' })
    expect((await fixture.call('attestations.inbox', { tab: 'done', policy_id: policy.id })).requests[0]!.state).toBe('withdrawn')
  })

  it('shows each rule’s next due date on the policy', async () => {
    const { policy } = await organisation()
    const [schedule] = (await fixture.call('attestations.schedules', { id: policy.id })).rules
    expect(schedule).toMatchObject({ name: 'Monthly sign-off', next_due_at: '2026-02-07T10:00:00.000Z', signed_off_until: null })
    await fixture.call('attestations.submit', { id: policy.id, status: 'compliant', notes: null })
    const [after] = (await fixture.call('attestations.schedules', { id: policy.id })).rules
    // Signed off until the next period's deadline: 28 February + 7 days.
    expect(after).toMatchObject({ next_due_at: '2026-03-07T10:00:00.000Z', signed_off_until: '2026-03-07T10:00:00.000Z' })
  })
})

describe('signing off', () => {
  it('records the reference payload and answers with the attestation, its reviewer and the request it closed', async () => {
    const { policy, ana } = await organisation()
    const [request] = (await fixture.call('attestations.inbox', { tab: 'open' })).requests
    const attestation = await as(ana)('attestations.submit', { id: policy.id, policy_id: policy.id, status: 'compliant', notes: 'All requirements passing.', exceptions: [] })
    expect(attestation).toMatchObject({ status: 'compliant', notes: 'All requirements passing.', reviewer: { id: ana.id, name: 'Ana Ortiz' }, request_id: request!.id, attested_at: fixture.clock.now().toISOString() })
    expect(attestation.id).toMatch(/^att_/)
    expect((await fixture.call('attestations.inbox', { tab: 'done' })).requests[0]).toMatchObject({ id: request!.id, state: 'done', attestation_id: attestation.id })
    const history = (await fixture.call('attestations.list', { id: policy.id })).attestations
    expect(history.map((entry) => entry.id)).toEqual([attestation.id])
  })

  it('lets a reviewer named through a group attest, and an org admin; refuses anyone else by name', async () => {
    const { policy, ben, carl, chris } = await organisation()
    expect(await failure(as(carl)('attestations.submit', { id: policy.id, status: 'compliant' }))).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Carl Chen') })
    const viaGroup = await as(ben)('attestations.submit', { id: policy.id, status: 'compliant' })
    expect(viaGroup.reviewer.name).toBe('Ben Brook')
    fixture.clock.advance(60_000)
    const byAdmin = await as(chris)('attestations.submit', { id: policy.id, status: 'compliant' })
    // With no open request left it is still recorded, against the current period.
    expect(byAdmin).toMatchObject({ request_id: null, period_start: '2026-01-31T10:00:00.000Z' })
    expect((await fixture.call('attestations.list', { id: policy.id })).attestations.map((a) => a.reviewer.name)).toEqual(['Chris CISO', 'Ben Brook'])
  })

  it('refuses, naming the field: notes the rule requires, exceptions with the wrong status, an uncovered application, an unknown requirement, an expiry not ahead or over a year away', async () => {
    const { policy, ana } = await organisation({ notes_required: true })
    const attest = as(ana)
    const exception = { application_id: 'app_fail', requirement: 'pii', justification: 'Accepted risk — JIRA-1234', expiry_date: '2026-04-15' }
    expect(await failure(attest('attestations.submit', { id: policy.id, status: 'compliant' }))).toMatchObject({ code: 'invalid_input', field: 'notes' })
    expect(await failure(attest('attestations.submit', { id: policy.id, status: 'compliant', notes: 'ok', exceptions: [exception] }))).toMatchObject({ code: 'invalid_input', field: 'exceptions' })
    expect(await failure(attest('attestations.submit', { id: policy.id, status: 'non_compliant', notes: 'no', exceptions: [exception] }))).toMatchObject({ code: 'invalid_input', field: 'exceptions' })
    await fixture.call('applications.create', { id: 'app_other', name: 'Elsewhere' })
    const cases: Array<[Partial<typeof exception>, string]> = [
      [{ application_id: 'app_other' }, 'exceptions.0.application_id'],
      [{ requirement: 'hallucination' }, 'exceptions.0.requirement'],
      [{ expiry_date: '2026-01-31' }, 'exceptions.0.expiry_date'],
      [{ expiry_date: '2026-01-01' }, 'exceptions.0.expiry_date'],
      [{ expiry_date: '2027-02-01' }, 'exceptions.0.expiry_date'],
    ]
    for (const [change, field] of cases) {
      const refused = await failure(attest('attestations.submit', { id: policy.id, status: 'compliant_with_exceptions', notes: 'n', exceptions: [{ ...exception, ...change }] }))
      expect(refused, field).toMatchObject({ code: 'invalid_input', field })
    }
    // Nothing was recorded by any refusal.
    expect((await fixture.call('attestations.list', { id: policy.id })).attestations).toEqual([])
    expect((await fixture.call('attestations.inbox', { tab: 'open' })).counts.open).toBe(1)
    // A year ahead to the day is the latest allowed.
    const accepted = await attest('attestations.submit', { id: policy.id, status: 'compliant_with_exceptions', notes: 'n', exceptions: [{ ...exception, expiry_date: '2027-01-31' }] })
    expect(accepted.exceptions[0]).toMatchObject({ expiry_date: '2027-01-31', state: 'active', application_name: 'Failing Bot' })
  })
})

describe('effects on compliance', () => {
  it('an exception suppresses the gap until it expires; as_of before and after agree; the gap returns with an audit event', async () => {
    const { policy } = await organisation()
    expect((await statusOf('app_fail')).status).toBe('non_compliant')
    const beforeException = fixture.clock.now().toISOString()
    fixture.clock.advance(60_000)
    await fixture.call('attestations.submit', {
      id: policy.id,
      status: 'compliant_with_exceptions',
      exceptions: [{ application_id: 'app_fail', requirement: 'pii', justification: 'Accepted risk — JIRA-1234', expiry_date: '2026-02-20' }],
    })
    const excepted = await statusOf('app_fail')
    expect(excepted.status).toBe('compliant')
    const pii = excepted.requirements.find((r) => r.requirement === 'pii')!
    expect(pii).toMatchObject({ outcome: 'excepted', reason: 'Excepted until 2026-02-20 — Accepted risk — JIRA-1234' })
    expect((await fixture.call('gaps.list', { application_id: 'app_fail', open: true, limit: 10 })).gaps).toEqual([])
    // The past as it stood: before the exception, the breach; after, excepted.
    expect((await statusOf('app_fail', beforeException)).status).toBe('non_compliant')
    expect((await statusOf('app_fail', fixture.clock.now().toISOString())).status).toBe('compliant')
    const org = await fixture.call('compliance.organization', { policy_id: policy.id })
    expect(org.policies[0]!.gaps.map((gap) => gap.application_id)).not.toContain('app_fail')

    await advance(20) // 20 February: the exception ends as the day begins.
    expect((await statusOf('app_fail')).status).toBe('non_compliant')
    expect((await fixture.call('gaps.list', { application_id: 'app_fail', open: true, limit: 10 })).gaps.map((gap) => gap.requirement)).toEqual(['pii'])
    expect(await auditActions('exception.expired')).toHaveLength(1)
    const [attestation] = (await fixture.call('attestations.list', { id: policy.id })).attestations
    expect(attestation!.exceptions[0]!.state).toBe('expired')
  })

  it('a Non-Compliant attestation records an attestation gap on every covered application until a later compliant one', async () => {
    const { policy } = await organisation()
    await fixture.call('attestations.submit', { id: policy.id, status: 'non_compliant', notes: 'Vendor contract lapsed' })
    const gaps = (await fixture.call('gaps.list', { policy_id: policy.id, open: true, limit: 100 })).gaps.filter((gap) => gap.kind === 'attestation')
    expect(gaps.map((gap) => gap.application_id).sort()).toEqual(['app_fail', 'app_pass', 'app_warn'])
    expect(gaps[0]).toMatchObject({ requirement: 'attestation', severity: 'critical', reason: expect.stringContaining('Vendor contract lapsed') })
    expect((await statusOf('app_pass')).status).toBe('non_compliant')
    const org = await fixture.call('compliance.organization', { policy_id: policy.id })
    expect(org.policies[0]!.gaps.find((gap) => gap.application_id === 'app_pass')!.failing_requirements).toEqual(['attestation'])
    fixture.clock.advance(60_000)
    await fixture.call('attestations.submit', { id: policy.id, status: 'compliant' })
    expect((await statusOf('app_pass')).status).toBe('compliant')
    expect((await fixture.call('gaps.list', { policy_id: policy.id, open: true, limit: 100 })).gaps.filter((gap) => gap.kind === 'attestation')).toEqual([])
  })

  it('past the deadline, passing applications show Attestation Overdue; Warning and Non-Compliant take precedence; escalation is sent once', async () => {
    await organisation()
    expect((await statusOf('app_pass')).status).toBe('compliant')
    await advance(7)
    expect((await statusOf('app_pass')).status).toBe('attestation_overdue')
    expect((await statusOf('app_pass')).attestation).toMatchObject({ overdue_since: '2026-02-07T10:00:00.000Z' })
    expect((await statusOf('app_warn')).status).toBe('warning')
    expect((await statusOf('app_fail')).status).toBe('non_compliant')
    await advance(1)
    await advance(1)
    const escalations = await auditActions('attestation.escalated')
    expect(escalations).toHaveLength(1)
    expect(escalations[0]!.after).toMatchObject({ escalation_path: [{ type: 'user', name: 'Chris CISO' }] })
    expect(await auditActions('attestation.overdue')).toHaveLength(1)
    const overview = await fixture.call('compliance.overview', {})
    expect(overview.application_counts).toMatchObject({ attestation_overdue: 1, warning: 1, non_compliant: 1 })
  })

  it('reminds once each: on opening, three days before, on the due date and when overdue', async () => {
    const { ana } = await organisation()
    const kinds = async () => (await as(ana)('attestations.reminders', { after_id: 0 })).reminders.map((reminder) => reminder.kind)
    expect(await kinds()).toEqual(['opened'])
    await advance(4) // 4 February: due in 3 days
    await advance(0)
    expect(await kinds()).toEqual(['opened', 'due_soon'])
    fixture.clock.set('2026-02-07T00:30:00.000Z')
    await advance(0)
    expect(await kinds()).toEqual(['opened', 'due_soon', 'due_today'])
    await advance(1)
    await advance(1)
    expect(await kinds()).toEqual(['opened', 'due_soon', 'due_today', 'overdue'])
    expect(await auditActions('attestation.reminder_sent')).toHaveLength(5) // and the escalation's, to Chris
  })

  it('reminds the granter 30, 7 and 1 days before an exception ends', async () => {
    const { policy, ana } = await organisation()
    await as(ana)('attestations.submit', {
      id: policy.id,
      status: 'compliant_with_exceptions',
      exceptions: [{ application_id: 'app_fail', requirement: 'pii', justification: 'Accepted until the fix ships', expiry_date: '2026-04-01' }],
    })
    const expiring = async () => (await as(ana)('attestations.reminders', { after_id: 0 })).reminders.filter((r) => r.kind.startsWith('exception'))
    fixture.clock.set('2026-03-02T01:00:00.000Z')
    await advance(0)
    await advance(0)
    expect((await expiring()).map((r) => r.body)).toEqual([expect.stringContaining('ends in 30 days')])
    fixture.clock.set('2026-03-25T01:00:00.000Z')
    await advance(0)
    fixture.clock.set('2026-03-31T01:00:00.000Z')
    await advance(0)
    fixture.clock.set('2026-04-01T01:00:00.000Z')
    await advance(0)
    expect((await expiring()).map((r) => r.kind)).toEqual(['exception_expiring', 'exception_expiring', 'exception_expiring', 'exception_expired'])
  })
})

describe('the deployment gate', () => {
  it('allows, warns and blocks, with the policy, requirement or attestation and since when', async () => {
    const { policy } = await organisation({ blocking: 'block' })
    expect(await fixture.call('applications.deploymentGate', { id: 'app_pass' })).toMatchObject({ decision: 'allowed', allowed: true, reasons: [] })
    const warned = await fixture.call('applications.deploymentGate', { id: 'app_warn' })
    expect(warned).toMatchObject({ decision: 'warned', allowed: true, reasons: [{ decision: 'warned', policy_id: policy.id, kind: 'warning', requirement: 'toxicity' }] })
    const blocked = await fixture.call('applications.deploymentGate', { id: 'app_fail' })
    expect(blocked).toMatchObject({ decision: 'blocked', allowed: false, reasons: [{ decision: 'blocked', kind: 'non_compliant', requirement: 'pii', since: expect.any(String) }] })
    await advance(8)
    const overdue = await fixture.call('applications.deploymentGate', { id: 'app_pass' })
    expect(overdue).toMatchObject({ decision: 'blocked', reasons: [{ kind: 'attestation_overdue', requirement: 'attestation', since: '2026-02-07T10:00:00.000Z', request_id: expect.stringMatching(/^atq_/) }] })
  })

  it('only warns for an overdue attestation whose rule says warn', async () => {
    await organisation({ blocking: 'warn' })
    await advance(8)
    expect(await fixture.call('applications.deploymentGate', { id: 'app_pass' })).toMatchObject({ decision: 'warned', reasons: [{ kind: 'attestation_overdue', decision: 'warned' }] })
  })
})
