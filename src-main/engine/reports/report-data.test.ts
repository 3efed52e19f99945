import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { PackageManifest } from '../../../src-shared/domain/reports'
import { verifyPackageBytes } from '../audit/package-verification'
import { pdfPages } from '../../testing/pdf-text'
import { formatTime, statusLabel } from './report-text'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { caller } from '../../testing/workspace'
import { failure } from '../../testing/refusal'
import { ComplianceQueries } from '../compliance/compliance-queries'
import { generateReport, type Progress } from './report-files'

const fixture = freshEngineForEachTest('report-data', '2026-03-01T10:00:00.000Z')
const HOUR = 3_600_000

/** Three applications under two policies; a breach that opens a gap, then clears; a sign-off with an exception. */
async function history() {
  const { call, clock } = fixture
  await call('applications.create', { id: 'app_chat', name: 'Chat Assistant', tags: ['external-facing'] })
  await call('applications.create', { id: 'app_claims', name: 'Claims Triage', tags: ['external-facing', 'customer-data'] })
  await call('applications.create', { id: 'app_wiki', name: 'Wiki Search' })
  const rule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: 'usr_owner' }] })
  const pii = await call('policies.create', {
    name: 'Customer Data',
    enforcement_delay_days: 0,
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: ['customer-data'], application_ids: ['app_chat'] },
  })
  const health = await call('policies.create', {
    name: 'Health',
    enforcement_delay_days: 0,
    alert_rules: [
      { metric: 'error_rate', operator: '>', threshold: 5, severity: 'high' },
      { metric: 'pii', operator: '>', threshold: 2, severity: 'medium' },
    ],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })
  const send = (id: string, piiCount: number, errors: number, total = 100) =>
    call('metrics.ingest', {
      id,
      observations: [
        { metric: 'pii', timestamp: new Date(clock.now().getTime() - HOUR / 2).toISOString(), count: piiCount, total },
        { metric: 'error_rate', timestamp: new Date(clock.now().getTime() - HOUR / 2).toISOString(), count: errors, total: 100 },
      ],
    })
  await send('app_chat', 5, 0)
  await send('app_claims', 0, 0)
  await send('app_wiki', 0, 9)
  await call('compliance.evaluate', {})
  const breached = clock.now().toISOString()
  clock.advance(2 * HOUR)
  // Enough clean traffic that the day's PII rate falls back under both thresholds.
  await send('app_chat', 0, 0, 10_000)
  await call('compliance.evaluate', {})
  clock.advance(HOUR)
  await call('attestations.submit', {
    id: pii.id,
    status: 'compliant_with_exceptions',
    exceptions: [{ application_id: 'app_claims', requirement: 'pii', justification: 'Vendor fix due in March', expiry_date: '2026-04-01' }],
  })
  clock.advance(HOUR)
  return { pii, health, breached }
}

async function gather(scope: { policy_id?: string; application_id?: string; as_of?: string }) {
  const { gatherReport } = await import('./report-data')
  return gatherReport(fixture.context.db, new ComplianceQueries(fixture.context, fixture.evaluator), scope)
}

