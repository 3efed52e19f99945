/**
 * Closing the server with a grace period: what is under way finishes, nothing new gets in, the
 * change feed does not hold the close, and only what outlasts the grace period is cut.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestEngine } from '../../testing/workspace'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { statusOnNewConnection } from '../../testing/new-connection'
import { inferenceRows, startSlowUpload } from '../../testing/slow-upload'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let parts: TestEngine
let token: string

beforeAll(async () => {
  parts = await openTestEngine(folder.path('closing.sqlite'), new Date().toISOString())
  token = (await parts.engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
  const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
  const created = await fetch(`${server.url}/api/v1/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'app_one', name: 'One' }),
  })
  expect(created.status).toBe(201)
  await server.close()
})
afterAll(async () => {
  await parts.engine.close()
  folder.remove()
})

const uploadUrl = (server: RunningServer) => `${server.url}/api/v1/applications/app_one/inferences`
const storedBatches = async () => (await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()).length


describe('closing the server with a grace period', () => {
  it('finishes an upload under way, telling its client to reconnect elsewhere, and refuses new connections', async () => {
    const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
    const upload = await startSlowUpload(uploadUrl(server), token, inferenceRows(200))
    // An hour's grace: a close that waited it out rather than ending with the upload would hang.
    const closing = server.close(3_600_000)
    expect(await statusOnNewConnection(`${server.url}/healthz`)).toBe('ECONNREFUSED')
    const answer = await upload.finish()
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ events: 201, duplicate_batch: false })
    expect(answer.headers.connection).toBe('close')
    expect(await closing).toEqual({ cutShort: 0 })
  })

  it('answers /readyz 503 to a request that was still arriving as the shutdown began', async () => {
    const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
    const { port } = new URL(server.url)
    const socket = connect(Number(port), '127.0.0.1')
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    const socketClosed = new Promise((resolve) => socket.once('close', resolve))
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = server.close(10_000)
    socket.write('\r\n')
    await socketClosed
    const [head, body] = received.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 503 /)
    expect(head).toMatch(/\r\nconnection: close\r\n/i)
    expect(JSON.parse(body!)).toMatchObject({ status: 'not_ready', reason: 'shutting_down' })
    expect(await closing).toEqual({ cutShort: 0 })
  })

  it('ends the console’s change feed at once rather than holding the close for the grace period', async () => {
    const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
    const signedIn = await fetch(server.loginUrl, { redirect: 'manual' })
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!
    const feed = await fetch(`${server.url}/rpc-changes`, { headers: { cookie } })
    expect(feed.status).toBe(200)
    const reader = feed.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('keep-alive')
    // An hour's grace: a close held by the feed would hang rather than answer.
    const closing = server.close(3_600_000)
    expect((await reader.read()).done).toBe(true)
    expect(await closing).toEqual({ cutShort: 0 })
  })

  it('cuts what is still under way when the grace period ends, and stores none of a file cut off', async () => {
    const server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
    const before = await storedBatches()
    const upload = await startSlowUpload(uploadUrl(server), token, inferenceRows(10))
    const started = performance.now()
    expect(await server.close(300)).toEqual({ cutShort: 1 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    await expect(upload.answer).rejects.toThrow()
    expect(await storedBatches()).toBe(before)
  })
})
