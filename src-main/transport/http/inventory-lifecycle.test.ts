/** The application inventory and the directory over REST: names that clash, and what retiring or deactivating does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
let token: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('inventory-http.sqlite'), '2026-03-01T10:30:00.000Z')).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  token = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const api = (path: string, init: { method?: string; body?: unknown; bearer?: string } = {}) =>
  fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    headers: { authorization: `Bearer ${init.bearer ?? token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
  })

describe('the application inventory over REST', () => {
  it('answers a second application of the same name in one environment with 409, naming the field and the application that has it', async () => {
    const first = await api('/applications', { method: 'POST', body: { id: 'app_fraud', name: 'Fraud Scorer', environment: 'production' } })
    expect(first.status).toBe(201)
    const second = await api('/applications', { method: 'POST', body: { name: 'fraud scorer', environment: 'production' } })
    expect(second.status).toBe(409)
    expect(await second.json()).toMatchObject({ error: 'conflict', field: 'name', message: expect.stringContaining('"Fraud Scorer" already exists in production (app_fraud)') })
    expect((await api('/applications', { method: 'POST', body: { id: 'app_fraud_staging', name: 'Fraud Scorer', environment: 'staging' } })).status).toBe(201)
    const moved = await api('/applications/app_fraud_staging', { method: 'PATCH', body: { environment: 'production' } })
    expect(moved.status).toBe(409)
    expect(await moved.json()).toMatchObject({ error: 'conflict', field: 'name', message: expect.stringContaining('app_fraud') })
  })

  it('retires an application with DELETE, rehearsed with ?dry_run=true, and brings it back with POST …/reinstate', async () => {
    expect((await api('/applications', { method: 'POST', body: { id: 'app_old', name: 'Old Bot' } })).status).toBe(201)
    const rehearsal = await api('/applications/app_old?dry_run=true', { method: 'DELETE' })
    expect(rehearsal.status).toBe(200)
    expect(await rehearsal.json()).toMatchObject({ dry_run: true, application: { id: 'app_old', retired_at: expect.any(String) }, consequences: { policies: [], rules_removed: 0, open_gaps: [] } })
    expect(await (await api('/applications/app_old')).json()).toMatchObject({ retired_at: null })

    const retired = await api('/applications/app_old', { method: 'DELETE' })
    expect(retired.status).toBe(200)
    expect(await retired.json()).toMatchObject({ dry_run: false, application: { retired_at: expect.any(String) } })
    const listed = (await (await api('/applications')).json()) as { applications: Array<{ id: string }> }
    expect(listed.applications.map((app) => app.id)).not.toContain('app_old')
    const retiredOnes = (await (await api('/applications?status=retired')).json()) as { applications: Array<{ id: string }> }
    expect(retiredOnes.applications.map((app) => app.id)).toEqual(['app_old'])

    const back = await api('/applications/app_old/reinstate', { method: 'POST', body: {} })
    expect(back.status).toBe(200)
    expect(await back.json()).toMatchObject({ application: { id: 'app_old', retired_at: null } })
  })
})

describe('the directory over REST', () => {
  it('deactivates a person with POST …/deactivate: their token answers 401 until they are reactivated', async () => {
    const created = await api('/users', { method: 'POST', body: { name: 'Ana Ortiz', email: 'ana@example.com', role: 'governance_manager' } })
    const ana = (await created.json()) as { id: string }
    const { secret } = await engine.tokens.create({ name: 'ana-laptop', role: 'governance_manager', user: ana.id })
    expect(await (await api('/me', { bearer: secret })).json()).toMatchObject({ id: ana.id, name: 'Ana Ortiz' })

    const rehearsal = await api(`/users/${ana.id}/deactivate?dry_run=true`, { method: 'POST', body: {} })
    expect(await rehearsal.json()).toMatchObject({ dry_run: true, consequences: { api_tokens: [{ name: 'ana-laptop' }] } })
    expect((await api('/me', { bearer: secret })).status).toBe(200)

    const deactivated = await api(`/users/${ana.id}/deactivate`, { method: 'POST', body: {} })
    expect(deactivated.status).toBe(200)
    expect(await deactivated.json()).toMatchObject({ dry_run: false, user: { active: false } })
    const refused = await api('/me', { bearer: secret })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'unauthorized' })
    const everyone = (await (await api('/users')).json()) as { users: Array<{ id: string; active: boolean }> }
    expect(everyone.users.find((user) => user.id === ana.id)).toMatchObject({ active: false })

    expect(await (await api(`/users/${ana.id}/reactivate`, { method: 'POST', body: {} })).json()).toMatchObject({ active: true })
    expect((await api('/me', { bearer: secret })).status).toBe(200)
  })

  it('answers deactivating the workspace owner with 409', async () => {
    const response = await api('/users/usr_owner/deactivate', { method: 'POST', body: {} })
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ error: 'conflict', field: 'id', message: expect.stringContaining('workspace owner') })
  })
})
