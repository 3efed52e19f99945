/**
 * What a request may cost the server: bodies are bounded and refused before they are read when
 * they say they are too large; a caller who may not write is refused before its body is read; a
 * file can be sent as a stream; a lock held too long by another process is a 503, never a 500.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineParts } from '../../engine/engine'
import { holdWriteLock } from '../../testing/engine-database'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const MB = 1024 * 1024
const folder = tempFolder()
let parts: EngineParts
let server: RunningServer
let token: string
let auditor: string

beforeAll(async () => {
  parts = await openTestEngine(folder.path('limits.sqlite'), new Date().toISOString(), { lockWaitMs: 200 })
  server = await startServer({ engine: parts.engine, port: 0, log: () => undefined })
  token = (await parts.engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
  auditor = (await parts.engine.tokens.create({ name: 'audit firm', role: 'auditor' })).secret
  await api('POST', '/applications', JSON.stringify({ id: 'app_one', name: 'One' }))
})
afterAll(async () => {
  await server.close()
  await parts.engine.close()
  folder.remove()
})

function api(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } })
}

interface Sent {
  status: number
  ms: number
  bytesSent: number
  headers: Record<string, string | string[] | undefined>
}

/**
 * Sends a body of `bytes` zeros (declared, or chunked when `declare` is false) a piece at a time,
 * as fast as the server takes it, and stops sending as soon as an answer arrives.
 */
function sendLargeBody(path: string, bytes: number, options: { bearer?: string; type?: string; declare?: boolean; holdAfter?: number } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let bytesSent = 0
    let answered = false
    const req = request(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.bearer ?? token}`,
        'content-type': options.type ?? 'application/json',
        ...(options.declare === false ? {} : { 'content-length': String(bytes) }),
      },
    })
    req.on('response', (res) => {
      answered = true
      res.resume()
      resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytesSent, headers: res.headers })
      req.destroy()
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const piece = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      // Each write returns before the answer can arrive; the answer is seen between pumps.
      if (answered) return
      while (bytesSent < (options.holdAfter ?? bytes)) {
        const size = Math.min(piece.length, bytes - bytesSent)
        bytesSent += size
        if (!req.write(size === piece.length ? piece : piece.subarray(0, size))) return void req.once('drain', pump)
      }
      // Holding the rest back: the server must answer without waiting for it.
      if (options.holdAfter === undefined && !answered) req.end()
    }
    pump()
  })
}

describe('request bodies', () => {
  it('refuses a 100 MB body to any endpoint with 413 in under a second, without holding it in memory', async () => {
    const before = process.memoryUsage().rss
    for (const [path, type] of [
      ['/api/v1/applications', 'application/json'],
      ['/api/v1/organization/policies', 'application/json'],
      ['/api/v1/applications/app_one/metrics', 'application/json'],
      ['/api/v1/applications/app_one/inferences', 'application/json'],
      ['/api/v1/applications/app_one/inferences', 'text/csv'],
      ['/rpc/applications.create', 'application/json'],
    ] as const) {
      const sent = await sendLargeBody(path, 100 * MB, { type })
      expect({ path, type, status: sent.status }).toEqual({ path, type, status: 413 })
      expect(sent.ms).toBeLessThan(1000)
    }
    expect((process.memoryUsage().rss - before) / MB).toBeLessThan(50)
  })

  it('refuses a body sent without a length the moment it passes the limit, and says which limit', async () => {
    const sent = await sendLargeBody('/api/v1/applications', 20 * MB, { declare: false })
    expect(sent.status).toBe(413)
    expect(sent.headers.connection).toBe('close')
    expect(sent.bytesSent).toBeLessThan(20 * MB)
    const small = await api('POST', '/applications', JSON.stringify({ name: 'x'.repeat(2 * MB) }))
    expect(small.status).toBe(413)
    expect(await small.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining('1 MB') })
  })

  it("answers an auditor's write 403 without reading its body", async () => {
    // The body is declared as 480 MB but only 64 KB of it is ever sent: an answer that waited
    // for the body would never come.
    const sent = await sendLargeBody('/api/v1/applications/app_one/metrics', 480 * MB, { bearer: auditor, holdAfter: 64 * 1024 })
    expect(sent.status).toBe(403)
    expect(sent.ms).toBeLessThan(1000)
  })

  it('answers a write without a valid token 401 without reading its body', async () => {
    const sent = await sendLargeBody('/api/v1/applications/app_one/metrics', 480 * MB, { bearer: 'gov_not_a_token', holdAfter: 64 * 1024 })
    expect(sent.status).toBe(401)
    expect(sent.ms).toBeLessThan(1000)
  })
})

describe('a file sent as the request body', () => {
  const hour = () => new Date(Date.now() - 3_600_000).toISOString()

  it('is imported as it streams in, once, whether sent as a body or inside JSON', async () => {
    const csv = `timestamp,latency_ms,pii\n${hour()},800,true\n${hour()},900,false\n`
    const streamed = await api('POST', '/applications/app_one/inferences', csv, { 'content-type': 'text/csv' })
    expect(streamed.status).toBe(200)
    expect(await streamed.json()).toMatchObject({ events: 2, duplicate_batch: false, batch_id: expect.stringMatching(/^sha256:/) })
    const again = await api('POST', '/applications/app_one/inferences', JSON.stringify({ format: 'csv', content: csv }))
    expect(await again.json()).toMatchObject({ duplicate_batch: true })
  })

  it('names the line at fault in a streamed file and stores none of it', async () => {
    const before = await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()
    const jsonl = `{"timestamp": "${hour()}", "latency_ms": 700}\n{"timestamp": "${hour()}", "latency_ms": "slow"}\n`
    const response = await api('POST', '/applications/app_one/inferences', jsonl, { 'content-type': 'application/x-ndjson' })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ field: 'line 2.latency_ms' })
    expect(await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()).toEqual(before)
  })

  it('refuses a streamed file the moment it passes the upload limit, storing nothing', async () => {
    const small = await startServer({ engine: parts.engine, port: 0, log: () => undefined, bodyLimits: { upload: 64 * 1024 } })
    try {
      const line = `${hour()},800,true\n`
      const csv = `timestamp,latency_ms,pii\n${line.repeat(Math.ceil((256 * 1024) / line.length))}`
      const response = await fetch(`${small.url}/api/v1/applications/app_one/inferences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        // A stream, so no length is declared and the limit is met while reading.
        body: new Blob([csv]).stream(),
        duplex: 'half',
      } as RequestInit)
      expect(response.status).toBe(413)
      const batches = await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()
      expect(batches).toHaveLength(1)
    } finally {
      await small.close()
    }
  })
})

describe('a workspace another process keeps locked', () => {
  it('answers 503 with Retry-After, never 500, and writes nothing', async () => {
    const other = await holdWriteLock(parts.engine.path)
    try {
      const response = await api('POST', '/applications', JSON.stringify({ id: 'app_locked_out', name: 'Locked out' }))
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect(await response.json()).toMatchObject({ error: 'busy' })
    } finally {
      await other.release()
    }
    expect((await api('GET', '/applications/app_locked_out')).status).toBe(404)
  })
})
