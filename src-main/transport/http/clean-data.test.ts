import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const NOW = '2026-03-01T10:30:00.000Z'
const folder = tempFolder()
let engine: Engine
let server: RunningServer
let token: string
let policyId: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('clean-data-http.sqlite'), NOW)).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  token = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
  await api('/applications', { method: 'POST', body: JSON.stringify({ id: 'app_a', name: 'Assistant', tags: ['production'] }) })
  const created = await api('/organization/policies', { method: 'POST', body: JSON.stringify({ name: 'Watch', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: { apply_to_all: true } }) })
  policyId = ((await created.json()) as { id: string }).id
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

/** `body` goes out as written, so a test can send JSON escapes such as \ud800 that JSON.stringify would not produce from a literal. */
const api = (path: string, init: { method?: string; body?: string } = {}) =>
  fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  })

async function expectRefusal(response: Response, status: number, field?: string) {
  expect(response.status).toBe(status)
  const body = (await response.json()) as { error: string; field?: string; message: string }
  if (field !== undefined) expect(body).toMatchObject({ field, message: expect.stringContaining(field) })
  return body
}

describe('clean data over HTTP', () => {
  it('answers an observation out of its metric’s range with 422, naming the observation and field', async () => {
    const body = JSON.stringify({ observations: [{ metric: 'requests', timestamp: '2026-03-01T09:00:00Z', count: 5 }, { metric: 'coherence', timestamp: '2026-03-01T09:00:00Z', values: [0.5, 1.5] }] })
    const refused = await expectRefusal(await api('/applications/app_a/metrics', { method: 'POST', body }), 422, 'observations.1.values.1')
    expect(refused.error).toBe('invalid_input')
  })

  it('answers a lone surrogate with 422 naming the field, every time it is sent', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      await expectRefusal(await api('/groups', { method: 'POST', body: '{"name": "\\ud800"}' }), 422, 'name')
    }
    expect(await (await api('/groups')).json()).toEqual({ groups: [] })
  })

  it('answers a policy name that differs only in a composed or decomposed accent with 409', async () => {
    const policy = (name: string) => JSON.stringify({ name, alert_rules: [{ alert_rule_id: 'ar_toxicity' }] })
    expect((await api('/organization/policies', { method: 'POST', body: policy('Caf\u00e9 policy') })).status).toBe(201)
    await expectRefusal(await api('/organization/policies', { method: 'POST', body: policy('Cafe\u0301 policy') }), 409, 'name')
  })

  it('refuses unknown fields in the bodies of restore, evaluate and scope preview', async () => {
    await expectRefusal(await api('/applications/app_a/alert-rules/restore', { method: 'POST', body: '{"requirment": "pii"}' }), 422, 'requirment')
    await expectRefusal(await api('/organization/compliance/evaluate', { method: 'POST', body: '{"application": "app_a"}' }), 422, 'application')
    const preview = JSON.stringify({ scope: { apply_to_all: true }, dry: true })
    await expectRefusal(await api(`/organization/policies/${policyId}/scope-preview`, { method: 'POST', body: preview }), 422, 'dry')
  })

  it('refuses unknown query parameters, and still takes those the contract defines', async () => {
    await expectRefusal(await api('/applications?tags=production'), 422, 'tags')
    await expectRefusal(await api('/organization/compliance/gaps?opened=true'), 422, 'opened')
    expect((await api('/applications?tag=production&team=x')).status).toBe(200)
    expect((await api('/organization/policies?include_archived=true')).status).toBe(200)
    expect((await api('/organization/compliance/gaps?open=true&limit=5')).status).toBe(200)
    expect((await api('/organization/compliance/trend?days=7')).status).toBe(200)
    expect((await api(`/organization/policies/${policyId}/diff?from=1&to=1`)).status).toBe(200)
    const rehearsal = await api(`/organization/policies/${policyId}?dry_run=true`, { method: 'PATCH', body: '{"description": "rehearsed"}' })
    expect(rehearsal.status).toBe(200)
    expect(await rehearsal.json()).toMatchObject({ description: 'rehearsed', impact: expect.any(Object) })
    expect(await (await api(`/organization/policies/${policyId}`)).json()).toMatchObject({ description: null })
  })
})