describe('the report’s data', () => {
  it('says what the API says, for now and for a past moment', async () => {
    const { breached } = await history()
    for (const as_of of [undefined, breached]) {
      const report = await gather({ as_of })
      const overview = await fixture.call('compliance.overview', as_of ? { as_of } : {})
      expect(report.summary.application_counts).toEqual(overview.application_counts)
      for (const app of report.applications) {
        const answered = await fixture.call('compliance.application', { id: app.id, ...(as_of ? { as_of } : {}) })
        expect(app.status).toBe(answered.status)
        expect(app.policies.map((p) => [p.policy_id, p.status, p.requirements.map((r) => r.outcome)])).toEqual(answered.policies.map((p) => [p.policy_id, p.status, p.requirements.map((r) => r.outcome)]))
      }
      const gaps = await fixture.call('gaps.list', { limit: 10_000, ...(as_of ? { as_of } : {}) })
      expect(report.gaps.map((gap) => [gap.id, gap.opened_at, gap.resolved_at]).sort()).toEqual(gaps.gaps.map((gap) => [gap.id, gap.opened_at, gap.resolved_at]).sort())
    }
    // At the breach, Chat Assistant's gap was open; now it is resolved.
    const past = await gather({ as_of: breached })
    expect(past.applications.find((app) => app.id === 'app_chat')!.status).toBe('non_compliant')
    expect(past.gaps.filter((gap) => gap.application_id === 'app_chat').every((gap) => gap.resolved_at === null)).toBe(true)
    expect(past.attestations).toEqual([])
    const now = await gather({})
    expect(now.gaps.filter((gap) => gap.application_id === 'app_chat' && gap.requirement === 'pii').every((gap) => gap.resolved_at !== null)).toBe(true)
    expect(now.attestations).toHaveLength(1)
    expect(now.exceptions).toMatchObject([{ application_id: 'app_claims', requirement: 'pii', state: 'active', expiry_date: '2026-04-01' }])
  })

  it('narrows to one policy or one application, with the policy version in force and the rules each application carries', async () => {
    const { pii } = await history()
    const policy = await gather({ policy_id: pii.id })
    expect(policy.scope).toMatchObject({ kind: 'policy', policy_id: pii.id, policy_name: 'Customer Data' })
    expect(policy.applications.map((app) => app.id)).toEqual(['app_chat', 'app_claims'])
    expect(policy.policies.map((p) => [p.name, p.version])).toEqual([['Customer Data', 1]])
    const app = await gather({ application_id: 'app_chat' })
    expect(app.scope).toMatchObject({ kind: 'application', application_name: 'Chat Assistant' })
    expect(app.policies.map((p) => p.name)).toEqual(['Customer Data', 'Health'])
    // Two policies ask for pii: one rule, the stricter threshold, both sources.
    expect(app.rule_inventory.find((rule) => rule.requirement === 'pii')).toMatchObject({ threshold: 1, severity: 'critical', sources: [{ policy_name: 'Customer Data' }, { policy_name: 'Health' }] })
    expect(app.exceptions).toEqual([])
  })

  it('is the same twice for the same moment, and refuses a moment in the future or an unknown scope', async () => {
    await history()
    const at = fixture.clock.now().toISOString()
    expect(JSON.stringify(await gather({ as_of: at }))).toBe(JSON.stringify(await gather({ as_of: at })))
    expect(await failure(fixture.call('reports.preview', { as_of: '2030-01-01T00:00:00Z' }))).toMatchObject({ code: 'invalid_input', field: 'as_of' })
    expect(await failure(fixture.call('reports.preview', { policy_id: 'pol_nothing' }))).toMatchObject({ code: 'not_found', field: 'policy_id' })
    expect(await failure(fixture.call('reports.preview', { application_id: 'app_nothing' }))).toMatchObject({ code: 'not_found', field: 'application_id' })
  })
})

const bytesOf = (file: { content_base64: string }) => new Uint8Array(Buffer.from(file.content_base64, 'base64'))

