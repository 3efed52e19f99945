/** The log line per request, its request id, and what it must never carry, read as the JSON text written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { openEngine } from '../../engine/engine'
import { tempFolder } from '../../testing/workspace'
import { jsonLog } from './json-log'
import { startServer, type RunningServer } from './server'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const folder = tempFolder()
const lines: string[] = []
let engine: Engine
let server: RunningServer
let token: string

beforeAll(async () => {
  engine = await openEngine(folder.path('logged.sqlite'))
  server = await startServer({ engine, port: 0, log: jsonLog((line) => lines.push(line)) })
  token = (await engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
const linesFor = (requestId: string) => logged().filter((line) => line.request_id === requestId)

describe('the log line of each request', () => {
  it('carries the id the client sent, sent back in X-Request-Id, and who asked, how it went and how long it took', async () => {
    const response = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'lb-7f3a.42_x' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a.42_x')
    const me = (await response.json()) as { id: string }
    const [line, ...more] = linesFor('lb-7f3a.42_x')
    expect(more).toEqual([])
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      msg: 'request',
      request_id: 'lb-7f3a.42_x',
      method: 'GET',
      path: '/api/v1/me',
      status: 200,
      duration_ms: expect.any(Number),
      actor_id: me.id,
    })
    expect(Math.abs(Date.parse(line!.time as string) - Date.now())).toBeLessThan(60_000)
    expect(line!.duration_ms).toBeGreaterThanOrEqual(0)
  })

  it('replaces an id that is missing, too long or not a plain token with a fresh one', async () => {
    for (const sent of [undefined, 'x'.repeat(65), 'two words', 'a;b=c', '"quoted"', '']) {
      const response = await fetch(`${server.url}/healthz`, { headers: sent === undefined ? {} : { 'x-request-id': sent } })
      const id = response.headers.get('x-request-id')!
      expect(id, String(sent)).toMatch(UUID)
      expect(linesFor(id)).toEqual([expect.objectContaining({ path: '/healthz', status: 200 })])
    }
  })

  it('names the console’s calls by the owner they act as, and requests refused before anyone is known by no one', async () => {
    const signIn = await fetch(server.loginUrl, { redirect: 'manual' })
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!
    const whoami = await fetch(`${server.url}/rpc/session.whoami`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'x-govern-console': '1', 'content-type': 'application/json' },
      body: '{}',
    })
    const owner = (await whoami.json()) as { id: string }
    expect(linesFor(whoami.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ path: '/rpc/session.whoami', status: 200, actor_id: owner.id })])
    const refused = await fetch(`${server.url}/api/v1/me`)
    expect(linesFor(refused.headers.get('x-request-id')!)).toEqual([expect.not.objectContaining({ actor_id: expect.anything() })])
  })

  it('never holds a query string, an Authorization header, a token or a cookie', async () => {
    const secrets = [token, server.loginToken]
    const signIn = await fetch(server.loginUrl, { redirect: 'manual' })
    expect(signIn.status).toBe(303)
    const sessionCookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!
    secrets.push(sessionCookie.split('=')[1]!)
    await fetch(`${server.url}/rpc/session.whoami`, {
      method: 'POST',
      headers: { cookie: sessionCookie, origin: server.url, 'x-govern-console': '1', 'content-type': 'application/json' },
      body: '{}',
    })
    await fetch(`${server.url}/api/v1/applications?search=${secrets[0]}`, { headers: { authorization: `Bearer ${token}` } })
    await fetch(`${server.url}/api/v1/me`, { headers: { authorization: 'Bearer gov_not_a_token_but_still_secret' } })
    secrets.push('gov_not_a_token_but_still_secret')
    const signInLine = linesFor(signIn.headers.get('x-request-id')!)[0]
    expect(signInLine).toMatchObject({ method: 'GET', path: '/', status: 303 })
    const text = lines.join('\n')
    for (const secret of secrets) expect(text).not.toContain(secret)
    expect(text.toLowerCase()).not.toMatch(/bearer|authorization|cookie|govern_session|\?/)
  })
})

describe('a failure the server did not expect', () => {
  it('is logged as a line of its own with the id of the request that met it', async () => {
    const failures: string[] = []
    const closing = await openEngine(folder.path('closing.sqlite'))
    const closingToken = (await closing.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
    const failing = await startServer({ engine: closing, port: 0, log: jsonLog((line) => failures.push(line)) })
    try {
      await closing.close()
      const response = await fetch(`${failing.url}/api/v1/me`, { headers: { authorization: `Bearer ${closingToken}`, 'x-request-id': 'req-after-close' } })
      expect(response.status).toBe(500)
      expect(await response.text()).not.toMatch(/stack|at \//)
      const [failure, request] = failures.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(failure).toMatchObject({ level: 'error', request_id: 'req-after-close', msg: 'HTTP GET /api/v1/me failed', error: { message: expect.any(String), stack: expect.any(String) } })
      expect(request).toMatchObject({ level: 'error', request_id: 'req-after-close', msg: 'request', status: 500 })
      expect(failures.join('\n')).not.toContain(closingToken)
    } finally {
      await failing.close()
    }
  })
})
