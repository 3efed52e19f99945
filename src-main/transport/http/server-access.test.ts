import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../engine/clock'
import type { Engine } from '../../engine/engine'
import { ENGINE_TESTS_ON_POSTGRES } from '../../testing/engine-database'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { unknownTokenMessage } from './access-guards'
import { startServer, type RunningServer, type ServerOptions } from './server'

const HOUR = 3_600_000
const folder = tempFolder()
let engine: Engine
let token: string
const running: RunningServer[] = []

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('access.sqlite'))).engine
  token = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()))
})
afterAll(async () => {
  await engine.close()
  folder.remove()
})

async function serverWith(options: Partial<ServerOptions> = {}) {
  const clock = new ManualClock('2026-03-02T08:00:00Z')
  const server = await startServer({ engine, port: 0, log: () => undefined, clock, ...options })
  running.push(server)
  return { clock, server }
}

/** Opens the sign-in link and returns the session cookie as a browser would send it back. */
async function signIn(server: RunningServer): Promise<string> {
  const response = await fetch(server.loginUrl, { redirect: 'manual' })
  expect(response.status).toBe(303)
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!
}

/** A console call as the browser console makes it: cookie, its own Origin, the console header. */
const consoleCall = (server: RunningServer, cookie: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/rpc/session.whoami`, {
    method: 'POST',
    headers: { cookie, origin: server.url, 'x-govern-console': '1', 'content-type': 'application/json', ...headers },
    body: '{}',
  })

const apiCall = (server: RunningServer, bearer: string) =>
  fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${bearer}` } })

/** A request with a Host header or a source address of our choosing, which fetch cannot set. */
function statusWithHost(url: string, host: string | undefined, headers: Record<string, string> = {}, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...(host ? { host } : {}), ...headers }, localAddress }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('console sessions', () => {
  const limits = { idleMs: 10 * HOUR, absoluteMs: 48 * HOUR, maxSessions: 2 }

  it('keeps a session that is used within the idle limit', async () => {
    const { clock, server } = await serverWith({ sessionLimits: limits })
    const cookie = await signIn(server)
    for (let n = 0; n < 3; n += 1) {
      clock.advance(9 * HOUR)
      expect((await consoleCall(server, cookie)).status).toBe(200)
    }
  })

  it('refuses a session idle for longer than the idle limit, telling the user to open the sign-in link again', async () => {
    const { clock, server } = await serverWith({ sessionLimits: limits })
    const cookie = await signIn(server)
    clock.advance(10 * HOUR)
    const response = await consoleCall(server, cookie)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.stringMatching(/expired.*sign-in link/) })
    expect(response.headers.get('set-cookie')).toMatch(/govern_session=;.*Max-Age=0/)
  })

  it('refuses a session older than the absolute limit, even one used all along', async () => {
    const { clock, server } = await serverWith({ sessionLimits: limits })
    const cookie = await signIn(server)
    for (let elapsed = 8 * HOUR; elapsed < 48 * HOUR; elapsed += 8 * HOUR) {
      clock.advance(8 * HOUR)
      expect((await consoleCall(server, cookie)).status).toBe(200)
    }
    clock.advance(8 * HOUR)
    expect((await consoleCall(server, cookie)).status).toBe(401)
  })

  it('refuses the change feed to an expired session', async () => {
    const { clock, server } = await serverWith({ sessionLimits: limits })
    const cookie = await signIn(server)
    clock.advance(10 * HOUR)
    expect((await fetch(`${server.url}/rpc-changes`, { headers: { cookie } })).status).toBe(401)
  })

  it('gives the cookie a lifetime no longer than the absolute limit', async () => {
    const { server } = await serverWith({ sessionLimits: limits })
    const response = await fetch(server.loginUrl, { redirect: 'manual' })
    expect(response.headers.get('set-cookie')).toMatch(/Max-Age=172800/)
  })

  it('keeps a bounded number of sessions, dropping the oldest sign-in first', async () => {
    const { server } = await serverWith({ sessionLimits: limits })
    const cookies = [await signIn(server), await signIn(server), await signIn(server)]
    const statuses = await Promise.all(cookies.map(async (cookie) => (await consoleCall(server, cookie)).status))
    expect(statuses).toEqual([401, 200, 200])
  })
})

