import { afterAll, describe, expect, it, vi } from 'vitest'
import { listApplications } from '../applications/applications'
import { listAuditEvents } from '../audit/audit'
import { listGroups, listUsers } from '../people/people'
import { asOwner, caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { loadSampleWorkspace, samplePortfolio } from './sample'

const folder = tempFolder()
afterAll(() => folder.remove())

describe('the sample workspace', () => {
  it('is the same portfolio every time, across teams and environments', () => {
    const portfolio = samplePortfolio()
    expect(samplePortfolio()).toEqual(portfolio)
    expect(portfolio.length).toBeGreaterThanOrEqual(20)
    expect(new Set(portfolio.map((app) => app.id)).size).toBe(portfolio.length)
    expect(new Set(portfolio.map((app) => app.environment))).toEqual(new Set(['production', 'staging', 'development']))
    expect(new Set(portfolio.map((app) => app.team)).size).toBeGreaterThanOrEqual(5)
  })

  it('loads into an empty workspace, with an audit event for each application', async () => {
    const { engine, context } = await openTestEngine(folder.path('sample.sqlite'))
    const result = await loadSampleWorkspace(context, asOwner)
    const apps = await listApplications(context.db)
    expect(apps).toHaveLength(result.applications_created)
    expect(apps.find((app) => app.id === 'app_support_assistant')).toMatchObject({ team: 'Customer Experience', environment: 'production' })
    const events = await listAuditEvents(context.db, { limit: 1000 })
    expect(events.filter((e) => e.action === 'application.created')).toHaveLength(apps.length)
    const people = await listUsers(context.db)
    expect(people.map((user) => user.role)).toEqual(expect.arrayContaining(['org_admin', 'governance_manager', 'reviewer', 'auditor']))
    expect((await listGroups(context.db)).map((group) => group.name).sort()).toEqual(['Governance Team', 'app-owners'])
    await engine.close()
  })

  it('has about forty applications under the four templates, with ninety days of history generated the same way every time', async () => {
    const load = async (name: string) => {
      const { engine, context } = await openTestEngine(folder.path(name), '2026-06-30T12:00:00.000Z')
      await loadSampleWorkspace(context, asOwner)
      const call = caller(engine)
      const result = {
        policies: (await call('policies.list', {})).policies.map((p) => [p.template_id, p.covered_application_count]),
        // Policy ids are random; everything else must match.
        compliance: (await call('compliance.organization', {})).policies.map(({ id: _id, ...policy }) => policy),
        trend: (await call('compliance.trend', { days: 90 })).points,
        gaps: (await call('gaps.list', { limit: 10_000 })).gaps.map(({ id: _id, policy_id: _policy, ...gap }) => gap),
        series: (await call('metrics.series', { id: 'app_support_assistant', metric: 'pii', from: '2026-04-01T00:00:00Z', to: '2026-06-30T12:00:00Z' })).points.length,
      }
      await engine.close()
      return result
    }
    const first = await load('history-1.sqlite')
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
    expect(await load('history-2.sqlite')).toEqual(first)
  }, 60_000)

  it('lets another program write between its steps rather than after it', async () => {
    const file = folder.path('shared.sqlite')
    const loader = await openTestEngine(file)
    // Another program on the same workspace: a connection of its own, waiting for the lock as any does.
    const other = await openTestEngine(file)
    const loading = loadSampleWorkspace(loader.context, asOwner)
    const underWay = async () => (await other.context.db.selectFrom('resumable_tasks').select('id').where('finished_at', 'is', null).executeTakeFirst()) !== undefined
    await vi.waitFor(async () => expect(await underWay()).toBe(true), { timeout: 20_000, interval: 10 })
    await other.engine.tokens.create({ name: 'ci', role: 'reviewer' })
    expect(await underWay()).toBe(true)
    await loading
    await other.engine.close()
    await loader.engine.close()
  }, 40_000)

  it('refuses a workspace that already has applications, and adds nothing', async () => {
    const { engine, context } = await openTestEngine(folder.path('busy.sqlite'))
    await loadSampleWorkspace(context, asOwner)
    const before = await listApplications(context.db)
    await expect(loadSampleWorkspace(context, asOwner)).rejects.toMatchObject({ code: 'conflict' })
    expect(await listApplications(context.db)).toEqual(before)
    await engine.close()
  })
})
