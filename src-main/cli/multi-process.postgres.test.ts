/**
 * Two `govern serve` processes on one PostgreSQL database, as several instances run behind a
 * proxy. Both take changes that owe webhook alerts and attestation requests; one is killed with
 * SIGKILL while it delivers an alert. The other finishes everything: each owed alert recorded sent
 * once, the receiver given every one, the one in flight at the kill sent again under the same
 * delivery id, and both servers answer the same compliance.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOVERN_ENTRY, REPO_ROOT, runGovern } from '../testing/govern-cli'
import { testDatabases } from '../testing/postgres-database'

/** Short, so a claim the killed server held lapses within seconds (twice this). */
const WEBHOOK_TIMEOUT_S = 3
const APPLICATIONS = 30

interface Server {
  child: ChildProcess
  url: string
}

interface Delivery {
  id: string
  event: string
  body: string
}

const databases = testDatabases()
const servers: Server[] = []
let databaseUrl: string
let token: string

function serve(): Promise<Server> {
  const { GOVERN_DATABASE_URL: _ignored, ...env } = process.env
  const args = ['--import', 'tsx', GOVERN_ENTRY, 'serve', '--database-url', databaseUrl, '--port', '0', '--rate-limit', '0', '--webhook-timeout', String(WEBHOOK_TIMEOUT_S), '--webhook-allow', '127.0.0.1']
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (piece: Buffer) => {
      output += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output)?.[1]
      if (url) resolve({ child, url })
    })
    child.stderr!.on('data', (piece: Buffer) => (output += piece.toString()))
    child.once('exit', (code) => reject(new Error(`govern serve exited with ${code}: ${output}`)))
  })
}