describe('the lockout after repeated authentication failures', () => {
  const throttle = { freeFailures: 2, firstLockoutMs: 30_000 }

  it('answers repeated wrong bearer tokens with 429 and Retry-After, while a valid token still works', async () => {
    const { server } = await serverWith({ authThrottle: throttle })
    expect((await apiCall(server, 'gov_wrong')).status).toBe(401)
    expect((await apiCall(server, 'gov_wrong')).status).toBe(401)
    const locked = await apiCall(server, 'gov_wrong')
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('30')
    expect(await locked.json()).toEqual({ error: 'rate_limited', message: expect.stringContaining('30 s') })
    // Secrets are 192 to 256 bits, so the lockout is back-pressure, not what stops guessing: a
    // client with a valid token behind the same address (NAT, a proxy) keeps working.
    expect((await apiCall(server, token)).status).toBe(200)
  })

  it('locks an address out for twice as long when it fails again after its lockout has passed', async () => {
    const { clock, server } = await serverWith({ authThrottle: throttle })
    for (let n = 0; n < 3; n += 1) await apiCall(server, 'gov_wrong')
    clock.advance(30_000)
    const again = await apiCall(server, 'gov_wrong')
    expect(again.status).toBe(429)
    expect(again.headers.get('retry-after')).toBe('60')
  })

  it('counts wrong bearer tokens on /rpc, wrong sign-in links and unknown session cookies alike', async () => {
    const { server } = await serverWith({ authThrottle: throttle })
    const rpc = await fetch(`${server.url}/rpc/session.whoami`, { method: 'POST', headers: { authorization: 'Bearer gov_wrong' }, body: '{}' })
    expect(rpc.status).toBe(401)
    expect((await fetch(`${server.url}/?token=guess`, { redirect: 'manual' })).status).toBe(401)
    const cookie = await consoleCall(server, 'govern_session=forged')
    expect(cookie.status).toBe(429)
    expect(cookie.headers.get('retry-after')).toBe('30')
    const link = await fetch(`${server.url}/?token=guess`, { redirect: 'manual' })
    expect(link.status).toBe(429)
    expect(Number(link.headers.get('retry-after'))).toBeGreaterThan(0)
    // The real link still signs in from a locked-out address.
    expect((await consoleCall(server, await signIn(server))).status).toBe(200)
  })

  it('keys the lockout by the socket’s address, not by X-Forwarded-For', async () => {
    const { server } = await serverWith({ authThrottle: throttle })
    const wrongFrom = (localAddress: string, forwardedFor: string) =>
      statusWithHost(`${server.url}/api/v1/me`, undefined, { authorization: 'Bearer gov_wrong', 'x-forwarded-for': forwardedFor }, localAddress)
    // A guesser that writes a new X-Forwarded-For each time is still one client.
    expect(await wrongFrom('127.0.0.1', '198.51.100.1')).toBe(401)
    expect(await wrongFrom('127.0.0.1', '198.51.100.2')).toBe(401)
    expect(await wrongFrom('127.0.0.1', '198.51.100.3')).toBe(429)
    // Another address on this computer (all of 127/8 is loopback on Linux) has its own count.
    expect(await wrongFrom('127.0.0.2', '198.51.100.3')).toBe(401)
  })

  it('does not count requests that carry no credential at all', async () => {
    const { server } = await serverWith({ authThrottle: throttle })
    for (let n = 0; n < 5; n += 1) expect((await fetch(`${server.url}/api/v1/me`)).status).toBe(401)
    expect((await apiCall(server, 'gov_wrong')).status).toBe(401)
  })

  it('does not count an expired session as a guess', async () => {
    const { clock, server } = await serverWith({ authThrottle: throttle, sessionLimits: { idleMs: HOUR } })
    const cookies = [await signIn(server), await signIn(server), await signIn(server)]
    clock.advance(HOUR)
    for (const cookie of cookies) expect((await consoleCall(server, cookie)).status).toBe(401)
    expect((await apiCall(server, 'gov_wrong')).status).toBe(401)
  })
})

describe('the answer to a token this workspace does not know', () => {
  const throttle = { freeFailures: 2, firstLockoutMs: 30_000 }
  // On PostgreSQL the workspace is named without its password, which the command takes from the environment.
  const unknownHere = () =>
    ENGINE_TESTS_ON_POSTGRES
      ? `This token is not known to the workspace served here (${engine.path}), or was revoked. Create one with \`govern token create --database-url "$GOVERN_DATABASE_URL" --name NAME\`.`
      : `This token is not known to the workspace served here (${folder.path('access.sqlite')}), or was revoked. Create one with \`govern token create --db ${folder.path('access.sqlite')} --name NAME\`.`

  it('names the workspace served here and how to make a token for it, on /api/v1 and /rpc, until the address is locked out', async () => {
    const { server } = await serverWith({ authThrottle: throttle })
    const api = await apiCall(server, 'gov_made_for_my_sqlite')
    expect(api.status).toBe(401)
    expect(await api.json()).toEqual({ error: 'unauthorized', message: unknownHere() })
    const rpc = await fetch(`${server.url}/rpc/session.whoami`, { method: 'POST', headers: { authorization: 'Bearer gov_made_for_my_sqlite' }, body: '{}' })
    expect(rpc.status).toBe(401)
    expect(await rpc.json()).toEqual({ error: 'unauthorized', message: unknownHere() })
    // The hint is no way round the lockout, and the lockout's answer names nothing.
    const locked = await apiCall(server, 'gov_made_for_my_sqlite')
    expect(locked.status).toBe(429)
    expect(JSON.stringify(await locked.json())).not.toContain(engine.path)
  })

  it('says a revoked token is not known either', async () => {
    const { server } = await serverWith()
    const { token: made, secret } = await engine.tokens.create({ name: 'old laptop', role: 'reviewer' })
    await engine.tokens.revoke(made.id)
    const response = await apiCall(server, secret)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'unauthorized', message: unknownHere() })
  })

  it('still asks for a bearer token when none was sent, naming no workspace', async () => {
    const { server } = await serverWith()
    const response = await fetch(`${server.url}/api/v1/me`)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.stringMatching(/^Send Authorization: Bearer <token>/) })
  })

  it('leaves the path out when it listens beyond loopback, where anyone who reaches the port would read it', async () => {
    const { server } = await serverWith({ host: '0.0.0.0', allowedHosts: ['governance.example.com'] })
    const port = new URL(server.url).port
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: 'Bearer gov_made_for_my_sqlite' } })
    expect(response.status).toBe(401)
    const { message } = (await response.json()) as { message: string }
    expect(message).toMatch(/^This token is not known to the workspace served here, or was revoked\. Create one on the server with `govern token create --db <the workspace file govern serve printed> --name NAME`\.$/)
    expect(message).not.toContain(folder.path('access.sqlite'))
  })

  it('quotes a path with spaces, as the default workspace’s has, so the command can be pasted', () => {
    expect(unknownTokenMessage('/home/ana/.config/Governance Console/workspace.sqlite')).toContain("`govern token create --db '/home/ana/.config/Governance Console/workspace.sqlite' --name NAME`")
    expect(unknownTokenMessage("/home/o'neil/w.sqlite")).toContain('--db "/home/o\'neil/w.sqlite"')
  })
})

