/** A stale policy edit over REST: 409 with both versions in the body, and nothing saved. */
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
  engine = (await openTestEngine(folder.path('policy-conflict.sqlite'))).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  token = (await engine.tokens.create({ name: 'pipeline', role: 'governance_manager' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const patch = (id: string, body: unknown) =>
  fetch(`${server.url}/api/v1/organization/policies/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('PATCH /organization/policies/{id} with base_version', () => {
  it('answers 409 with the version it was made on, the version now and both sets of changes', async () => {
    const policy = await caller(engine)('policies.createFromTemplate', { template_id: 'system_health', scope: { apply_to_all: true } })
    expect((await patch(policy.id, { base_version: 1, enforcement_delay_days: 7 })).status).toBe(200)
    const stale = await patch(policy.id, { base_version: 1, enforcement_delay_days: 14 })
    expect(stale.status).toBe(409)
    const body = ApiErrorBody.parse(await stale.json())
    expect(body).toMatchObject({ error: 'conflict', field: 'base_version', conflict: { kind: 'policy', base: { version: 1 }, current: { version: 2 } } })
    const conflict = body.conflict
    if (conflict?.kind !== 'policy') throw new Error('expected a policy’s conflict')
    expect(conflict.their_changes).toEqual([{ path: 'enforcement_delay_days', before: 30, after: 7 }])
    expect(conflict.your_changes).toEqual([{ path: 'enforcement_delay_days', before: 7, after: 14 }])
    expect(await caller(engine)('policies.get', { id: policy.id })).toMatchObject({ version: 2, enforcement_delay_days: 7 })
  })
})
