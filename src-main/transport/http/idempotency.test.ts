/**
 * Changes sent with an Idempotency-Key are applied once, over real HTTP on a real workspace: a
 * retry is answered as the first call was, from the answer kept in the change's own transaction;
 * two sent at once make one change, a key used for another request is refused, and a refused
 * change leaves its key unused. (A retry after a crash: idempotency-crash.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineContext } from '../../engine/context'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { commandRequestSha256 } from '../../engine/commands/applied-commands'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let context: EngineContext
let server: RunningServer
let pipeline: string
let other: string

beforeAll(async () => {
  const opened = await openTestEngine(folder.path('idempotency.sqlite'))
  engine = opened.engine
  context = opened.context
  server = await startServer({ engine, port: 0, log: () => undefined })
  pipeline = (await engine.tokens.create({ name: 'pipeline', role: 'governance_manager' })).secret
  other = (await engine.tokens.create({ name: 'other pipeline', role: 'governance_manager' })).secret
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const send = (method: string, path: string, body: unknown, key?: string, bearer = pipeline) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  })
const applicationsNamed = async (name: string) => (await caller(engine)('applications.list', { search: name })).applications.filter((app) => app.name === name)
const auditOf = async (action: string) => (await caller(engine)('audit.list', { action })).events
const keptUnder = (key: string) => context.db.selectFrom('applied_commands').select(['procedure', 'answer_json']).where('id', '=', key).execute()

describe('Idempotency-Key', () => {
  it('answers a retry as the first call was, with Idempotent-Replayed, and changes nothing again', async () => {
    const first = await send('POST', '/applications', { name: 'Claims Bot', tags: ['prod'] }, 'create-claims-bot')
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const created = await first.json()
    const retry = await send('POST', '/applications', { name: 'Claims Bot', tags: ['prod'] }, 'create-claims-bot')
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await retry.json()).toEqual(created)
    expect(await applicationsNamed('Claims Bot')).toHaveLength(1)
    expect((await auditOf('application.created')).filter((event) => event.entity_id === (created as { id: string }).id)).toHaveLength(1)
  })

  it('keeps the answer in the change’s own record of its key: exactly what the caller was sent', async () => {
    const first = await send('POST', '/applications', { name: 'Pricing Bot', team: 'Sales' }, 'create-pricing-bot')
    expect(first.status).toBe(201)
    const created = (await first.json()) as { id: string }
    const kept = await keptUnder('create-pricing-bot')
    expect(kept.map((row) => row.procedure)).toEqual(['applications.create'])
    expect(JSON.parse(kept[0]!.answer_json!)).toEqual({ ...created, name: 'Pricing Bot', team: 'Sales', tags: [], environment: null, retired_at: null })
  })

  it('refuses a retry of a change an earlier version applied without keeping its answer, saying it was applied, and applies nothing', async () => {
    const actor = (await engine.authenticate(pipeline))!
    const body = { name: 'Legacy Bot' }
    // As the version that kept answers after the commit left a key when it died in between.
    await context.bookkeep((tx) =>
      tx
        .insertInto('applied_commands')
        .values({ actor_id: actor.id, id: 'legacy-1', procedure: 'applications.create', request_sha256: commandRequestSha256('applications.create', { ...body, tags: [], team: null, environment: null }), applied_at: '2026-01-10T08:00:00.000Z', answer_json: null })
        .execute(),
    )
    const retry = await send('POST', '/applications', body, 'legacy-1')
    expect(retry.status).toBe(409)
    expect(await retry.json()).toEqual({
      error: 'conflict',
      message: 'The change with Idempotency-Key legacy-1 was applied at 2026-01-10T08:00:00.000Z, by an earlier version of the console that did not keep its answer; it is not applied again',
      field: 'Idempotency-Key',
    })
    expect(await applicationsNamed('Legacy Bot')).toHaveLength(0)
  })

  it('makes one change of two identical calls sent at once', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => send('POST', '/applications', { name: 'Fraud Scorer' }, 'create-fraud-scorer')))
    expect([a!.status, b!.status]).toEqual([201, 201])
    const bodies = [await a!.json(), await b!.json()]
    expect(bodies[0]).toEqual(bodies[1])
    expect([a!.headers.get('idempotent-replayed'), b!.headers.get('idempotent-replayed')].sort()).toEqual([null, 'true'])
    expect(await applicationsNamed('Fraud Scorer')).toHaveLength(1)
  })

  it('refuses a key already used for another request, naming it', async () => {
    expect((await send('POST', '/applications', { name: 'Support Assistant' }, 'key-7')).status).toBe(201)
    const reused = await send('POST', '/applications', { name: 'Something Else' }, 'key-7')
    expect(reused.status).toBe(422)
    expect(await reused.json()).toMatchObject({ field: 'Idempotency-Key', message: expect.stringContaining('was already used') })
    expect(await applicationsNamed('Something Else')).toHaveLength(0)
  })

  it('leaves the key of a refused change unused, so the corrected change may take it', async () => {
    const refused = await send('POST', '/organization/policies', { name: 'Empty policy' }, 'policy-1')
    expect(refused.status).toBe(422)
    const corrected = await send('POST', '/organization/policies', { name: 'Empty policy', alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }] }, 'policy-1')
    expect(corrected.status).toBe(201)
    const { id } = (await corrected.json()) as { id: string }
    // A policy edit retried: one new version, not two.
    const edit = { description: 'PII under 1%', base_version: 1 }
    expect((await send('PATCH', `/organization/policies/${id}`, edit, 'edit-1')).status).toBe(200)
    const again = await send('PATCH', `/organization/policies/${id}`, edit, 'edit-1')
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect((await caller(engine)('policies.get', { id })).version).toBe(2)
  })

  it('keeps keys per caller: another token’s key of the same text is its own', async () => {
    expect((await send('POST', '/applications', { name: 'Broker Chat' }, 'shared-text')).status).toBe(201)
    const theirs = await send('POST', '/applications', { name: 'Broker Chat Two' }, 'shared-text', other)
    expect(theirs.status).toBe(201)
    expect(theirs.headers.get('idempotent-replayed')).toBeNull()
  })

  it('refuses a key that is not one, and takes none for reads', async () => {
    const bad = await send('POST', '/applications', { name: 'X' }, 'has space')
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ field: 'Idempotency-Key' })
    const read = await fetch(`${server.url}/api/v1/applications`, { headers: { authorization: `Bearer ${pipeline}`, 'idempotency-key': 'read-1' } })
    expect(read.status).toBe(200)
    expect(read.headers.get('idempotent-replayed')).toBeNull()
  })
})
