/** The per-token ceiling on requests, over real HTTP: 429 with Retry-After for that token alone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'
import { DEFAULT_REQUESTS_PER_MINUTE } from './token-rate-limit'

const folder = tempFolder()
let engine: Engine
let limited: RunningServer
let unlimited: RunningServer
let busy: string
let quiet: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('rate-limit.sqlite'))).engine
  limited = await startServer({ engine, port: 0, log: () => undefined, requestsPerMinute: 3 })
  unlimited = await startServer({ engine, port: 0, log: () => undefined, requestsPerMinute: 0 })
  busy = (await engine.tokens.create({ name: 'busy pipeline', role: 'governance_manager' })).secret
  quiet = (await engine.tokens.create({ name: 'quiet pipeline', role: 'governance_manager' })).secret
})
afterAll(async () => {
  await limited.close()
  await unlimited.close()
  await engine.close()
  folder.remove()
})

const get = (server: RunningServer, bearer: string, path = '/api/v1/applications') => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' } })

describe('the per-token rate limit', () => {
  it('answers 429 with Retry-After once a token has spent its minute, on REST and the typed client alike', async () => {
    for (let i = 0; i < 3; i++) expect((await get(limited, busy)).status).toBe(200)
    const refused = await get(limited, busy)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(await refused.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('made its 3 requests for this minute') })
    const rpc = await fetch(`${limited.url}/rpc/applications.list`, { method: 'POST', headers: { authorization: `Bearer ${busy}`, 'content-type': 'application/json' }, body: '{}' })
    expect(rpc.status).toBe(429)
  })

  it('counts each token on its own', async () => {
    expect((await get(limited, quiet)).status).toBe(200)
  })

  it('can be turned off, and by default leaves room for busy pipelines', async () => {
    for (let i = 0; i < 10; i++) expect((await get(unlimited, busy)).status).toBe(200)
    expect(DEFAULT_REQUESTS_PER_MINUTE).toBeGreaterThanOrEqual(1000)
  })

})
