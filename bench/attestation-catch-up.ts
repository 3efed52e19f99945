/**
 * Attestations after a year closed: 1,000 applications under 4 policies with one monthly
 * attestation rule each, the workspace left unopened for a year. Opening it issues the 52 requests
 * the year held (13 periods × 4 rules: twelve months, and the period just begun), marks those past
 * their deadline overdue with their escalations
 * and reminders, and re-evaluates every application, which now shows Attestation Overdue.
 * Target: ≤ 200 ms. The bare baseline, measured in the same run, writes the same rows the plainest
 * way: the 52 request rows and one status row per application and policy, in one transaction of
 * prepared statements.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { ManualClock } from '../src-main/engine/clock'
import { openEngineParts } from '../src-main/engine/engine'
import { caller } from '../src-main/testing/workspace'
import { writeSteadyMonitoringData } from './steady-monitoring-data'

const APPLICATIONS = 1000
const POLICIES = 4
const RUNS = 5
const YEAR_MS = 365 * 86_400_000
const appId = (i: number) => `app_${String(i).padStart(4, '0')}`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-attest-'))
  const template = join(folder, 'template.sqlite')
  const now = Date.now()
  const published = new Date(now - YEAR_MS - 3_600_000)
  {
    const { engine, evaluator } = await openEngineParts(template, { clock: new ManualClock(published) })
    const call = caller(engine)
    const owner = await engine.owner()
    for (let i = 0; i < APPLICATIONS; i++) await call('applications.create', { id: appId(i), name: `Application ${i}` })
    const metrics = ['pii', 'toxicity', 'error_rate', 'hallucination'] as const
    for (let p = 0; p < POLICIES; p++) {
      const rule = await call('attestationRules.create', { name: `Monthly sign-off ${p + 1}`, frequency: 'monthly', reviewers: [{ type: 'user', id: owner.id }], deadline_days: 7 })
      await call('policies.create', {
        name: `Policy ${p + 1}`,
        alert_rules: [{ metric: metrics[p]!, operator: '>', threshold: 5, severity: 'critical' }],
        attestation_rule_ids: [rule.id],
        scope: { apply_to_all: true },
      })
    }
    await evaluator.drain()
    await engine.close()
  }
  // A day of passing data up to now, so every automated check passes and only the sign-offs are late.
  writeSteadyMonitoringData(template, Array.from({ length: APPLICATIONS }, (_, i) => appId(i)), new Set(['pii', 'toxicity', 'error_rate', 'hallucination']), 24, 0)

  const engineRuns: number[] = []
  const bareRuns: number[] = []
  let requests = 0
  let overdue = 0
  for (let run = 0; run <= RUNS; run++) {
    const file = join(folder, `run-${run}.sqlite`)
    copyFileSync(template, file)
    const { engine, evaluator, context } = await openEngineParts(file, { clock: new ManualClock(new Date(now)) })
    const start = process.hrtime.bigint()
    await evaluator.drain()
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    requests = Number((await context.db.selectFrom('attestation_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    overdue = Number((await context.db.selectFrom('compliance_current').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'attestation_overdue').executeTakeFirstOrThrow()).n)
    await engine.close()
    if (run > 0) engineRuns.push(ms)

    // The bare baseline: the same number of request rows and status rows, written plainly.
    const bare = join(folder, `bare-${run}.sqlite`)
    const sqlite = new BetterSqlite3(bare)
    sqlite.exec('CREATE TABLE requests (id TEXT PRIMARY KEY, policy_id TEXT, period_index INTEGER, period_start TEXT, due_at TEXT, UNIQUE (policy_id, period_index)); CREATE TABLE statuses (application_id TEXT, policy_id TEXT, status TEXT, results TEXT, PRIMARY KEY (application_id, policy_id))')
    const insertRequest = sqlite.prepare('INSERT INTO requests VALUES (?, ?, ?, ?, ?)')
    const upsertStatus = sqlite.prepare('INSERT OR REPLACE INTO statuses VALUES (?, ?, ?, ?)')
    const bareStart = process.hrtime.bigint()
    sqlite.transaction(() => {
      for (let p = 0; p < POLICIES; p++) for (let k = 0; k < 13; k++) insertRequest.run(`atq_${p}_${k}`, `pol_${p}`, k, new Date(now).toISOString(), new Date(now).toISOString())
      for (let i = 0; i < APPLICATIONS; i++) for (let p = 0; p < POLICIES; p++) upsertStatus.run(appId(i), `pol_${p}`, 'attestation_overdue', '[["pass",0.05,1000,null,null]]')
    })()
    if (run > 0) bareRuns.push(Number(process.hrtime.bigint() - bareStart) / 1e6)
    sqlite.close()
  }
  rmSync(folder, { recursive: true, force: true })

  const engineMs = median(engineRuns)
  const bareMs = median(bareRuns)
  console.log(`attestations after a year closed: ${APPLICATIONS} applications × ${POLICIES} policies, ${requests} requests issued, ${overdue} application statuses Attestation Overdue`)
  console.log(
    `catch-up (issue requests, overdue, escalations, reminders, re-evaluate every application): median ${engineMs.toFixed(0)} ms of ${RUNS} runs (${Math.min(...engineRuns).toFixed(0)}–${Math.max(...engineRuns).toFixed(0)}; target ≤ 200 ms); bare writes of the same rows ${bareMs.toFixed(1)} ms; ratio ${(engineMs / bareMs).toFixed(1)}x ${engineMs <= 200 ? '✔' : '✘'}`,
  )
}

void main()
