/**
 * API tokens administered over REST by an org admin: created for a person with the secret shown
 * once, used, seen with its last use, revoked, and refused from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
let admin: string
let personId: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('tokens-http.sqlite'))).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  admin = (await engine.tokens.create({ name: 'admin', role: 'org_admin' })).secret
  personId = (await caller(engine)('users.create', { name: 'Avery Auditor', email: 'avery@example.com', role: 'auditor' })).id
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const api = (path: string, bearer: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' } })

describe('API tokens over REST', () => {
  it('creates a token for a person, shows the secret once, records its use, and revokes it for good', async () => {
    const created = await api('/tokens', admin, { method: 'POST', body: JSON.stringify({ name: 'Avery’s laptop', role: 'auditor', user: 'avery@example.com' }) })
    expect(created.status).toBe(201)
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string }
    expect(token).toMatchObject({ name: 'Avery’s laptop', role: 'auditor', user_id: personId, last_used_at: null, revoked_at: null })
    expect(secret).toMatch(/^gov_/)

    expect((await api('/applications', secret)).status).toBe(200)
    // Last use is bookkept in the background, off the request's path.
    await expect.poll(async () => ((await (await api('/tokens', admin)).json()) as { tokens: Array<{ id: string; last_used_at: string | null }> }).tokens.find((t) => t.id === token.id)?.last_used_at).not.toBeNull()
    const listed = JSON.stringify(await (await api('/tokens', admin)).json())
    expect(listed).not.toContain(secret)

    const revoked = await api(`/tokens/${token.id}`, admin, { method: 'DELETE' })
    expect(revoked.status).toBe(200)
    expect(await revoked.json()).toMatchObject({ id: token.id, revoked_at: expect.any(String) })
    expect((await api('/applications', secret)).status).toBe(401)
    const audit = await caller(engine)('audit.list', { entity_type: 'api_token' })
    expect(audit.events.map((event) => event.action)).toEqual(expect.arrayContaining(['token.created', 'token.revoked']))
  })

  it('refuses a token for no one and a nameless one, naming the field; 404 for a token that does not exist', async () => {
    const unknownPerson = await api('/tokens', admin, { method: 'POST', body: JSON.stringify({ name: 'x', role: 'reviewer', user: 'nobody@example.com' }) })
    expect(unknownPerson.status).toBe(422)
    expect(await unknownPerson.json()).toMatchObject({ field: 'user' })
    const nameless = await api('/tokens', admin, { method: 'POST', body: JSON.stringify({ name: '  ', role: 'reviewer' }) })
    expect(nameless.status).toBe(422)
    expect(await nameless.json()).toMatchObject({ field: 'name' })
    expect((await api('/tokens/tok_missing', admin, { method: 'DELETE' })).status).toBe(404)
  })
})