describe('the Origin check of the browser console', () => {
  it('refuses a console call from another origin with 403', async () => {
    const { server } = await serverWith()
    const cookie = await signIn(server)
    const port = new URL(server.url).port
    for (const origin of [`http://localhost:${Number(port) + 1}`, 'https://attacker.example', 'null']) {
      const response = await consoleCall(server, cookie, { origin })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: 'forbidden' })
    }
  })

  it('refuses a cookie-authenticated console POST without Origin', async () => {
    const { server } = await serverWith()
    const cookie = await signIn(server)
    const response = await fetch(`${server.url}/rpc/session.whoami`, {
      method: 'POST',
      headers: { cookie, 'x-govern-console': '1', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('Origin') })
  })

  it('serves the change feed to the console’s own page, with or without Origin, and to no other', async () => {
    const { server } = await serverWith()
    const cookie = await signIn(server)
    const feed = (headers: Record<string, string>) => {
      const abort = new AbortController()
      return fetch(`${server.url}/rpc-changes`, { headers: { cookie, ...headers }, signal: abort.signal }).then((response) => {
        abort.abort()
        return response.status
      })
    }
    expect(await feed({})).toBe(200)
    expect(await feed({ origin: server.url })).toBe(200)
    expect(await feed({ 'sec-fetch-site': 'same-origin' })).toBe(200)
    expect(await feed({ origin: 'http://localhost:3000' })).toBe(403)
    expect(await feed({ 'sec-fetch-site': 'same-site' })).toBe(403)
  })

  it('refuses a sign-in link requested by another origin’s script, and accepts one opened from elsewhere', async () => {
    const { server } = await serverWith()
    const foreign = await fetch(server.loginUrl, { redirect: 'manual', headers: { origin: 'https://attacker.example' } })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    const fromChat = await fetch(server.loginUrl, { redirect: 'manual', headers: { 'sec-fetch-site': 'cross-site' } })
    expect(fromChat.status).toBe(303)
  })

  it('leaves bearer-token requests alone, whatever their Origin', async () => {
    const { server } = await serverWith()
    const rpc = await fetch(`${server.url}/rpc/session.whoami`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: 'https://ci.example', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(rpc.status).toBe(200)
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}`, origin: 'https://ci.example' } })).status).toBe(200)
  })
})

describe('the Host check beyond loopback', () => {
  it('refuses to bind beyond loopback without a list of allowed host names', async () => {
    await expect(serverWith({ host: '0.0.0.0' })).rejects.toThrow(/0\.0\.0\.0.*must be listed/)
  })

  it('answers exactly the allowed names and loopback, and prints links with the first allowed name', async () => {
    const { server } = await serverWith({ host: '0.0.0.0', allowedHosts: ['governance.example.com', '10.0.0.5'] })
    const port = new URL(server.url).port
    expect(server.loginUrl).toMatch(new RegExp(`^http://governance\\.example\\.com:${port}/\\?token=`))
    const local = `http://127.0.0.1:${port}/api/v1/me`
    const auth = { authorization: `Bearer ${token}` }
    for (const host of ['governance.example.com', `GOVERNANCE.example.com:${port}`, `10.0.0.5:${port}`, `127.0.0.1:${port}`, `localhost:${port}`]) {
      expect(await statusWithHost(local, host, auth)).toBe(200)
    }
    for (const host of ['attacker.example', `evil.governance.example.com:${port}`, '10.0.0.6']) {
      expect(await statusWithHost(local, host, auth)).toBe(403)
    }
  })
})
