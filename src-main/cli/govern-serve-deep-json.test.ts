/**
 * JSON nested far deeper than any schema, within the size limit: refused at the byte that goes too
 * deep, by `govern serve` run as its users run it, whose memory stays near idle. Parsed whole, one
 * 32 MB body 16 million levels deep took the server from 213 MB to 1.8 GB.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { GOVERN_ENTRY, REPO_ROOT } from '../testing/govern-cli'
import { caller, tempFolder } from '../testing/workspace'

const MB = 1024 * 1024
const folder = tempFolder()
const db = folder.path('deep.sqlite')
let admin: string
let auditor: string
let child: ChildProcess
let base: string

beforeAll(async () => {
  const engine = await openEngine(db)
  await caller(engine)('applications.create', { id: 'app_one', name: 'One' })
  admin = (await engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
  auditor = (await engine.tokens.create({ name: 'audit firm', role: 'auditor' })).secret
  await engine.close()
  child = spawn(process.execPath, ['--import', 'tsx', GOVERN_ENTRY, 'serve', '--db', db, '--port', '0'], { cwd: REPO_ROOT })
  let printed = ''
  base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (piece: Buffer) => {
      printed += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(printed)?.[1]
      if (url) resolve(url)
    })
    child.stderr!.resume()
    child.once('exit', (code) => reject(new Error(`govern serve exited with ${code}: ${printed}`)))
  })
  // Starting a process through tsx takes a while on a busy machine.
}, 60_000)
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  folder.remove()
})

/** The most memory the server process has held at any moment since it started (VmHWM), in bytes. */
function peakMemory(): number {
  const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
  return Number(kilobytes) * 1024
}

/** `levels` opening brackets then as many closing ones, made as they are sent, never held whole. */
function deepBody(levels: number): ReadableStream<Uint8Array> {
  const opening = new Uint8Array(64 * 1024).fill(0x5b)
  const closing = new Uint8Array(64 * 1024).fill(0x5d)
  let made = 0
  return new ReadableStream({
    pull(controller) {
      if (made >= 2 * levels) return controller.close()
      const size = Math.min(opening.length, (made < levels ? levels : 2 * levels) - made)
      const piece = made < levels ? opening : closing
      made += size
      controller.enqueue(size === piece.length ? piece : piece.subarray(0, size))
    },
  })
}

function sendDeep(path: string, levels: number, bearer: string): Promise<Response> {
  return fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'content-length': String(2 * levels) },
    body: deepBody(levels),
    duplex: 'half',
  } as RequestInit)
}

describe('a body nested deeper than 64 levels', () => {
  it('is refused at the byte that goes too deep, and the server stays within 100 MB of idle however many arrive', async () => {
    // Idle, after one ordinary call has loaded what every call uses.
    const ordinary = await fetch(`${base}/api/v1/applications/app_one/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ observations: [{ metric: 'requests', timestamp: new Date(Date.now() - 3_600_000).toISOString(), count: 5 }] }),
    })
    expect(ordinary.status).toBe(200)
    const idle = peakMemory()

    // 32 MB, the bulk limit: within the size this call accepts.
    const one = await sendDeep('/applications/app_one/metrics', 16 * MB, admin)
    expect(one.status).toBe(413)
    expect(await one.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining('is nested deeper than 64 levels at byte 64') })

    const several = await Promise.all([1, 2, 3].map(() => sendDeep('/applications/app_one/metrics', 16 * MB, admin)))
    expect(several.map((answer) => answer.status)).toEqual([413, 413, 413])
    // An auditor may start a report: 20 bodies of 1 MB (the limit of ordinary calls) at once.
    const reports = await Promise.all(Array.from({ length: 20 }, () => sendDeep('/organization/reports/jobs', MB / 2, auditor)))
    expect(reports.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 413))
    expect(await reports[0]!.json()).toMatchObject({ message: expect.stringContaining('nested deeper than 64 levels at byte 64') })

    expect((peakMemory() - idle) / MB).toBeLessThan(100)
    // And it still answers.
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  })
})
