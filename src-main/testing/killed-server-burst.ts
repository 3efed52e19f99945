/**
 * `govern serve` killed with SIGKILL while a burst of changes sent with Idempotency-Keys is in
 * flight, then started again and sent every one of them again, as a client that lost its answers
 * does. Each request of the burst ends one of three ways, and the retry shows which:
 *  - answered before the kill: the retry gets that answer again (the same ids), Idempotent-Replayed;
 *  - applied, its answer lost with the process: the retry gets the answer kept with the change,
 *    Idempotent-Replayed, and it matches the record the change made;
 *  - never applied: the retry applies it.
 * Never a 409, never a change applied twice. Kill moments follow a seed, printed with a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'vitest'
import { seededRandom } from '../engine/seeded-random'
import { GOVERN_ENTRY, REPO_ROOT } from './govern-cli'

export interface BurstOptions {
  /** `govern serve`'s arguments naming the workspace: --db FILE, or --database-url URL. */
  workspace: string[]
  /** An org admin's API token on it. */
  token: string
  seed: string
  rounds: number
  /** Sent all at once in each round; the server is killed after some of them are answered. */
  requestsPerRound: number
}

/** How the requests of all rounds ended, as their retries showed. */
export interface BurstOutcome {
  answered: number
  appliedAnswerLost: number
  notApplied: number
}

/** The kill follows the answer it waits for by up to this long: about the time a few changes take. */
const KILL_JITTER_MS = 25

interface Change {
  key: string
  path: string
  body: { name: string } & Record<string, unknown>
  /** Where the record it makes is read, by its id. */
  recordPath: string
}

type Ending = { received: true; status: number; body: { id: string } & Record<string, unknown> } | { received: false; error: string }

interface Server {
  child: ChildProcess
  url: string
  exited: Promise<void>
}

/** A burst's applications and policies: a policy covers the applications tagged 'burst', so creates of either touch both. */
function changesOf(seed: string, round: number, count: number): Change[] {
  return Array.from({ length: count }, (_, index) => {
    const key = `burst-${seed}-${round}-${index}`
    if (index % 3 === 2) {
      const body = { name: `Burst policy ${round}.${index}`, alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'high' }], scope: { apply_to_all: false, tags: ['burst'], application_ids: [] } }
      return { key, path: '/organization/policies', body, recordPath: '/organization/policies/' }
    }
    return { key, path: '/applications', body: { name: `Burst app ${round}.${index}`, tags: ['burst'] }, recordPath: '/applications/' }
  })
}

function serve(options: BurstOptions): Promise<Server> {
  const { GOVERN_DATABASE_URL: _ignored, ...env } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', GOVERN_ENTRY, 'serve', ...options.workspace, '--port', '0', '--rate-limit', '0'], { cwd: REPO_ROOT, env })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (piece: Buffer) => {
      output += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output)?.[1]
      if (url) resolve({ child, url, exited })
    })
    child.stderr!.on('data', (piece: Buffer) => (output += piece.toString()))
    void exited.then(() => reject(new Error(`govern serve exited before serving: ${output}`)))
  })
}

async function send(server: Server, token: string, change: Change): Promise<Ending & { replayed?: boolean }> {
  try {
    const response = await fetch(`${server.url}/api/v1${change.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': change.key },
      body: JSON.stringify(change.body),
    })
    const body = JSON.parse(await response.text()) as { id: string }
    return { received: true, status: response.status, body, replayed: response.headers.get('idempotent-replayed') === 'true' }
  } catch (error) {
    return { received: false, error: String(error) }
  }
}

async function read<T>(server: Server, token: string, path: string): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status, `GET ${path}`).toBe(200)
  return (await response.json()) as T
}

/** Runs the burst's rounds on the workspace; answers how its requests ended. */
export async function killDuringBurstAndRetry(options: BurstOptions): Promise<BurstOutcome> {
  const random = seededRandom(options.seed)
  const outcome: BurstOutcome = { answered: 0, appliedAnswerLost: 0, notApplied: 0 }
  let server = await serve(options)
  try {
    for (let round = 0; round < options.rounds; round++) {
      const context = `seed ${options.seed}, round ${round}`
      const changes = changesOf(options.seed, round, options.requestsPerRound)
      // Killed once this many are answered: at least one, never all.
      const killAfter = 1 + Math.floor(random() * (options.requestsPerRound - 1))
      let answered = 0
      let killNow!: () => void
      const enoughAnswered = new Promise<void>((resolve) => (killNow = resolve))
      const endings = Promise.all(
        changes.map(async (change) => {
          const ending = await send(server, options.token, change)
          if (ending.received && ++answered >= killAfter) killNow()
          return ending
        }),
      )
      await enoughAnswered
      // Then a moment within the next few changes, which may fall anywhere: in a transaction,
      // between a commit and its answer, or while an answer is on its way.
      await sleep(random() * KILL_JITTER_MS)
      server.child.kill('SIGKILL')
      await server.exited
      const firsts = await endings
      expect(firsts.filter((first) => first.received && first.status !== 201), `${context}: answered before the kill, and refused`).toEqual([])

      server = await serve(options)
      const retries = await Promise.all(changes.map((change) => send(server, options.token, change)))
      for (const [index, change] of changes.entries()) {
        const first = firsts[index]!
        const retry = retries[index]!
        const about = `${context}, ${change.body.name}`
        expect(retry.received && retry.status, `${about}: the retry (${JSON.stringify(retry)})`).toBe(201)
        if (!retry.received) continue
        if (first.received) {
          outcome.answered++
          expect(retry.replayed, `${about}: answered before the kill, so replayed`).toBe(true)
          expect(retry.body, `${about}: the retry's answer is the first answer`).toEqual(first.body)
        } else if (retry.replayed) {
          outcome.appliedAnswerLost++
          const record = await read<Record<string, unknown>>(server, options.token, `${change.recordPath}${retry.body.id}`)
          expect(retry.body, `${about}: the kept answer is the record it made`).toMatchObject({ id: record.id, name: change.body.name, created_at: record.created_at })
        } else {
          outcome.notApplied++
          expect(retry.body.name).toBe(change.body.name)
        }
      }
      // Each change is there once: a second one of a name would have been refused, or made twice.
      const applications = await read<{ applications: Array<{ name: string }> }>(server, options.token, `/applications?search=${encodeURIComponent(`Burst app ${round}.`)}`)
      const policies = await read<{ policies: Array<{ name: string }> }>(server, options.token, '/organization/policies')
      const made = [...applications.applications, ...policies.policies.filter((policy) => policy.name.startsWith(`Burst policy ${round}.`))].map((record) => record.name).sort()
      expect(made, `${context}: each change applied once`).toEqual(changes.map((change) => change.body.name).sort())
    }
  } finally {
    server.child.kill('SIGKILL')
    await server.exited
  }
  return outcome
}
