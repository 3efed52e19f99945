/**
 * The attestation API over REST, as the reference writes it: the sign-off payload verbatim, its
 * refusals as 422 naming the field and 403 naming the person, the history, and the deployment gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
const NOW = '2026-03-01T10:30:00.000Z'
let engine: Engine
let server: RunningServer
let admin: string
let anaToken: string
let carlToken: string
let policyId: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('attestations-http.sqlite'), NOW)).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  const call = caller(engine)
  const ana = await call('users.create', { name: 'Ana Ortiz', role: 'reviewer' })
  const carl = await call('users.create', { name: 'Carl Chen', role: 'reviewer' })
  admin = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
  anaToken = (await engine.tokens.create({ name: 'ana', role: 'reviewer', user: ana.id })).secret
  carlToken = (await engine.tokens.create({ name: 'carl', role: 'reviewer', user: carl.id })).secret
  const rule = await call('attestationRules.create', { name: 'Quarterly review', frequency: 'quarterly', reviewers: [{ type: 'user', id: ana.id }], notes_required: true, blocking: 'block' })
  for (const id of ['app_xyz789', 'app_warn', 'app_fail']) await call('applications.create', { id, name: id.replace('app_', 'App ') })
  const policy = await call('policies.create', {
    name: 'Sensitive Data',
    alert_rules: [
      { metric: 'pii', operator: '>', threshold: 1, severity: 'critical' },
      { metric: 'toxicity', operator: '>', threshold: 5, severity: 'low' },
    ],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: true },
    enforcement_delay_days: 0,
  })
  policyId = policy.id
  const at = '2026-03-01T10:00:00.000Z'
  const send = (id: string, pii: number, toxicity: number) =>
    call('metrics.ingest', { id, observations: [{ metric: 'pii', timestamp: at, count: pii, total: 100 }, { metric: 'toxicity', timestamp: at, count: toxicity, total: 100 }] })
  await send('app_xyz789', 0, 0)
  await send('app_warn', 0, 30)
  await send('app_fail', 20, 0)
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const api = (path: string, bearer: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } })
const post = (bearer: string, body: unknown) => api(`/organization/policies/${policyId}/attestations`, bearer, { method: 'POST', body: JSON.stringify(body) })

const reference = () => ({
  policy_id: policyId,
  status: 'compliant_with_exceptions',
  notes: 'All requirements passing. PII exception for app-xyz tracked in JIRA-1234.',
  exceptions: [{ application_id: 'app_fail', requirement: 'pii', justification: 'Accepted risk — JIRA-1234, approved by CISO 2026-02-15', expiry_date: '2026-04-15' }],
})

describe('the attestation API', () => {
  it('refuses a reviewer the rule does not name with 403, naming the person', async () => {
    const response = await post(carlToken, reference())
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('Carl Chen') })
  })

  it('refuses with 422 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...reference(), notes: undefined }, 'notes'],
      [{ ...reference(), status: 'compliant' }, 'exceptions'],
      [{ ...reference(), exceptions: [{ ...reference().exceptions[0], requirement: 'hallucination' }] }, 'exceptions.0.requirement'],
      [{ ...reference(), exceptions: [{ ...reference().exceptions[0], expiry_date: '2026-02-28' }] }, 'exceptions.0.expiry_date'],
      [{ ...reference(), exceptions: [{ ...reference().exceptions[0], expiry_date: '2027-03-02' }] }, 'exceptions.0.expiry_date'],
      [{ ...reference(), status: 'approved' }, 'status'],
    ]
    for (const [body, field] of cases) {
      const response = await post(anaToken, body)
      expect(response.status, field).toBe(422)
      expect(await response.json(), field).toMatchObject({ error: 'invalid_input', field })
    }
  })

  it('accepts the reference payload verbatim: 201 with id, attested_at, the reviewer and the request it closed', async () => {
    const response = await post(anaToken, reference())
    expect(response.status).toBe(201)
    const attestation = (await response.json()) as { id: string; attested_at: string; reviewer: { name: string }; request_id: string; exceptions: unknown[] }
    expect(attestation).toMatchObject({ id: expect.stringMatching(/^att_/), attested_at: NOW, reviewer: { name: 'Ana Ortiz' }, request_id: expect.stringMatching(/^atq_/) })
    const history = (await (await api(`/organization/policies/${policyId}/attestations`, admin)).json()) as { attestations: Array<{ id: string; exceptions: Array<{ state: string }> }> }
    expect(history.attestations.map((entry) => entry.id)).toEqual([attestation.id])
    expect(history.attestations[0]!.exceptions[0]!.state).toBe('active')
    const compliance = (await (await api('/organization/policies/compliance?application_id=app_fail', admin)).json()) as { policies: Array<{ compliant_count: number }> }
    expect(compliance.policies[0]!.compliant_count).toBe(1)
  })

  it('answers the deployment gate: allowed, warned, blocked', async () => {
    const gate = async (id: string) => (await (await api(`/applications/${id}/deployment-gate`, admin)).json()) as { decision: string; reasons: Array<{ requirement: string }> }
    expect(await gate('app_xyz789')).toMatchObject({ decision: 'allowed', reasons: [] })
    expect(await gate('app_warn')).toMatchObject({ decision: 'warned', reasons: [{ requirement: 'toxicity' }] })
    // app_fail's pii breach is excepted by now: allowed.
    expect((await gate('app_fail')).decision).toBe('allowed')
    await caller(engine)('applications.create', { id: 'app_new', name: 'App New' })
    await caller(engine)('metrics.ingest', { id: 'app_new', observations: [{ metric: 'pii', timestamp: '2026-03-01T10:00:00.000Z', count: 50, total: 100 }] })
    expect(await gate('app_new')).toMatchObject({ decision: 'blocked', reasons: [{ requirement: 'pii' }] })
  })
})