describe('the exported report', () => {
  it('reads back from its PDF as the API answered for that moment: statuses, counts and gap times', async () => {
    const { breached } = await history()
    const file = await fixture.call('reports.compliance', { format: 'pdf', as_of: breached })
    expect(file).toMatchObject({ content_type: 'application/pdf', filename: `compliance-report-organization-${breached.slice(0, 19).replaceAll(':', '-')}Z.pdf` })
    const text = (await pdfPages(bytesOf(file))).join('\n')
    const gaps = (await fixture.call('gaps.list', { as_of: breached, limit: 100 })).gaps
    expect(gaps.length).toBeGreaterThan(0)
    expect(text).toContain(`Open gaps ${gaps.filter((gap) => gap.resolved_at === null).length}`)
    expect(text).toContain(`Resolved gaps ${gaps.filter((gap) => gap.resolved_at !== null).length}`)
    for (const gap of gaps) expect(text).toContain(formatTime(gap.opened_at))
    for (const id of ['app_chat', 'app_claims', 'app_wiki']) {
      const answered = await fixture.call('compliance.application', { id, as_of: breached })
      for (const policy of answered.policies) {
        // Each application × policy row: the application, the policy, and the status the API gave then.
        expect(text).toMatch(new RegExp(`${answered.application_name}[^]{0,400}${policy.policy_name}[^]{0,200}${statusLabel(policy.status)}`))
      }
    }
    const overview = await fixture.call('compliance.overview', { as_of: breached })
    expect(overview.application_counts.non_compliant).toBeGreaterThan(0)
  })

  it('packs a package whose manifest matches every file, the same tables each time, with each export in the audit trail', async () => {
    await history()
    await fixture.call('applications.create', { id: 'app_trap', name: '=HYPERLINK("http://evil.example","click")', tags: ['customer-data'] })
    const at = fixture.clock.now().toISOString()
    // Exported a minute later: each export is itself an audit event, after the report's moment.
    fixture.clock.advance(60_000)
    const first = bytesOf(await fixture.call('reports.compliance', { format: 'package', as_of: at }))
    fixture.clock.advance(60_000)
    const second = bytesOf(await fixture.call('reports.compliance', { format: 'package', as_of: at }))
    expect(verifyPackageBytes(first)).toMatchObject({ status: 'intact' })
    expect(verifyPackageBytes(second)).toMatchObject({ status: 'intact' })
    const [a, b] = [unzipSync(first), unzipSync(second)]
    for (const path of Object.keys(a).filter((name) => name.endsWith('.csv') || name.endsWith('.json') || name.endsWith('.jsonl'))) {
      if (path === 'manifest.json') continue
      expect(strFromU8(b[path]!), path).toBe(strFromU8(a[path]!))
    }
    const [ma, mb] = [PackageManifest.parse(JSON.parse(strFromU8(a['manifest.json']!))), PackageManifest.parse(JSON.parse(strFromU8(b['manifest.json']!)))]
    expect({ ...mb, generated_at: ma.generated_at, files: mb.files.filter((f) => f.path !== 'report.pdf') }).toEqual({ ...ma, files: ma.files.filter((f) => f.path !== 'report.pdf') })
    expect(ma.as_of).toBe(at)
    expect(ma.workspace_id).toMatch(/^ws_/)
    const applications = Object.entries(a).find(([path]) => path.startsWith('csv/applications'))![1]
    expect(strFromU8(applications)).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    // Two CSV exports of the same moment are the same bytes.
    const csv1 = await fixture.call('reports.compliance', { format: 'csv', as_of: at })
    const csv2 = await fixture.call('reports.compliance', { format: 'csv', as_of: at })
    expect(csv2.content_base64).toBe(csv1.content_base64)
    const exported = (await fixture.call('audit.list', { action: 'report.exported', limit: 10 })).events
    expect(exported).toHaveLength(4)
    expect(exported[0]!.after).toMatchObject({ format: 'csv', as_of: at, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), parameters: { format: 'csv', as_of: at } })
    const exports = (await fixture.call('reports.history', {})).exports
    expect(exports.map((entry) => entry.format)).toEqual(['csv', 'csv', 'package', 'package'])
  })

  it('runs in the background with progress, and a cancelled report records nothing', async () => {
    await history()
    const started = await fixture.call('reports.start', { format: 'pdf' })
    expect(started).toMatchObject({ state: 'running', format: 'pdf' })
    const cancelled = await fixture.call('reports.cancel', { id: started.id })
    expect(cancelled.state).toBe('cancelled')
    const job = await fixture.call('reports.start', { format: 'pdf', application_id: 'app_chat' })
    let state = job
    while (state.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 10))
      state = await fixture.call('reports.job', { id: job.id })
    }
    expect(state).toMatchObject({ state: 'done', result: { format: 'pdf', scope: { kind: 'application', application_id: 'app_chat' } } })
    const file = await fixture.call('reports.file', { id: job.id })
    expect(Buffer.from(file.content_base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
    expect((await fixture.call('reports.history', {})).exports.map((entry) => entry.id)).toEqual([job.id])
  })

  it('shows a job to the one who started it alone: to another who may export, it is not found, and the job still ends for its starter', async () => {
    await history()
    const gm = caller(fixture.engine, { actor: { id: 'usr_gina', name: 'Gina Manager', role: 'governance_manager' } })
    const admin = caller(fixture.engine, { actor: { id: 'usr_adam', name: 'Adam Admin', role: 'org_admin' } })
    const job = await gm('reports.start', { format: 'csv', application_id: 'app_chat' })
    for (const other of [admin, fixture.call]) {
      for (const name of ['reports.job', 'reports.file', 'reports.cancel'] as const) {
        const refused = await failure(other(name, { id: job.id }))
        expect({ code: refused.code, message: refused.message, field: refused.field }, name).toEqual({ code: 'not_found', message: `No report job with id ${job.id}`, field: 'id' })
      }
    }
    let state = await gm('reports.job', { id: job.id })
    while (state.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 10))
      state = await gm('reports.job', { id: job.id })
    }
    expect(state.state).toBe('done')
    expect(Buffer.from((await gm('reports.file', { id: job.id })).content_base64, 'base64').subarray(0, 2).toString()).toBe('PK')
    expect((await fixture.call('reports.history', {})).exports.map((entry) => entry.generated_by)).toEqual([{ id: 'usr_gina', name: 'Gina Manager' }])
  })

  it('tells its progress part by part while the PDF is drawn, counting up to its end', async () => {
    await history()
    const seen: Progress[] = []
    const compliance = new ComplianceQueries(fixture.context, fixture.evaluator)
    const facts = { generated_at: fixture.clock.now().toISOString(), generated_by: { id: 'owner', name: 'Olivia Owner' } }
    await generateReport(fixture.context.db, compliance, { format: 'package' }, facts, (progress) => seen.push(progress))
    const drawing = seen.filter((progress) => progress.activity.startsWith('Drawing the PDF, part'))
    expect(drawing.length).toBeGreaterThan(3)
    expect(drawing.at(-1)!.activity).toBe(`Drawing the PDF, part ${drawing.length} of ${drawing.length}`)
    seen.slice(1).forEach((progress, index) => expect(progress.done).toBeGreaterThanOrEqual(seen[index]!.done))
    seen.forEach((progress) => expect(progress.done).toBeLessThan(progress.total))
    expect(seen.at(-1)).toEqual({ done: seen.at(-1)!.total - 1, total: 3 + drawing.length, activity: 'Done' })
  })
})
