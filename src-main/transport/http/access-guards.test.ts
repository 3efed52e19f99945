import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../engine/clock'
import { createAccessGuards } from './access-guards'

const HOUR = 3_600_000
const ORIGIN = 'http://127.0.0.1:4780'

/** The guards on a bare app: sign-in at /, a guarded call at /call, the stream's liveness at /live. */
function appWithGuards() {
  const clock = new ManualClock('2026-03-02T08:00:00Z')
  const access = createAccessGuards({ clock, sessionLimits: { idleMs: 10 * HOUR }, authThrottle: { freeFailures: 1 } })
  const app = new Hono()
  app.get('/', (c) => access.signIn(c, c.req.query('token') ?? '', (token) => token === 'right'))
  app.post('/call', (c) => access.refuseConsoleRequest(c) ?? c.json({ ok: true }))
  app.get('/live', (c) => c.json({ live: access.sessionStillLive(c) }))
  const send = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, { ...init, headers: { host: '127.0.0.1:4780', ...(init.headers as Record<string, string>) } })
  return { clock, send }
}

async function signedIn(send: ReturnType<typeof appWithGuards>['send']): Promise<string> {
  const response = await send('/?token=right')
  expect(response.status).toBe(303)
  const cookie = response.headers.get('set-cookie') ?? ''
  expect(cookie).toMatch(/^govern_session=[\w-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/)
  return cookie.split(';')[0]!
}

describe('the access guards', () => {
  it('turns the right sign-in token into an HttpOnly, SameSite=Strict cookie that lasts at most a week', async () => {
    const { send } = appWithGuards()
    const cookie = await signedIn(send)
    expect((await send('/call', { method: 'POST', headers: { cookie, origin: ORIGIN } })).status).toBe(200)
  })

  it('escapes the foreign origin it names on the sign-in page', async () => {
    const { send } = appWithGuards()
    const response = await send('/?token=right', { headers: { origin: 'http://<script>' } })
    expect(response.status).toBe(403)
    expect(await response.text()).not.toContain('<script>')
  })

  it('answers a console request without a session cookie 401 without counting it as a failure', async () => {
    const { send } = appWithGuards()
    for (let n = 0; n < 3; n += 1) expect((await send('/call', { method: 'POST', headers: { origin: ORIGIN } })).status).toBe(401)
    expect((await send('/?token=wrong')).status).toBe(401)
    expect((await send('/?token=wrong')).status).toBe(429)
  })

  it('reports a stream’s session as lapsed once it expires, without keeping it alive', async () => {
    const { clock, send } = appWithGuards()
    const cookie = await signedIn(send)
    const live = async () => ((await (await send('/live', { headers: { cookie } })).json()) as { live: boolean }).live
    clock.advance(9 * HOUR)
    expect(await live()).toBe(true)
    clock.advance(HOUR)
    expect(await live()).toBe(false)
  })
})