async function api<T = unknown>(server: Server, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/**
 * A webhook receiver on loopback recording every delivery. When `holdNext` is set, the next
 * delivery is recorded but not answered until the test says, so it is in flight when its sender dies.
 */
function webhookReceiver() {
  const deliveries: Delivery[] = []
  let answerAfterMs = 10
  let holdNext: ((held: { request: IncomingMessage; answer: () => void }) => void) | undefined
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = ''
    request.on('data', (piece: Buffer) => (body += piece.toString()))
    request.on('end', () => {
      deliveries.push({ id: String(request.headers['x-governance-delivery']), event: (JSON.parse(body) as { event: string }).event, body })
      const answer = () => response.writeHead(200).end('ok')
      const hold = holdNext
      holdNext = undefined
      if (hold) hold({ request, answer })
      else setTimeout(answer, answerAfterMs)
    })
  })
  return {
    deliveries,
    /** How long each delivery is kept waiting for its answer: slow, there is work under way to kill. */
    answerAfter: (ms: number) => (answerAfterMs = ms),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    /** Resolves with the next delivery, left unanswered, and the way to answer it. */
    holdNextDelivery: () => new Promise<{ request: IncomingMessage; answer: () => void }>((resolve) => (holdNext = resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Which of `pids` holds the client end of a loopback connection from `port` to `serverPort`
 * (Linux: /proc). Both ends are matched: the kernel gives one local port to several connections
 * to different places (a server's to PostgreSQL among them).
 */
function processOnPort(port: number, serverPort: number, pids: readonly number[]): number | undefined {
  const hex = (value: number) => value.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields[1]?.endsWith(`:${hex(port)}`) && fields[2]?.endsWith(`:${hex(serverPort)}`)) inodes.add(fields[9]!)
    }
  }
  return pids.find((pid) => readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(/^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`))?.[1] ?? '')))
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path)
  } catch {
    return ''
  }
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows as T[]
  } finally {
    await client.end()
  }
}

async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const receiver = webhookReceiver()

beforeAll(async () => {
  databaseUrl = await databases.create()
  const { GOVERN_DATABASE_URL: _ignored, ...env } = process.env
  expect(runGovern(['migrate', '--database-url', databaseUrl], env).code).toBe(0)
  const created = runGovern(['token', 'create', '--database-url', databaseUrl, '--name', 'multi-process'], env)
  expect(created.code).toBe(0)
  token = created.out.trim()
  servers.push(...(await Promise.all([serve(), serve()])))
})

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL')
  await receiver.close()
})

describe('two servers on one PostgreSQL database, one killed mid-delivery', () => {
  it('sends every owed alert once, recognisably the same when sent again, and answers the same compliance from both', async () => {
    const hook = await receiver.listen()
    const [first, second] = servers as [Server, Server]
    const both = (index: number) => servers[index % 2]!

    // Set-up through both servers: a reviewer, a monthly sign-off, two policies with the webhook.
    const reviewer = await api<{ id: string }>(first, 'POST', '/users', { name: 'Rita Reviewer', email: 'rita@example.com', role: 'reviewer' })
    const rule = await api<{ id: string }>(second, 'POST', '/organization/attestation-rules', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: reviewer.id }], notes_required: false, blocking: 'warn' })
    const policies = await Promise.all(
      ['Personal data', 'Toxicity'].map((name, index) =>
        api<{ id: string }>(both(index), 'POST', '/organization/policies', {
          name,
          enforcement_delay_days: 0,
          notification_webhook: hook,
          alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }],
          attestation_rule_ids: [rule.id],
          scope: { apply_to_all: true },
        }),
      ),
    )
    const ids = Array.from({ length: APPLICATIONS }, (_, i) => `app_multi${i}`)
    await Promise.all(ids.map((id, i) => api(both(i), 'POST', '/applications', { id, name: `Multi ${i}`, tags: ['production'] })))

    // Every application breaches both policies, through either server: an alert owed per gap.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
    receiver.answerAfter(100)
    await Promise.all(ids.map((id, i) => api(both(i), 'POST', `/applications/${id}/metrics`, { batch_id: `breach-${id}`, observations: [{ metric: 'pii', timestamp: hourAgo, count: 20, total: 100 }] })))

    // Alerts are still going out, slowly. The next one is held unanswered and its sender, which
    // holds a claimed batch, is killed.
    const inFlight = await Promise.race([receiver.holdNextDelivery(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no delivery was under way to interrupt')), 20_000))])
    const victimPid = processOnPort(inFlight.request.socket.remotePort!, inFlight.request.socket.localPort!, servers.map((server) => server.child.pid!))
    expect(victimPid).toBeDefined()
    const victim = servers.find((server) => server.child.pid === victimPid)!
    const survivor = victim === first ? second : first
    const exited = new Promise((resolve) => victim.child.once('exit', resolve))
    victim.child.kill('SIGKILL')
    await exited
    const inFlightId = String(inFlight.request.headers['x-governance-delivery'])
    inFlight.answer()
    receiver.answerAfter(10)
    const claimed = await query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE sent_at IS NULL AND claimed_until > $1`, [new Date().toISOString()])
    expect(Number(claimed[0]!.n)).toBeGreaterThan(0)

    // The survivor carries on: a sign-off, and every application recovers (gap.resolved owed).
    await api(survivor, 'POST', `/organization/policies/${policies[0]!.id}/attestations`, { policy_id: policies[0]!.id, status: 'compliant', notes: 'Reviewed after the outage.' })
    const twoHoursAgo = new Date(Date.now() - 7_200_000).toISOString()
    for (const id of ids) await api(survivor, 'POST', `/applications/${id}/metrics`, { batch_id: `recover-${id}`, observations: [{ metric: 'pii', timestamp: twoHoursAgo, count: 0, total: 100_000 }] })

    const owedGaps = APPLICATIONS * policies.length
    await waitFor(
      'every gap to open and resolve with its alerts sent',
      async () => {
        const [row] = await query<{ resolved: string; unsent: string }>(`SELECT (SELECT count(*) FROM gaps WHERE alerted_resolved_at IS NOT NULL) AS resolved, (SELECT count(*) FROM notifications WHERE sent_at IS NULL) AS unsent`)
        return Number(row!.resolved) === owedGaps && Number(row!.unsent) === 0
      },
      60_000,
    )

    // Exactly one notification per owed event, each recorded sent once.
    const notifications = await query<{ id: number; event: string; attempts: number; sent_at: string | null }>(`SELECT id, event, attempts, sent_at FROM notifications ORDER BY id`)
    const count = (event: string) => notifications.filter((n) => n.event === event).length
    const requests = await query<{ policy_id: string; attestation_rule_id: string; period_index: number }>(`SELECT policy_id, attestation_rule_id, period_index FROM attestation_requests`)
    expect(requests).toHaveLength(policies.length)
    expect(new Set(requests.map((r) => `${r.policy_id}|${r.attestation_rule_id}|${r.period_index}`)).size).toBe(policies.length)
    expect(count('attestation.requested')).toBe(policies.length)
    expect(count('attestation.submitted')).toBe(1)
    expect(count('gap.opened')).toBe(owedGaps)
    expect(count('gap.resolved')).toBe(owedGaps)
    expect(await query(`SELECT application_id, policy_id, requirement, count(*) FROM gaps GROUP BY 1, 2, 3 HAVING count(*) > 1`)).toEqual([])
    expect(notifications.every((n) => n.sent_at !== null)).toBe(true)

    // The receiver had every one; the only repeat is the delivery in flight at the kill, under the same id and body.
    const [{ id: workspace }] = (await query<{ id: string }>(`SELECT id FROM workspace_identity`)) as [{ id: string }]
    const owedIds = notifications.map((n) => `${workspace}:${n.id}`)
    const distinct = new Set(receiver.deliveries.map((d) => d.id))
    expect([...distinct].sort()).toEqual([...owedIds].sort())
    expect(distinct.size).toBe(notifications.length)
    const repeats = receiver.deliveries.filter((d, index) => receiver.deliveries.findIndex((other) => other.id === d.id) !== index)
    expect(repeats.map((d) => d.id)).toEqual([inFlightId])
    expect(new Set(receiver.deliveries.filter((d) => d.id === inFlightId).map((d) => d.body)).size).toBe(1)

    // A new server beside the survivor answers the same evaluation, to the byte.
    const startedAt = new Date().toISOString()
    const replacement = await serve()
    servers.push(replacement)
    // It evaluates everything as it starts; compared after that, both read the same stored statuses.
    await waitFor('the new server to evaluate as it starts', async () => (await query<{ at: string }>(`SELECT min(evaluated_at) AS at FROM compliance_current`))[0]!.at >= startedAt, 30_000)
    const fromSurvivor = await api(survivor, 'GET', '/organization/policies/compliance')
    const fromReplacement = await api(replacement, 'GET', '/organization/policies/compliance')
    expect(fromReplacement).toEqual(fromSurvivor)
    // An application's answer is stamped with the moment asked (`as_of`); the rest must agree.
    const applicationAnswer = async (server: Server, id: string) => ({ ...(await api<Record<string, unknown>>(server, 'GET', `/applications/${id}/compliance`)), as_of: undefined })
    for (const id of ids.slice(0, 5)) expect(await applicationAnswer(replacement, id)).toEqual(await applicationAnswer(survivor, id))
  }, 150_000)
})
