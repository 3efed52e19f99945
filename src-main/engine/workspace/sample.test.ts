import { afterAll, describe, expect, it } from 'vitest'
import { listApplications } from '../applications/applications'
import { listAuditEvents } from '../audit/audit'
import { listGroups, listUsers } from '../people/people'
import { asOwner, openTestEngine, tempFolder } from '../testing'
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
    const { engine } = await openTestEngine(folder.path('sample.sqlite'))
    const result = await loadSampleWorkspace(engine.context, asOwner)
    const apps = await listApplications(engine.context.db)
    expect(apps).toHaveLength(result.applications_created)
    expect(apps.find((app) => app.id === 'app_support_assistant')).toMatchObject({ team: 'Customer Experience', environment: 'production' })
    const events = await listAuditEvents(engine.context.db, { limit: 1000 })
    expect(events.filter((e) => e.action === 'application.created')).toHaveLength(apps.length)
    const people = await listUsers(engine.context.db)
    expect(people.map((user) => user.role)).toEqual(expect.arrayContaining(['org_admin', 'governance_manager', 'reviewer', 'auditor']))
    expect((await listGroups(engine.context.db)).map((group) => group.name).sort()).toEqual(['Governance Team', 'app-owners'])
    await engine.close()
  })

  it('refuses a workspace that already has applications, and adds nothing', async () => {
    const { engine } = await openTestEngine(folder.path('busy.sqlite'))
    await loadSampleWorkspace(engine.context, asOwner)
    const before = await listApplications(engine.context.db)
    await expect(loadSampleWorkspace(engine.context, asOwner)).rejects.toMatchObject({ code: 'conflict' })
    expect(await listApplications(engine.context.db)).toEqual(before)
    await engine.close()
  })
})
