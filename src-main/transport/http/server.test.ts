import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import type { Engine } from '../../engine/engine'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
const file = folder.path('http.sqlite')
let engine: Engine
let server: RunningServer
let token: string
let auditorToken: string

const staticRoot = folder.path('ui')
mkdirSync(`${staticRoot}/assets`, { recursive: true })
writeFileSync(`${staticRoot}/index.html`, '<!doctype html><meta property="csp-nonce" nonce="CSP_NONCE_PLACEHOLDER"><title>Governance Console</title>')
writeFileSync(`${staticRoot}/assets/app.js`, 'console.log("ui")')

beforeAll(async () => {
  engine = (await openTestEngine(file)).engine
  server = await startServer({ engine, port: 0, staticRoot, log: () => undefined })
  token = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
  auditorToken = (await engine.tokens.create({ name: 'audit firm', role: 'auditor' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const api = (path: string, init: RequestInit & { bearer?: string } = {}) =>
  fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.bearer === undefined ? { authorization: `Bearer ${token}` } : init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  })

describe('the REST API', () => {
  it('binds loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('answers 401 without a token, or with a wrong or revoked one', async () => {
    for (const bearer of ['', 'gov_wrong', 'nonsense']) {
      const response = await api('/applications', { bearer })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining(bearer ? 'not known to the workspace served here' : 'Bearer') })
    }
  })

  it('creates, lists, reads and patches applications', async () => {
    const created = await api('/applications', {
      method: 'POST',
      body: JSON.stringify({ name: 'Support Bot', tags: ['external-facing', 'production'], team: 'CX', environment: 'production' }),
    })
    expect(created.status).toBe(201)
    const app = (await created.json()) as { id: string }
    expect(app.id).toMatch(/^app_/)

    const list = await api('/applications?tag=external-facing')
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual({ applications: [expect.objectContaining({ id: app.id, name: 'Support Bot' })] })

    const patched = await api(`/applications/${app.id}`, { method: 'PATCH', body: JSON.stringify({ team: 'Customer Experience' }) })
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({ id: app.id, team: 'Customer Experience', tags: ['external-facing', 'production'] })

    expect(await (await api(`/applications/${app.id}`)).json()).toMatchObject({ team: 'Customer Experience' })
  })

  it('answers bad input with 422 JSON naming the field, and writes nothing', async () => {
    const before = await (await api('/applications')).json()
    const response = await api('/applications', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(201) }) })
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('application/json')
    const body = await response.json()
    expect(body).toMatchObject({ error: 'invalid_input', field: 'name', message: expect.stringContaining('200') })
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/)
    expect(await (await api('/applications')).json()).toEqual(before)
  })

  it('answers malformed JSON with 400 JSON', async () => {
    const response = await api('/applications', { method: 'POST', body: '{"name": ' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_json', message: expect.stringContaining('not valid JSON') })
  })

  it('answers an unknown application with 404 and an unknown route with 404 JSON', async () => {
    expect((await api('/applications/app_missing')).status).toBe(404)
    const route = await api('/nothing-here')
    expect(route.status).toBe(404)
    expect(await route.json()).toMatchObject({ error: 'not_found' })
  })

  it('lets an auditor token read but not write', async () => {
    expect((await api('/applications', { bearer: auditorToken })).status).toBe(200)
    const write = await api('/applications', { bearer: auditorToken, method: 'POST', body: JSON.stringify({ name: 'No' }) })
    expect(write.status).toBe(403)
  })

  it('records the token’s name as the actor of its changes', async () => {
    const events = (await (await api('/audit-events?entity_type=application&limit=1')).json()) as { events: Array<{ actor: { name: string } }> }
    expect(events.events[0]?.actor.name).toBe('ci (API token)')
  })
})

describe('the browser console', () => {
  it('signs in through the printed link and then calls the engine with its session', async () => {
    const login = await fetch(server.loginUrl, { redirect: 'manual' })
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/govern_session=.+HttpOnly.*SameSite=Strict/i)
    const session = cookie.split(';')[0]!

    const call = await fetch(`${server.url}/rpc/workspace.info`, {
      method: 'POST',
      headers: { cookie: session, origin: server.url, 'x-govern-console': '1', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(call.status).toBe(200)
    expect(await call.json()).toMatchObject({ path: engine.path, is_empty: false })

    // Without the console's header a cookie alone is not enough (a cross-site form cannot add it).
    const forged = await fetch(`${server.url}/rpc/workspace.info`, { method: 'POST', headers: { cookie: session, origin: server.url }, body: '{}' })
    expect(forged.status).toBe(401)
  })

  it('refuses a wrong sign-in token', async () => {
    const login = await fetch(`${server.url}/?token=guess`, { redirect: 'manual' })
    expect(login.status).toBe(401)
    expect(login.headers.get('set-cookie')).toBeNull()
  })

  it('serves the UI with a strict Content-Security-Policy', async () => {
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Governance Console')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await fetch(`${server.url}/assets/app.js`)).status).toBe(200)
  })

  it('serves the page with a fresh style nonce each time, the same in its meta tag and its policy', async () => {
    const servings = await Promise.all([fetch(`${server.url}/`), fetch(`${server.url}/applications`)])
    const nonces = await Promise.all(
      servings.map(async (page) => {
        const policy = page.headers.get('content-security-policy') ?? ''
        const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)'/.exec(policy)?.[1]
        expect(nonce, policy).toBeDefined()
        expect(policy).not.toMatch(/style-src [^;]*'unsafe-inline'/)
        expect(await page.text()).toContain(`<meta property="csp-nonce" nonce="${nonce}">`)
        return nonce
      }),
    )
    expect(nonces[0]).not.toBe(nonces[1])
    const asset = await fetch(`${server.url}/assets/app.js`)
    expect(asset.headers.get('content-security-policy')).toContain("style-src 'self';")
  })

  it('answers only to loopback host names, against DNS rebinding', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/applications`, { headers: { host: 'attacker.example', authorization: `Bearer ${token}` } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })
})

describe('persistence', () => {
  it('keeps what was created after the server and engine restart', async () => {
    const created = (await (await api('/applications', { method: 'POST', body: JSON.stringify({ name: 'Survivor' }) })).json()) as { id: string }
    await server.close()
    await engine.close()
    engine = (await openTestEngine(file)).engine
    server = await startServer({ engine, port: 0, log: () => undefined })
    const response = await api(`/applications/${created.id}`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ name: 'Survivor' })
  })
})
