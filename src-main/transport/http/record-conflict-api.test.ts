/** Stale edits of an application, a person, a group and a rule over REST: 409 with both sides in the body, and nothing saved. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiErrorBody } from '../../../src-shared/api/errors'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
let token: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('record-conflict.sqlite'))).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  token = (await engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })

describe('a stale edit over REST', () => {
  it('PATCH /applications/{id}: 409 with the application as it is now and what the edit would change', async () => {
    const app = await caller(engine)('applications.create', { name: 'Claims Bot' })
    expect((await send('PATCH', `/applications/${app.id}`, { base_version: 1, team: 'Payments' })).status).toBe(200)
    const stale = await send('PATCH', `/applications/${app.id}`, { base_version: 1, team: 'Claims' })
    expect(stale.status).toBe(409)
    expect(ApiErrorBody.parse(await stale.json())).toMatchObject({
      error: 'conflict',
      field: 'base_version',
      conflict: { kind: 'application', record_id: app.id, base_version: 1, current: { version: 2, fields: { team: 'Payments' } }, your_changes: [{ path: 'team', before: 'Payments', after: 'Claims' }] },
    })
    expect(await caller(engine)('applications.get', { id: app.id })).toMatchObject({ version: 2, team: 'Payments' })
  })

  it('PATCH /users/{id} and /groups/{id}: 409 naming the person or the group', async () => {
    const ben = await caller(engine)('users.create', { name: 'Ben Okafor' })
    const risk = await caller(engine)('groups.create', { name: 'Risk Committee' })
    expect((await send('PATCH', `/groups/${risk.id}`, { base_version: 1, member_ids: [ben.id] })).status).toBe(200)
    const person = await send('PATCH', `/users/${ben.id}`, { base_version: 1, name: 'Ben O.' })
    expect(person.status).toBe(409)
    expect(ApiErrorBody.parse(await person.json()).conflict).toMatchObject({ kind: 'person', record_name: 'Ben Okafor', current: { version: 2 } })
    const group = await send('PATCH', `/groups/${risk.id}`, { base_version: 1, name: 'Risk Board' })
    expect(group.status).toBe(409)
    expect(ApiErrorBody.parse(await group.json()).conflict).toMatchObject({ kind: 'group', record_name: 'Risk Committee', current: { version: 2 } })
  })

  it('DELETE /applications/{id}/alert-rules/{rule_id}?base_version=N: 409 once the rule moved on; a version that is not a number is refused', async () => {
    const call = caller(engine)
    const app = await call('applications.create', { name: 'Fraud Scorer', tags: ['scored'] })
    const policy = await call('policies.create', { name: 'Scored', alert_rules: [{ metric: 'error_rate', operator: '>', threshold: 5, severity: 'high' }], scope: { apply_to_all: false, tags: ['scored'], application_ids: [] } })
    const [rule] = (await call('applications.rules', { id: app.id })).alert_rules
    await call('policies.update', { id: policy.id, alert_rules: [{ metric: 'error_rate', operator: '>', threshold: 2, severity: 'high' }] })
    const stale = await send('DELETE', `/applications/${app.id}/alert-rules/${rule!.id}?base_version=1`)
    expect(stale.status).toBe(409)
    expect(ApiErrorBody.parse(await stale.json()).conflict).toMatchObject({ kind: 'rule', change: 'delete', current: { version: 2, fields: { threshold: 2 } } })
    const garbled = await send('DELETE', `/applications/${app.id}/alert-rules/${rule!.id}?base_version=two`)
    expect(garbled.status).toBe(422)
    expect(ApiErrorBody.parse(await garbled.json())).toMatchObject({ error: 'invalid_input', field: 'base_version' })
    expect((await send('DELETE', `/applications/${app.id}/alert-rules/${rule!.id}?base_version=2`)).status).toBe(200)
  })
})
