/**
 * How long a client waits for a refusal of a body it is still sending: the 413 for a 200 MB body
 * streamed by fetch and by Node's http client (declared, and chunked), and the 413 for a 32 MB
 * body nested 16 million levels deep, against a bare baseline in the same run: an ordinary small
 * write answered 200. Target (issue 22): every refusal read within 2 s. Run with `npx tsx bench/refusals.ts`.
 */
import { request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openEngine } from '../src-main/engine/engine'
import { startServer } from '../src-main/transport/http/server'

const ROUNDS = 5
const MB = 1024 * 1024

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** `bytes` of `fill`, made as they are sent. */
function generated(bytes: number, fill: (made: number) => number): ReadableStream<Uint8Array> {
  const pieces = new Map<number, Uint8Array>()
  let made = 0
  return new ReadableStream({
    pull(controller) {
      if (made >= bytes) return controller.close()
      const byte = fill(made)
      const piece = pieces.get(byte) ?? pieces.set(byte, new Uint8Array(64 * 1024).fill(byte)).get(byte)!
      const size = Math.min(piece.length, bytes - made)
      made += size
      controller.enqueue(size === piece.length ? piece : piece.subarray(0, size))
    },
  })
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
  const engine = await openEngine(join(folder, 'refusals.sqlite'))
  const server = await startServer({ engine, port: 0, log: () => undefined })
  const token = (await engine.tokens.create({ name: 'bench', role: 'org_admin' })).secret
  const metrics = `${server.url}/api/v1/applications/app_bench/metrics`
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  await fetch(`${server.url}/api/v1/applications`, { method: 'POST', headers, body: JSON.stringify({ id: 'app_bench', name: 'Bench' }) })

  const timed = async (expected: number, send: () => Promise<number>): Promise<number> => {
    const start = performance.now()
    const status = await send()
    if (status !== expected) throw new Error(`expected ${expected}, got ${status}`)
    return performance.now() - start
  }
  const viaFetch = (body: ReadableStream<Uint8Array>, length?: number) => async () =>
    (await fetch(metrics, { method: 'POST', headers: { ...headers, ...(length ? { 'content-length': String(length) } : {}) }, body, duplex: 'half' } as RequestInit)).status
  const viaHttp = (bytes: number, declare: boolean) => () =>
    new Promise<number>((resolve, reject) => {
      const req = request(metrics, { method: 'POST', headers: { ...headers, ...(declare ? { 'content-length': String(bytes) } : {}) } })
      let sent = 0
      let answered = false
      req.on('response', (res) => {
        answered = true
        res.resume()
        res.once('end', () => {
          resolve(res.statusCode ?? 0)
          req.destroy()
        })
      })
      req.on('error', (error) => (answered ? undefined : reject(error)))
      const piece = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (sent < bytes) {
          if (answered) return
          sent += piece.length
          if (!req.write(piece)) return void req.once('drain', pump)
        }
      }
      pump()
    })
  const hour = new Date(Date.now() - 3_600_000).toISOString()
  const ordinary = async () => (await fetch(metrics, { method: 'POST', headers, body: JSON.stringify({ observations: [{ metric: 'requests', timestamp: hour, count: 1 }] }) })).status

  const cases: Array<[string, number, () => () => Promise<number>]> = [
    ['fetch, 200 MB declared', 413, () => viaFetch(generated(200 * MB, () => 0x20), 200 * MB)],
    ['fetch, 200 MB chunked', 413, () => viaFetch(generated(200 * MB, () => 0x20))],
    ['http, 200 MB declared', 413, () => viaHttp(200 * MB, true)],
    ['http, 200 MB chunked', 413, () => viaHttp(200 * MB, false)],
    ['fetch, 32 MB 16M deep', 413, () => viaFetch(generated(32 * MB, (made) => (made < 16 * MB ? 0x5b : 0x5d)), 32 * MB)],
  ]
  const bare: number[] = []
  const times = new Map<string, number[]>(cases.map(([name]) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so all see the same machine noise.
    bare.push(await timed(200, ordinary))
    for (const [name, status, send] of cases) times.get(name)!.push(await timed(status, send()))
  }
  await server.close()
  await engine.close()
  rmSync(folder, { recursive: true, force: true })

  const baseline = median(bare)
  console.log(`baseline (small write, 200): ${baseline.toFixed(1)} ms`)
  for (const [name, values] of times) {
    const ms = median(values)
    console.log(`${name}: ${ms.toFixed(1)} ms (${(ms / baseline).toFixed(1)}x baseline) ${ms <= 2000 ? 'within' : 'OVER'} the 2 s target`)
  }
}

void main()
