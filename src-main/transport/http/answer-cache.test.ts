import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { AnswerCache, chooseEncoding, queryKey } from './answer-cache'
import { startServer, type RunningServer } from './server'

describe('choosing an encoding', () => {
  it('prefers brotli, then gzip, as the client allows', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br')
    expect(chooseEncoding('gzip')).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip')
    expect(chooseEncoding('*')).toBe('br')
    expect(chooseEncoding('identity')).toBeUndefined()
    expect(chooseEncoding(undefined)).toBeUndefined()
  })
})

describe('the answer cache', () => {
  const ok = (value: unknown) => async () => ({ ok: true as const, value: Buffer.from(JSON.stringify(value)) })

  it('keys a query by its parameters, in any order', () => {
    expect(queryKey('compliance.organization', { b: '2', a: '1' })).toBe(queryKey('compliance.organization', { a: '1', b: '2' }))
    expect(queryKey('compliance.organization', { a: '1' })).not.toBe(queryKey('compliance.overview', { a: '1' }))
  })

  it('builds an answer once per generation, however many ask at once', async () => {
    const cache = new AnswerCache()
    let builds = 0
    const build = async () => {
      builds++
      await new Promise((resolve) => setTimeout(resolve, 10))
      return { ok: true as const, value: Buffer.from(JSON.stringify({ n: builds })) }
    }
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.answer('g1', 'q', build)))
    expect(builds).toBe(1)
    expect(new Set(answers.map((a) => (a.ok ? a.answer.etag : '')))).toHaveLength(1)
    await cache.answer('g2', 'q', build)
    expect(builds).toBe(2)
  })

  it('keeps each query under its own version: a new version of one leaves the others kept', async () => {
    const cache = new AnswerCache()
    const builds: string[] = []
    const build = (name: string) => async () => {
      builds.push(name)
      return { ok: true as const, value: Buffer.from(JSON.stringify({ name })) }
    }
    await cache.answer('0.1', 'app_a', build('a'))
    await cache.answer('0.1', 'app_b', build('b'))
    await cache.answer('0.2', 'app_b', build('b again'))
    await cache.answer('0.1', 'app_a', build('a again'))
    expect(builds).toEqual(['a', 'b', 'b again'])
  })

  it('passes an error to whoever asked and keeps nothing of it', async () => {
    const cache = new AnswerCache()
    const failed = await cache.answer('g1', 'q', async () => ({ ok: false as const, error: { error: 'not_found' as const, message: 'No application' } }))
    expect(failed).toEqual({ ok: false, error: { error: 'not_found', message: 'No application' } })
    expect(await cache.answer('g1', 'q', ok({ fine: true }))).toMatchObject({ ok: true })
  })

  it('gives a different ETag to a different answer, and the same to the same one', async () => {
    const cache = new AnswerCache()
    const first = await cache.answer('g1', 'a', ok({ n: 1 }))
    const same = await cache.answer('g2', 'a', ok({ n: 1 }))
    const other = await cache.answer('g3', 'a', ok({ n: 2 }))
    const etag = (answered: typeof first) => (answered.ok ? answered.answer.etag : '')
    expect(etag(same)).toBe(etag(first))
    expect(etag(other)).not.toBe(etag(first))
  })

  it('keeps a moment-stamped answer around its own as_of, not one nested deeper or a value that looks alike', async () => {
    const cache = new AnswerCache()
    const kept = { status: 'as_of', policies: [{ as_of: '2026-01-01T00:00:00.000Z' }], as_of: '2026-03-02T09:00:00.000Z', after: 'as_of' }
    const answered = await cache.answer('g1', 'q', ok(kept), true)
    if (!answered.ok || !answered.answer.aroundMoment) throw new Error('not kept around its moment')
    const [before, after] = answered.answer.aroundMoment
    const sent = JSON.parse(`${before.toString()}"2026-03-02T10:30:00.000Z"${after.toString()}`) as unknown
    expect(sent).toEqual({ ...kept, as_of: '2026-03-02T10:30:00.000Z' })
    expect(Object.keys(sent as object)).toEqual(Object.keys(kept))
  })
})

