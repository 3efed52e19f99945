/**
 * `govern serve`, run as the real command and stopped as an orchestrator stops it: SIGTERM while a
 * slow client is still sending a file, then (for those who will not wait) a second signal.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { statusOnNewConnection } from '../testing/new-connection'
import { inferenceRows, startSlowUpload } from '../testing/slow-upload'
import { caller, tempFolder } from '../testing/workspace'

const folder = tempFolder()
const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')
const db = folder.path('serve.sqlite')
let token: string
const children: ChildProcess[] = []

beforeAll(async () => {
  const engine = await openEngine(db)
  await caller(engine)('applications.create', { id: 'app_one', name: 'One' })
  token = (await engine.tokens.create({ name: 'pipeline', role: 'org_admin' })).secret
  await engine.close()
})
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  folder.remove()
})

interface Serving {
  child: ChildProcess
  base: string
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

async function serving(...args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve', '--db', db, '--port', '0', ...args], { cwd: root })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (piece: Buffer) => (stderr += piece.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (piece: Buffer) => {
      stdout += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(stdout)?.[1]
      if (url) resolve(url)
    })
    void exited.then(({ code }) => reject(new Error(`govern serve exited with ${code}: ${stdout}${stderr}`)))
  })
  return { child, base, stdout: () => stdout, stderr: () => stderr, exited }
}


async function untilConnectionsRefused(base: string): Promise<void> {
  // A guard against a hang, not a target.
  const deadline = Date.now() + 60_000
  while ((await statusOnNewConnection(`${base}/healthz`)) !== 'ECONNREFUSED') {
    if (Date.now() > deadline) throw new Error('govern serve still takes connections a minute after SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const uploadUrl = (base: string) => `${base}/api/v1/applications/app_one/inferences`

describe('govern serve on SIGTERM', () => {
  it('refuses new connections, finishes the request under way with 200, logs it, and exits 0', async () => {
    const serve = await serving()
    expect(serve.stdout()).toContain('Console (sign-in link for this run): http://127.0.0.1:')
    const upload = await startSlowUpload(uploadUrl(serve.base), token, inferenceRows(500))
    serve.child.kill('SIGTERM')
    await untilConnectionsRefused(serve.base)
    // Still running: the file is only half sent.
    expect(serve.child.exitCode).toBeNull()
    const answer = await upload.finish()
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ events: 501, duplicate_batch: false })
    expect(answer.headers.connection).toBe('close')
    expect(await serve.exited).toEqual({ code: 0, signal: null })

    // Lines Node itself might print (a runtime warning) are not the server's log.
    const logLines = serve.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'request', request_id: answer.headers['x-request-id'], method: 'POST', path: '/api/v1/applications/app_one/inferences', status: 200, actor_id: expect.any(String) }),
    )
    expect(logLines).toContainEqual(expect.objectContaining({ level: 'info', msg: expect.stringMatching(/^SIGTERM: refusing new connections; requests under way have 10 s/) }))
    expect(logLines.at(-1)).toMatchObject({ level: 'info', msg: 'stopped' })
    expect(serve.stderr()).not.toContain(token)
  })

  it('exits at once on a second signal, cutting what is still under way', async () => {
    // An hour's grace: a server that waited it out would outlast the test's hang guard, and
    // would exit 0 at its end; the second signal's exit is 143.
    const serve = await serving('--shutdown-grace', '3600')
    const upload = await startSlowUpload(uploadUrl(serve.base), token, inferenceRows(10))
    serve.child.kill('SIGTERM')
    await untilConnectionsRefused(serve.base)
    serve.child.kill('SIGTERM')
    expect(await serve.exited).toEqual({ code: 143, signal: null })
    await expect(upload.answer).rejects.toThrow()
  })
})
