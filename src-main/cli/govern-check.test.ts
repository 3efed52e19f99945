/**
 * `govern check`: the deployment gate for a pipeline, run as the real command. Allowed and warned
 * exit 0, blocked exits 1 (an unknown application, 2), so a CI step can stop a deploy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine/engine'
import { caller, tempFolder } from '../testing/workspace'
import { runGovern } from '../testing/govern-cli'

const folder = tempFolder()
const db = folder.path('gate.sqlite')

const govern = (...args: string[]) => runGovern(args)

beforeAll(async () => {
  const engine = await openEngine(db)
  const call = caller(engine)
  const owner = await engine.owner()
  const rule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: owner.id }] })
  for (const id of ['app_ok', 'app_warn', 'app_bad']) await call('applications.create', { id, name: id })
  await call('policies.create', {
    name: 'Baseline',
    alert_rules: [
      { metric: 'pii', operator: '>', threshold: 1, severity: 'critical' },
      { metric: 'toxicity', operator: '>', threshold: 5, severity: 'medium' },
    ],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: true },
    enforcement_delay_days: 0,
  })
  const at = new Date(Date.now() - 10 * 60_000).toISOString()
  const send = (id: string, pii: number, toxicity: number) =>
    call('metrics.ingest', { id, observations: [{ metric: 'pii', timestamp: at, count: pii, total: 100 }, { metric: 'toxicity', timestamp: at, count: toxicity, total: 100 }] })
  await send('app_ok', 0, 0)
  await send('app_warn', 0, 30)
  await send('app_bad', 30, 0)
  await engine.settle()
  await engine.close()
})
afterAll(() => folder.remove())

describe('govern check', () => {
  it('exits 0 for allowed and warned, 1 for blocked, each with its reasons', () => {
    const allowed = govern('check', '--db', db, '--app', 'app_ok')
    expect(allowed).toMatchObject({ code: 0 })
    expect(allowed.out).toMatch(/^ALLOWED: app_ok/)
    const warned = govern('check', '--db', db, '--app', 'app_warn')
    expect(warned).toMatchObject({ code: 0 })
    expect(warned.out).toMatch(/^WARNED: app_warn/)
    expect(warned.out).toContain('warned · Baseline · toxicity')
    const blocked = govern('check', '--db', db, '--app', 'app_bad', '--json')
    expect(blocked.code).toBe(1)
    expect(JSON.parse(blocked.out)).toMatchObject({ decision: 'blocked', allowed: false, reasons: [{ decision: 'blocked', policy_name: 'Baseline', requirement: 'pii' }] })
  })

  it('exits 2 naming an application that does not exist', () => {
    const run = govern('check', '--db', db, '--app', 'app_ghost')
    expect(run.code).toBe(2)
    expect(run.err).toContain('app_ghost')
  })
})