describe('GET /organization/policies/compliance, cached', () => {
  const folder = tempFolder()
  let opened: TestEngine
  let server: RunningServer
  let token: string
  const hour = () => new Date(opened.clock.now().getTime() - 3_600_000).toISOString()

  beforeAll(async () => {
    opened = await openTestEngine(folder.path('cache.sqlite'), new Date().toISOString())
    server = await startServer({ engine: opened.engine, port: 0, log: () => undefined })
    token = (await opened.engine.tokens.create({ name: 'poller', role: 'auditor' })).secret
    const call = caller(opened.engine)
    for (const [id, name] of [['app_a', 'Alpha'], ['app_b', 'Bravo']] as const) await call('applications.create', { id, name, tags: ['customer-data'] })
    await call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: { apply_to_all: false, tags: ['customer-data'], application_ids: [] } })
    await call('policies.createFromTemplate', { template_id: 'system_health', scope: { apply_to_all: true, tags: [], application_ids: [] } })
  })
  afterAll(async () => {
    await server.close()
    await opened.engine.close()
    folder.remove()
  })

  /** A GET as a monitoring tool sends it, with the raw bytes of the answer. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
        const pieces: Buffer[] = []
        res.on('data', (piece: Buffer) => pieces.push(piece))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }))
      })
      req.on('error', reject)
      req.end()
    })

  it('answers 304 to a client that holds the current answer', async () => {
    const first = await get('/organization/policies/compliance')
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('private, no-cache')
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^W\/".+"$/)
    const again = await get('/organization/policies/compliance', { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body).toHaveLength(0)
  })

  it('sends the previous answer marked stale with its moment while the new one is built, and the current one to whoever asks for it', async () => {
    const before = await get('/organization/policies/compliance', { 'cache-control': 'no-cache' })
    expect(before.headers['answer-stale']).toBeUndefined()
    const asOf = before.headers['answer-as-of'] as string
    expect(asOf).toMatch(/^\d{4}-\d\d-\d\dT/)
    const report = JSON.parse(before.body.toString()) as { policies: Array<{ name: string; gap_count: number }> }
    expect(report.policies.find((p) => p.name === 'Sensitive Data')?.gap_count).toBe(0)
    await caller(opened.engine)('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: hour(), count: 50, total: 1000 }] })

    const stale = await get('/organization/policies/compliance')
    expect(stale.headers['answer-stale']).toBe('true')
    expect(stale.headers['answer-as-of']).toBe(asOf)
    expect(stale.headers['answer-generation']).toBe(before.headers['answer-generation'])
    expect(stale.body.equals(before.body)).toBe(true)

    // Asked for the current answer: one that has everything committed before the request.
    const current = await get('/organization/policies/compliance', { 'cache-control': 'no-cache', 'if-none-match': before.headers.etag as string })
    expect(current.status).toBe(200)
    expect(current.headers['answer-stale']).toBeUndefined()
    expect(current.headers.etag).not.toBe(before.headers.etag)
    const changed = JSON.parse(current.body.toString()) as typeof report
    expect(changed.policies.find((p) => p.name === 'Sensitive Data')?.gap_count).toBe(1)
  })

  it('rebuilds in the background: a plain request gets the new answer once it is ready', async () => {
    const before = await get('/organization/policies/compliance', { 'cache-control': 'no-cache' })
    await caller(opened.engine)('metrics.ingest', { id: 'app_b', observations: [{ metric: 'pii', timestamp: hour(), count: 60, total: 1000 }] })
    const first = await get('/organization/policies/compliance')
    expect(first.headers['answer-stale']).toBe('true')
    let latest = first
    // Asked again as a monitoring tool would, not in a tight loop: a rebuild begins at most once a
    // second, and the token's rate limit counts every request meanwhile.
    while (latest.headers['answer-stale'] === 'true') {
      await new Promise((resolve) => setTimeout(resolve, 50))
      latest = await get('/organization/policies/compliance')
    }
    expect(latest.headers.etag).not.toBe(before.headers.etag)
    const report = JSON.parse(latest.body.toString()) as { policies: Array<{ name: string; gap_count: number }> }
    expect(report.policies.find((p) => p.name === 'Sensitive Data')?.gap_count).toBe(2)
  })

  it('compresses with brotli or gzip as asked, to the same answer', async () => {
    const plain = await get('/organization/policies/compliance')
    const br = await get('/organization/policies/compliance', { 'accept-encoding': 'br' })
    const gz = await get('/organization/policies/compliance', { 'accept-encoding': 'gzip' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(br.headers.vary).toContain('Accept-Encoding')
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString())
    expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString())
  })

  it('sends the console (over /rpc) the same kept answer the API gets, compressed as asked', async () => {
    const post = (procedure: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const req = request(`${server.url}/rpc/${procedure}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } }, (res) => {
          const pieces: Buffer[] = []
          res.on('data', (piece: Buffer) => pieces.push(piece))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }))
        })
        req.on('error', reject)
        req.end('{}')
      })
    const rest = await get('/organization/compliance/overview')
    const answer = await post('compliance.overview', { 'accept-encoding': 'br' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-encoding']).toBe('br')
    expect(answer.headers.etag).toBe(rest.headers.etag)
    expect(brotliDecompressSync(answer.body).toString()).toBe(rest.body.toString())
  })

  it('narrows to one policy and pages through policies with a cursor', async () => {
    const all = JSON.parse((await get('/organization/policies/compliance')).body.toString()) as { policies: Array<{ id: string; name: string }> }
    expect(all).not.toHaveProperty('next_cursor')
    const one = JSON.parse((await get(`/organization/policies/compliance?policy_id=${all.policies[1]!.id}`)).body.toString()) as typeof all
    expect(one.policies.map((p) => p.id)).toEqual([all.policies[1]!.id])
    const first = JSON.parse((await get('/organization/policies/compliance?limit=1')).body.toString()) as typeof all & { next_cursor: string | null }
    expect(first.policies).toEqual([all.policies[0]])
    const second = JSON.parse((await get(`/organization/policies/compliance?limit=1&cursor=${first.next_cursor}`)).body.toString()) as typeof first
    expect(second.policies).toEqual([all.policies[1]])
    expect(second.next_cursor).toBeNull()
  })

  it('names what is wrong with a bad cursor or an unknown policy', async () => {
    const badCursor = await get('/organization/policies/compliance?limit=1&cursor=not-ours')
    expect(badCursor.status).toBe(422)
    expect(JSON.parse(badCursor.body.toString())).toMatchObject({ field: 'cursor' })
    const unknown = await get('/organization/policies/compliance?policy_id=pol_nowhere')
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ field: 'policy_id' })
  })
})

describe('a kept answer and the clock', () => {
  const folder = tempFolder()
  let opened: TestEngine
  let server: RunningServer
  let token: string
  beforeAll(async () => {
    opened = await openTestEngine(folder.path('cache-clock.sqlite'), '2026-03-02T09:00:00.000Z')
    server = await startServer({ engine: opened.engine, port: 0, log: () => undefined })
    token = (await opened.engine.tokens.create({ name: 'poller', role: 'auditor' })).secret
    const call = caller(opened.engine)
    const rita = await call('users.create', { name: 'Rita Reviewer', role: 'reviewer' })
    const rule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', deadline_days: 7, reviewers: [{ type: 'user', id: rita.id }], notes_required: false, blocking: 'warn' })
    await call('applications.create', { id: 'app_a', name: 'Alpha' })
    await call('policies.create', { name: 'Signed off', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], attestation_rule_ids: [rule.id], scope: { apply_to_all: true } })
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: '2026-03-02T08:00:00.000Z', count: 0, total: 1000 }] })
  })
  afterAll(async () => {
    await server.close()
    await opened.engine.close()
    folder.remove()
  })

  const compliantCount = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/api/v1/organization/policies/compliance`, { headers: { authorization: `Bearer ${token}`, ...headers } })
    return ((await response.json()) as { policies: Array<{ compliant_count: number }> }).policies.map((policy) => policy.compliant_count)
  }

  it('is not current once a sign-off deadline passes, though nothing in the workspace changed', async () => {
    expect(await compliantCount()).toEqual([1])
    expect(await compliantCount({ 'cache-control': 'no-cache' })).toEqual([1])
    // Attestation Overdue from here: no write announced it, only the clock.
    opened.clock.advance(8 * 86_400_000)
    expect(await compliantCount({ 'cache-control': 'no-cache' })).toEqual([0])
  })
})

describe('GET /applications/{id}/compliance, kept', () => {
  const folder = tempFolder()
  let opened: TestEngine
  let server: RunningServer
  let token: string
  beforeAll(async () => {
    opened = await openTestEngine(folder.path('cache-application.sqlite'), '2026-03-02T09:00:00.000Z')
    server = await startServer({ engine: opened.engine, port: 0, log: () => undefined })
    token = (await opened.engine.tokens.create({ name: 'poller', role: 'auditor' })).secret
    const call = caller(opened.engine)
    await call('applications.create', { id: 'app_a', name: 'Alpha' })
    await call('policies.create', { name: 'No leaks', enforcement_delay_days: 0, alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { apply_to_all: true } })
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: '2026-03-02T08:00:00.000Z', count: 0, total: 1000 }] })
  })
  afterAll(async () => {
    await server.close()
    await opened.engine.close()
    folder.remove()
  })

  const get = async (query = '') => {
    const response = await fetch(`${server.url}/api/v1/applications/app_a/compliance${query}`, { headers: { authorization: `Bearer ${token}` } })
    return { etag: response.headers.get('etag'), body: (await response.json()) as { as_of: string; status: string; policies: Array<{ evaluated_at: string }> } }
  }

  it('names the moment of each request, though the rest is the kept answer', async () => {
    const first = await get()
    expect(first.body.as_of).toBe('2026-03-02T09:00:00.000Z')
    // Within the minute a token's last use is recorded to: nothing at all is written meanwhile.
    opened.clock.advance(30_000)
    const later = await get()
    expect(later.body.as_of).toBe('2026-03-02T09:00:30.000Z')
    expect(later.etag).toBe(first.etag)
    expect({ ...later.body, as_of: first.body.as_of }).toEqual(first.body)
  })

  it('is built afresh once the workspace changes', async () => {
    expect((await get()).body.status).toBe('compliant')
    await caller(opened.engine)('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: '2026-03-02T08:00:00.000Z', count: 90, total: 1000 }] })
    const after = await get()
    expect(after.body.status).toBe('non_compliant')
    expect(after.body.as_of).toBe(opened.clock.now().toISOString())
  })

  it('answers a moment asked for with that moment', async () => {
    const asked = '2026-03-02T08:30:00.000Z'
    const answer = await get(`?as_of=${asked}`)
    expect(answer.body.as_of).toBe(asked)
    opened.clock.advance(60_000)
    expect((await get(`?as_of=${asked}`)).body.as_of).toBe(asked)
  })
})
