/**
 * What a request may cost the server: bodies are bounded and refused before they are read when
 * they say they are too large; a caller who may not write is refused before its body is read, and
 * no refusal reads more than a bound of the body, while the client still reads the answer; a
 * file can be sent as a stream; a lock held too long by another process is a 503, never a 500.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineParts } from '../../engine/engine'
import { holdWriteLock } from '../../testing/engine-database'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'
import { UNREAD_BODY_BOUNDS } from './unread-bodies'

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
  bytesSent: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/**
 * Sends a body of `bytes` zeros (declared, or chunked when `declare` is false) a piece at a time,
 * as fast as the server takes it, and stops sending as soon as an answer arrives.
 */
function sendLargeBody(path: string, bytes: number, options: { bearer?: string; type?: string; declare?: boolean; holdAfter?: number } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
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
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (piece: string) => (body += piece))
      res.once('end', () => {
        resolve({ status: res.statusCode ?? 0, bytesSent, body, headers: res.headers })
        req.destroy()
      })
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
  it('refuses a 100 MB body to any endpoint with 413, without holding it in memory', async () => {
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

  it('refuses a body within its size that holds more objects and arrays than a body of that size may, naming the limit', async () => {
    // 20,000 empty arrays are 60 KB, far below 1 MB, and more than its 16,384 objects and arrays.
    const response = await api('POST', '/applications', `{"name": "Many", "tags": [${'[],'.repeat(20_000)}[]]}`)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining('holds more than 16,384 objects and arrays at byte') })
  })

  it("answers an auditor's write 403 without reading its body", async () => {
    // The body is declared as 480 MB but only 64 KB of it is ever sent: an answer that waited
    // for the body would never come.
    const sent = await sendLargeBody('/api/v1/applications/app_one/metrics', 480 * MB, { bearer: auditor, holdAfter: 64 * 1024 })
    expect(sent.status).toBe(403)
  })

  it('answers a write without a valid token 401 without reading its body', async () => {
    const sent = await sendLargeBody('/api/v1/applications/app_one/metrics', 480 * MB, { bearer: 'gov_not_a_token', holdAfter: 64 * 1024 })
    expect(sent.status).toBe(401)
  })
})

/** 200 MB of spaces made as they are sent, never held: a stream for fetch to send. */
function streamedBody(bytes: number): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(64 * 1024).fill(0x20)
  let made = 0
  return new ReadableStream({
    pull(controller) {
      if (made >= bytes) return controller.close()
      const size = Math.min(piece.length, bytes - made)
      made += size
      controller.enqueue(size === piece.length ? piece : piece.subarray(0, size))
    },
  })
}

/**
 * The most a client can have written that the server never read: what the kernels on both sides
 * hold for a connection at most (the client's send buffer, the server's receive buffer).
 */
function socketBuffersAtMost(): number {
  const largest = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/).at(-1))
  return largest('/proc/sys/net/ipv4/tcp_wmem') + largest('/proc/sys/net/ipv4/tcp_rmem')
}

/**
 * Sends a request declaring a body of `declared` bytes on a raw keep-alive connection and keeps
 * writing it until the server closes the connection, counting the bytes the client's writes were
 * taken for, and the answer that came back.
 */
function sendOnKeepAlive(path: string, declared: number, bearer: string): Promise<{ answer: string; written: number }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url)
    const socket = connect(Number(port), hostname)
    const piece = Buffer.alloc(64 * 1024, 0x20)
    let written = 0
    let answer = ''
    let closed = false
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => (answer += text))
    socket.on('error', () => undefined)
    socket.once('close', () => {
      closed = true
      resolve({ answer, written })
    })
    // Queued counts what was handed to the socket; written, what the socket then took.
    let queued = 0
    const pump = () => {
      while (queued < declared) {
        if (closed) return
        queued += piece.length
        const ok = socket.write(piece, (error) => {
          if (!error) written += piece.length
        })
        if (!ok) return void socket.once('drain', pump)
      }
    }
    socket.once('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${bearer}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\nConnection: keep-alive\r\n\r\n`)
      pump()
    })
    socket.once('timeout', () => reject(new Error('no close')))
  })
}

