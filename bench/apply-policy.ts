/**
 * Applying a template to 1,000 applications, and propagating a tightened threshold to all of them,
 * each against a bare better-sqlite3 baseline measured in the same run that writes the same rows
 * (rules, coverage and audit events) with prepared statements in one transaction.
 * Target: under 1 s each. Run with `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { defineTrailGuard } from '../src-main/engine/db/trail-guard'
import { openEngine } from '../src-main/engine/engine'
import { caller } from '../src-main/testing/workspace'

const APPLICATIONS = 1000

async function time<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await work()
  return [result, Number(process.hrtime.bigint() - start) / 1e6]
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-'))
  const engine = await openEngine(join(folder, 'apply.sqlite'))
  const call = caller(engine)
  for (let i = 0; i < APPLICATIONS; i++) {
    await call('applications.create', { id: `app_${String(i).padStart(4, '0')}`, name: `Application ${i}`, tags: [i % 2 ? 'production' : 'staging'] })
  }
  const [policy, applyMs] = await time(() => call('policies.createFromTemplate', { template_id: 'sensitive_data', scope: { apply_to_all: true } }))
  const tightened = policy.alert_rules.map((rule) => (rule.requirement === 'pii' ? { ...rule, threshold: 1 } : rule))
  const [, propagateMs] = await time(() => call('policies.update', { id: policy.id, alert_rules: tightened }))
  const rules = (await call('applications.rules', { id: 'app_0999' })).alert_rules
  if (rules.find((rule) => rule.requirement === 'pii')?.threshold !== 1) throw new Error('propagation did not reach app_0999')
  await engine.close()

  // The bare baseline: the same rows, written by hand-prepared statements in one transaction.
  const bare = new BetterSqlite3(join(folder, 'apply.sqlite'))
  // The trail's refusal asks a function only the console's connections define (db/trail-guard.ts).
  defineTrailGuard(bare)
  bare.exec('DELETE FROM application_rules; DELETE FROM policy_coverage')
  const insertRule = bare.prepare(
    `INSERT INTO application_rules (id, application_id, metric, direction, name, operator, threshold, severity, window_hours, no_data, sources_json, created_at, updated_at)
     VALUES (?, ?, ?, 'above', ?, '>', ?, 'critical', 24, 'pending', ?, ?, ?)`,
  )
  const insertCoverage = bare.prepare('INSERT INTO policy_coverage (policy_id, application_id, policy_version, applied_at, enforcement_starts_at) VALUES (?, ?, 1, ?, ?)')
  const insertAudit = bare.prepare(
    "INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json) VALUES (?, 'bench', 'bench', ?, 'application', ?, NULL, ?)",
  )
  const now = new Date().toISOString()
  const sources = JSON.stringify([{ policy_id: policy.id, policy_name: policy.name, operator: '>', threshold: 2, severity: 'critical' }])
  const [, bareApplyMs] = await time(() =>
    bare.transaction(() => {
      for (let i = 0; i < APPLICATIONS; i++) {
        const app = `app_${String(i).padStart(4, '0')}`
        insertCoverage.run(policy.id, app, now, now)
        insertAudit.run(now, 'policy.attached', app, JSON.stringify({ policy_id: policy.id }))
        for (const rule of policy.alert_rules) {
          insertRule.run(`rule_${app}_${rule.metric}`, app, rule.metric, rule.name, rule.threshold, sources, now, now)
          insertAudit.run(now, 'rule.materialised', app, JSON.stringify(rule))
        }
      }
    })(),
  )
  const updateRule = bare.prepare("UPDATE application_rules SET threshold = ?, sources_json = ?, updated_at = ? WHERE application_id = ? AND metric = 'pii'")
  const [, barePropagateMs] = await time(() =>
    bare.transaction(() => {
      for (let i = 0; i < APPLICATIONS; i++) {
        const app = `app_${String(i).padStart(4, '0')}`
        updateRule.run(1, sources, now, app)
        insertAudit.run(now, 'rule.updated', app, sources)
      }
    })(),
  )
  bare.close()
  rmSync(folder, { recursive: true, force: true })

  console.log(`apply a template to ${APPLICATIONS} applications: ${applyMs.toFixed(0)} ms (target < 1000 ms); bare baseline ${bareApplyMs.toFixed(0)} ms; ratio ${(applyMs / bareApplyMs).toFixed(2)}x`)
  console.log(`propagate a threshold change to ${APPLICATIONS} applications: ${propagateMs.toFixed(0)} ms (target < 1000 ms); bare baseline ${barePropagateMs.toFixed(0)} ms; ratio ${(propagateMs / barePropagateMs).toFixed(2)}x`)
}

void main()
