import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { listApplications } from '../applications/applications'
import { listAuditEvents } from '../audit/audit'
import type { Area } from '../context'
import type { Engine } from '../engine'
import { listGroups, listUsers } from '../people/people'
import { runTaskStep, type TaskProgress } from '../resumable-tasks'
import { ENGINE_TESTS_ON_POSTGRES } from '../../testing/engine-database'
import { asOwner, caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { loadSampleWorkspace, SAMPLE_WORKSPACE_TASK, samplePortfolio, startSampleWorkspace } from './sample'

const folder = tempFolder()
afterAll(() => folder.remove())

const LOADED_AT = '2026-06-30T12:00:00.000Z'
/**
 * The sample's ninety days of buckets go to PostgreSQL over the network, about seven times slower
 * than into a file (14 s against 2 s on this machine alone, more beside other tests).
 */
const SLOWER = ENGINE_TESTS_ON_POSTGRES ? 5 : 1
/** A ceiling against a hang, not a target: a loaded machine may take minutes (bench/sample-workspace.ts times the load). */
const HANG_GUARD = 120_000 * SLOWER
/**
 * A load takes minutes on PostgreSQL beside the rest of the suite: there, a load and another
 * program writing between its steps are checked; that it is the same every time, resumes, reports
 * progress and refuses a used workspace is the engine's own logic, checked on a file.
 */
const itOnFiles = it.skipIf(ENGINE_TESTS_ON_POSTGRES)

/** What the console shows of a loaded sample, ids aside (they are random). */
async function sampleAsShown(engine: Engine) {
  const call = caller(engine)
  return {
    policies: (await call('policies.list', {})).policies.map((p) => [p.template_id, p.covered_application_count]),
    // Policy ids are random; everything else must match.
    compliance: (await call('compliance.organization', {})).policies.map(({ id: _id, ...policy }) => policy),
    trend: (await call('compliance.trend', { days: 90 })).points,
    gaps: (await call('gaps.list', { limit: 10_000 })).gaps.map(({ id: _id, policy_id: _policy, ...gap }) => gap),
    series: (await call('metrics.series', { id: 'app_support_assistant', metric: 'pii', from: '2026-04-01T00:00:00Z', to: '2026-06-30T12:00:00Z' })).points.length,
  }
}

async function loadedInOneGo(name: string) {
  const { engine, context } = await openTestEngine(folder.path(name), LOADED_AT)
  await loadSampleWorkspace(context, asOwner)
  const shown = await sampleAsShown(engine)
  await engine.close()
  return shown
}

describe('the sample workspace', () => {
  it('is the same portfolio every time, across teams and environments', () => {
    const portfolio = samplePortfolio()
    expect(samplePortfolio()).toEqual(portfolio)
    expect(portfolio.length).toBeGreaterThanOrEqual(20)
    expect(new Set(portfolio.map((app) => app.id)).size).toBe(portfolio.length)
    // Names are unique within an environment, as the console requires of every application.
    expect(new Set(portfolio.map((app) => `${app.environment}|${app.name.normalize('NFC').toLowerCase()}`)).size).toBe(portfolio.length)
    expect(new Set(portfolio.map((app) => app.environment))).toEqual(new Set(['production', 'staging', 'development']))
    expect(new Set(portfolio.map((app) => app.team)).size).toBeGreaterThanOrEqual(5)
  })

  it('loads into an empty workspace, with an audit event for each application', async () => {
    const { engine, context } = await openTestEngine(folder.path('sample.sqlite'))
    const result = await loadSampleWorkspace(context, asOwner)
    const apps = await listApplications(context.db)
    expect(apps).toHaveLength(result.applications_created)
    expect(apps.find((app) => app.id === 'app_support_assistant')).toMatchObject({ team: 'Customer Experience', environment: 'production' })
    const { events } = await listAuditEvents(context.db, { limit: 1000 })
    expect(events.filter((e) => e.action === 'application.created')).toHaveLength(apps.length)
    const people = await listUsers(context.db)
    expect(people.map((user) => user.role)).toEqual(expect.arrayContaining(['org_admin', 'governance_manager', 'reviewer', 'auditor']))
    expect((await listGroups(context.db)).map((group) => group.name).sort()).toEqual(['Governance Team', 'app-owners'])
    await engine.close()
  }, HANG_GUARD)

  itOnFiles('has about forty applications under the four templates, with ninety days of history generated the same way every time', async () => {
    const first = await loadedInOneGo('history-1.sqlite')
    expect(first.policies.map(([template]) => template).sort()).toEqual(['hardened_external', 'performance_monitored', 'sensitive_data', 'system_health'])
    expect(first.policies.find(([template]) => template === 'system_health')![1]).toBe(samplePortfolio().length)
    expect(samplePortfolio().length).toBeGreaterThanOrEqual(35)
    expect(first.trend).toHaveLength(90)
    // Hourly data from the start of the history to now.
    expect(first.series).toBe(90 * 24)
    const resolved = first.gaps.filter((gap) => gap.resolved_at !== null)
    const open = first.gaps.filter((gap) => gap.resolved_at === null)
    expect(resolved.length).toBeGreaterThan(5)
    expect(open.length).toBeGreaterThan(0)
    const statuses = new Set(first.compliance.flatMap((p) => p.gaps.map((g) => g.status)))
    expect(statuses).toEqual(new Set(['non_compliant', 'warning']))
    expect(await loadedInOneGo('history-2.sqlite')).toEqual(first)
  }, HANG_GUARD)

  itOnFiles('resumes where it stopped when the program is closed half-way, and ends as a load in one go does', async () => {
    const file = folder.path('resumed.sqlite')
    const first = await openTestEngine(file, LOADED_AT)
    const task = (await startSampleWorkspace(first.context, asOwner)).id
    for (let step = 0; step < 3; step++) expect(await runTaskStep(first.context, SAMPLE_WORKSPACE_TASK, task)).toBe(false)
    await first.engine.close()

    const second = await openTestEngine(file, LOADED_AT)
    const call = caller(second.engine)
    const stopped = (await call('workspace.info', {})).loading_sample!
    expect(stopped.done).toBeGreaterThanOrEqual(3)
    expect(stopped.done).toBeLessThan(stopped.total)
    // A running console finishes what was left.
    second.engine.startBackgroundWork()
    await vi.waitFor(async () => expect((await call('workspace.info', {})).loading_sample).toBeNull(), { timeout: HANG_GUARD, interval: 50 })
    const resumed = await sampleAsShown(second.engine)
    await second.engine.close()
    expect(resumed).toEqual(await loadedInOneGo('whole.sqlite'))
  }, HANG_GUARD)

  it('lets another program write between its steps rather than after it', async () => {
    const file = folder.path('shared.sqlite')
    const loader = await openTestEngine(file)
    // Another program on the same workspace: a connection of its own, waiting for the lock as any does.
    const other = await openTestEngine(file)
    const loading = loadSampleWorkspace(loader.context, asOwner)
    await vi.waitFor(async () => expect((await caller(other.engine)('workspace.info', {})).loading_sample?.done).toBeGreaterThan(0), { timeout: HANG_GUARD, interval: 10 })
    await other.engine.tokens.create({ name: 'ci', role: 'reviewer' })
    expect((await caller(other.engine)('workspace.info', {})).loading_sample).not.toBeNull()
    await loading
    await other.engine.close()
    await loader.engine.close()
  }, HANG_GUARD)

  itOnFiles('tells the console how far it has got, and announces what it wrote once, when it is done', async () => {
    const { engine, context } = await openTestEngine(folder.path('progress.sqlite'))
    const call = caller(engine)
    const notices: Area[][] = []
    engine.onChange(({ areas }) => notices.push([...areas].sort()))
    const loaded = loadSampleWorkspace(context, asOwner).then(() => true)
    const seen: TaskProgress[] = []
    do {
      const progress = (await call('workspace.info', {})).loading_sample
      if (progress) seen.push(progress)
      // A read of compliance meanwhile evaluates nothing and announces nothing: the task will.
      await call('compliance.overview', {})
    } while (!(await Promise.race([loaded, sleep(5, false)])))
    expect(seen.length).toBeGreaterThan(1)
    // One total throughout: each application's data, each day replayed (89 when loaded on the hour), the present.
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([samplePortfolio().length + 89 + 1]))
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b))
    expect(seen[0]!.activity).toMatch(/^Writing 90 days of hourly monitoring data: /)
    expect(seen.some((p) => p.activity.startsWith('Replaying each day’s evaluation'))).toBe(true)
    expect(notices.slice(0, -1)).toEqual(notices.slice(0, -1).map(() => ['audit', 'workspace']))
    expect(notices.at(-1)).toEqual(expect.arrayContaining(['applications', 'people', 'policies', 'metrics', 'compliance', 'workspace']))
    expect((await call('workspace.info', {})).loading_sample).toBeNull()
    await engine.close()
  }, HANG_GUARD)

  itOnFiles('refuses a workspace that already has applications, and adds nothing', async () => {
    const { engine, context } = await openTestEngine(folder.path('busy.sqlite'))
    await loadSampleWorkspace(context, asOwner)
    const before = await listApplications(context.db)
    await expect(loadSampleWorkspace(context, asOwner)).rejects.toMatchObject({ code: 'conflict' })
    expect(await listApplications(context.db)).toEqual(before)
    await engine.close()
  }, HANG_GUARD)
})
