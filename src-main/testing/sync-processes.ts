/**
 * Desktops and their server as processes, for the SIGKILL sync property test: `govern serve` on a
 * workspace file, and desktop processes (sync-desktop-process.ts) called over a pipe. Both are
 * killed with SIGKILL and started again on the same files.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { contract, type Input, type Output, type ProcedureName } from '../../src-shared/api/contract'
import { ApiError, type ApiErrorBody } from '../../src-shared/api/errors'
import { GOVERN_ENTRY, REPO_ROOT } from './govern-cli'

const DESKTOP_SCRIPT = join(__dirname, 'sync-desktop-process.ts')

/** Lines a process wrote on stdout, and a way to wait for one. */
function lineReader(child: ChildProcess, onLine: (line: string) => void): void {
  let pending = ''
  child.stdout!.on('data', (piece: Buffer) => {
    pending += piece.toString()
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline))
      pending = pending.slice(newline + 1)
    }
  })
}

/** Called when the process ended before answering. */
export class ProcessDied extends Error {}

export class DesktopProcess {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (line: Record<string, unknown>) => void; reject: (error: Error) => void }>()
  private stderr = ''
  private readonly said = new Set<string>()
  private readonly sayers = new Map<string, () => void>()
  /** Resolves with how it ended: 'SIGKILL', another signal, or an exit code. */
  readonly exited: Promise<string>
  private file: string | undefined

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (piece: Buffer) => (this.stderr += piece.toString()))
    child.stdin!.on('error', () => undefined)
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)))
    void this.exited.then((how) => {
      for (const { reject } of this.waiting.values()) reject(new ProcessDied(`desktop on ${this.file} ended (${how}) before answering: ${this.stderr}`))
      this.waiting.clear()
    })
    lineReader(child, (line) => {
      if (!line.startsWith('{')) {
        this.said.add(line)
        this.sayers.get(line)?.()
        return
      }
      const answer = JSON.parse(line) as { id: number } & Record<string, unknown>
      this.waiting.get(answer.id)?.resolve(answer)
      this.waiting.delete(answer.id)
    })
  }

  /** Starts the process; it loads its code and waits to be told its workspace (`open`). */
  static load(): DesktopProcess {
    return new DesktopProcess(spawn(process.execPath, ['--import', 'tsx', DESKTOP_SCRIPT], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }))
  }

  private saying(word: string): Promise<void> {
    if (this.said.has(word)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.sayers.set(word, resolve)
      void this.exited.then((how) => reject(new ProcessDied(`desktop ended (${how}) before it was ${word}: ${this.stderr}`)))
    })
  }

  /** Opens the workspace file (made if new), once the code is loaded. */
  async open(file: string): Promise<this> {
    this.file = file
    await this.saying('loaded')
    this.child.stdin!.write(`${JSON.stringify({ file })}\n`)
    await this.saying('ready')
    return this
  }

  /** Calls a procedure as the desktop's owner; its refusal thrown as an ApiError, its death as ProcessDied. */
  async call<K extends ProcedureName>(procedure: K, input: Input<K>): Promise<Output<K>> {
    return (await this.callRaw(procedure, input)) as Output<K>
  }

  /** The command id of the change last recorded here for the server. */
  async newestCommand(): Promise<string> {
    return (await this.callRaw('outbox.newest', {})) as string
  }

  private async callRaw(procedure: string, input: unknown): Promise<unknown> {
    const id = this.nextId++
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.waiting.set(id, { resolve, reject }))
    this.child.stdin!.write(`${JSON.stringify({ id, procedure, input })}\n`)
    const result = await answer
    if (!result.ok) throw new ApiError(result.error as ApiErrorBody)
    return result.value
  }

  kill(): void {
    this.child.kill('SIGKILL')
  }
}

/**
 * Desktop processes loaded ahead of their turn: loading one (tsx, the engine, the contract) takes
 * most of a second, so the next is loading while the current one runs.
 */
export class DesktopProcesses {
  private readonly started: DesktopProcess[] = []
  private readonly spare: DesktopProcess[] = []

  constructor(private readonly ahead = 1) {}

  async open(file: string): Promise<DesktopProcess> {
    while (this.spare.length < 1 + this.ahead) {
      const desktop = DesktopProcess.load()
      this.spare.push(desktop)
      this.started.push(desktop)
    }
    return this.spare.shift()!.open(file)
  }

  /** Kills every process still alive, spares included. */
  async close(): Promise<void> {
    for (const desktop of this.started) desktop.kill()
    await Promise.all(this.started.map((desktop) => desktop.exited))
  }
}

/** `govern serve` on a workspace file, on a port of its own. */
export interface ServerProcess {
  url: string
  kill(): Promise<void>
  /** Stops it as an operator would (SIGTERM), letting it finish what it does. */
  stop(): Promise<void>
}

export function serveWorkspace(file: string): Promise<ServerProcess> {
  const { GOVERN_DATABASE_URL: _ignored, ...env } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', GOVERN_ENTRY, 'serve', '--db', file, '--port', '0', '--rate-limit', '0'], { cwd: REPO_ROOT, env })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ending = (signal: NodeJS.Signals) => async () => {
    child.kill(signal)
    await exited
  }
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (piece: Buffer) => {
      output += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output)?.[1]
      if (url) resolve({ url, kill: ending('SIGKILL'), stop: ending('SIGTERM') })
    })
    child.stderr!.on('data', (piece: Buffer) => (output += piece.toString()))
    void exited.then(() => reject(new Error(`govern serve exited before serving: ${output}`)))
  })
}

/** Calls a procedure on the server through its REST route, as a client of the API does. */
export async function callServer<K extends ProcedureName>(url: string, token: string, procedure: K, input: Input<K>): Promise<Output<K>> {
  const route = contract[procedure].rest
  if (!route) throw new Error(`${procedure} has no REST route`)
  const fields = { ...(input as Record<string, unknown>) }
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = fields[name]
    delete fields[name]
    return encodeURIComponent(String(value))
  })
  const withBody = route.method === 'POST' || route.method === 'PATCH'
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined)
  const query = withBody || entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([name, value]) => [name, String(value)])).toString()}`
  const response = await fetch(`${url}/api/v1${path}${query}`, {
    method: route.method,
    headers: { authorization: `Bearer ${token}`, ...(withBody ? { 'content-type': 'application/json' } : {}) },
    ...(withBody ? { body: JSON.stringify(fields) } : {}),
  })
  const body = (await response.json()) as unknown
  if (!response.ok) throw new ApiError(body as ApiErrorBody)
  return body as Output<K>
}