describe('refusals sent while the body is still arriving', () => {
  const metrics = '/api/v1/applications/app_one/metrics'

  it('are read by fetch, a 200 MB body streamed with and without a declared length', async () => {
    for (const declare of [true, false]) {
      const response = await fetch(`${server.url}${metrics}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(declare ? { 'content-length': String(200 * MB) } : {}) },
        body: streamedBody(200 * MB),
        duplex: 'half',
      } as RequestInit)
      expect({ declare, status: response.status }).toEqual({ declare, status: 413 })
      expect(response.headers.get('connection')).toBe('close')
      expect(await response.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining('32 MB') })
    }
  })

  it("are read by Node's http client, a 200 MB body streamed with and without a declared length", async () => {
    for (const declare of [true, false]) {
      const sent = await sendLargeBody(metrics, 200 * MB, { declare })
      expect({ declare, status: sent.status, connection: sent.headers.connection }).toEqual({ declare, status: 413, connection: 'close' })
      expect(JSON.parse(sent.body)).toMatchObject({ error: 'too_large' })
    }
  })

  it('take in at most the bound of a body after a 401, a 403 or a 413 on a keep-alive connection, then close it', async () => {
    const most = UNREAD_BODY_BOUNDS.bytes + socketBuffersAtMost()
    // Far more than the bound and every buffer between the two ends: a server reading the whole
    // body would take all of it.
    const declared = 200 * MB
    expect(most).toBeLessThan(declared / 4)
    for (const [bearer, status] of [
      ['gov_not_a_token', '401'],
      [auditor, '403'],
      [token, '413'],
    ] as const) {
      const sent = await sendOnKeepAlive(metrics, declared, bearer)
      expect(sent.answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
      expect(sent.answer.toLowerCase()).toContain('connection: close')
      expect(sent.written).toBeLessThanOrEqual(most)
    }
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

describe('text that is not UTF-8', () => {
  const hour = () => new Date(Date.now() - 3_600_000).toISOString()

  it('is refused with 400 naming the byte, and nothing changes', async () => {
    await api('POST', '/applications', JSON.stringify({ id: 'app_health', name: 'System Health' }))
    // {"name":"…"} with the bytes ff fe c3 28 inside the quotes, from byte 9 on.
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')])
    const response = await fetch(`${server.url}/api/v1/applications/app_health`, { method: 'PATCH', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_encoding', message: expect.stringContaining('byte 9 (0xff) is not valid UTF-8') })
    expect(await (await api('GET', '/applications/app_health')).json()).toMatchObject({ name: 'System Health' })
  })

  it('in a streamed file is refused with 400 naming the byte in the file, though a character split between pieces is not', async () => {
    const before = await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()
    const send = (pieces: Uint8Array[]) =>
      fetch(`${server.url}/api/v1/applications/app_one/inferences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: new ReadableStream({
          async pull(controller) {
            const piece = pieces.shift()
            if (!piece) return controller.close()
            controller.enqueue(piece)
            // Apart, so the server reads them as separate pieces.
            await new Promise((resolve) => setImmediate(resolve))
          },
        }),
        duplex: 'half',
      } as RequestInit)
    const first = Buffer.from(`timestamp,latency_ms,note\n${hour()},800,caf\xc3`, 'latin1')
    const split = await send([first, Buffer.from(`\xa9\n${hour()},900,tea\n`, 'latin1')])
    expect(split.status).toBe(200)
    expect(await split.json()).toMatchObject({ events: 2 })
    // The same, its second line holding a byte that starts no character.
    const bad = Buffer.from(`\xa9\n${hour()},900,t\xffa\n`, 'latin1')
    const refused = await send([first, bad])
    expect(refused.status).toBe(400)
    const at = first.length + bad.indexOf(0xff)
    expect(await refused.json()).toMatchObject({ error: 'invalid_encoding', field: 'content', message: expect.stringContaining(`byte ${at} (0xff) is not valid UTF-8`) })
    // A file that ends inside a character.
    const cut = await send([first])
    expect(cut.status).toBe(400)
    expect(await cut.json()).toMatchObject({ error: 'invalid_encoding', message: expect.stringContaining(`byte ${first.length - 1} (0xc3)`) })
    const after = await parts.context.db.selectFrom('metric_batches').select('batch_id').execute()
    expect(after).toHaveLength(before.length + 1)
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
