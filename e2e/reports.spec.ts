/**
 * Reports in the console, in Chromium against the real `govern serve`: a PDF and an audit package
 * exported from the Reports screen and caught as downloads, each the file the history lists (its
 * SHA-256), the package's manifest matching its files and verified by `govern audit verify`; and a
 * report cancelled half-way, which leaves nothing in the history.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { strFromU8, unzipSync } from 'fflate'
import { OWNER_USER_ID } from '../src-shared/domain/people'
import { PackageManifest } from '../src-shared/domain/reports'
import { choose, combobox, expect, test, type Console } from './console-fixture'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** An application breaching its policy's PII ceiling, and the policy, signed off with an exception. */
async function policyWithAGapAndASignOff(console: Console): Promise<{ policyName: string }> {
  await console.call('applications.create', { id: 'app_chat', name: 'Chat Assistant', tags: ['customer-data'] })
  await console.call('applications.create', { id: 'app_search', name: 'Search Ranker', tags: [] })
  const rule = await console.call('attestationRules.create', {
    name: 'PII sign-off',
    frequency: 'monthly',
    reviewers: [{ type: 'user', id: OWNER_USER_ID }],
    deadline_days: 10,
    escalation_path: [],
    notes_required: false,
    blocking: 'warn',
  })
  const policy = await console.call('policies.create', {
    name: 'Sensitive Data Watch',
    enforcement_delay_days: 0,
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: [], application_ids: ['app_chat'] },
    status: 'published',
  })
  await console.call('metrics.ingest', { id: 'app_chat', observations: [{ metric: 'pii', timestamp: new Date(Date.now() - 3_600_000).toISOString(), count: 10, total: 200 }] })
  await console.call('compliance.evaluate', {})
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  await console.call('attestations.submit', {
    id: policy.id,
    status: 'compliant_with_exceptions',
    notes: 'Accepted while the redaction ships.',
    exceptions: [{ application_id: 'app_chat', requirement: 'pii', justification: 'Redaction ships next sprint', expiry_date: expiry }],
  })
  return { policyName: 'Sensitive Data Watch' }
}

async function openReports(page: Page) {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Reports' }).click()
  await expect(page.getByRole('heading', { name: 'Reports', level: 2 })).toBeVisible()
}

/** Generates a report in `format` from the screen as it stands, and saves the download it makes. */
async function exportFromScreen(page: Page, testInfo: TestInfo, format: 'PDF' | 'Audit package'): Promise<{ bytes: Uint8Array; filename: string }> {
  await page.getByRole('radio', { name: format }).check()
  const downloading = page.waitForEvent('download', { timeout: 20_000 })
  const failed = page.getByRole('alert').filter({ hasText: 'The report could not be generated' })
  await page.getByRole('button', { name: `Generate ${format}` }).click()
  // A report that fails says why on the screen: fail with that rather than wait out the download.
  const download = await Promise.race([
    downloading,
    failed.waitFor({ timeout: 20_000 }).then(async () => {
      throw new Error(`The ${format} was not generated: ${await failed.innerText()}`)
    }),
  ])
  const path = testInfo.outputPath(download.suggestedFilename())
  await download.saveAs(path)
  return { bytes: new Uint8Array(readFileSync(path)), filename: download.suggestedFilename() }
}

/** The SHA-256 the history shows for `filename` (abbreviated on screen, whole in the cell's title). */
async function historySha256(page: Page, filename: string): Promise<string> {
  const row = page.getByTestId('export-row').filter({ hasText: filename })
  await expect(row).toHaveCount(1)
  return (await row.getByTestId('export-sha256').getAttribute('title'))!
}

test('a PDF exported from the Reports screen is a PDF, and the history lists it with its SHA-256', async ({ page, console }, testInfo) => {
  await policyWithAGapAndASignOff(console)
  await console.open(page)
  await openReports(page)

  // The summary before generating, as the engine states it: one application not covered, the sign-off and its exception.
  const { summary } = await console.call('reports.preview', {})
  expect([summary.not_covered, summary.attestations, summary.active_exceptions]).toEqual([1, 1, 1])
  for (const [testId, value] of Object.entries({
    'preview-count-compliant': summary.application_counts.compliant,
    'preview-count-non_compliant': summary.application_counts.non_compliant,
    'preview-not-covered': summary.not_covered,
    'preview-open-gaps': summary.open_gaps,
    'preview-resolved-gaps': summary.resolved_gaps,
    'preview-attestations': summary.attestations,
    'preview-active-exceptions': summary.active_exceptions,
  })) {
    await expect(page.getByTestId(testId), testId).toHaveText(new RegExp(`${value}$`))
  }
  await expect(page.getByRole('table', { name: 'Applications in each status, per policy' })).toContainText('Sensitive Data Watch (v1)')
  await expect(page.getByRole('img', { name: /^Compliance over time/ })).toBeVisible()

  const pdf = await exportFromScreen(page, testInfo, 'PDF')
  expect(strFromU8(pdf.bytes.subarray(0, 5))).toBe('%PDF-')
  expect(pdf.filename).toMatch(/^compliance-report-organization-.+\.pdf$/)
  expect(await historySha256(page, pdf.filename)).toBe(sha256(pdf.bytes))
  const row = page.getByTestId('export-row').filter({ hasText: pdf.filename })
  await expect(row).toContainText('Whole organisation')
  await expect(row).toContainText('PDF')
})

test('an audit package of one policy holds the files its manifest hashes, and govern audit verify accepts it against the workspace', async ({ page, console }, testInfo) => {
  const { policyName } = await policyWithAGapAndASignOff(console)
  await console.open(page)
  await openReports(page)
  await page.getByRole('radio', { name: 'One policy' }).check()
  await choose(combobox(page, 'Policy'), policyName)
  // The policy's application alone: the one it does not cover has left the summary.
  await expect(page.getByTestId('preview-not-covered')).toHaveText(/0$/)

  const zip = await exportFromScreen(page, testInfo, 'Audit package')
  expect(await historySha256(page, zip.filename)).toBe(sha256(zip.bytes))
  await expect(page.getByTestId('export-row').filter({ hasText: zip.filename })).toContainText(`Policy: ${policyName}`)

  const files = unzipSync(zip.bytes)
  const manifest = PackageManifest.parse(JSON.parse(strFromU8(files['manifest.json']!)))
  expect(manifest.scope.policy_name).toBe(policyName)
  expect(manifest.files.map((file) => file.path).sort()).toEqual(Object.keys(files).filter((path) => path !== 'manifest.json' && !path.endsWith('/')).sort())
  for (const file of manifest.files) {
    expect(sha256(files[file.path]!), file.path).toBe(file.sha256)
    expect(files[file.path]!.byteLength, file.path).toBe(file.size)
  }
  expect(strFromU8(files['report.pdf']!.subarray(0, 5))).toBe('%PDF-')

  // Checked against its manifest, and against the workspace the console has open.
  const verify = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'govern.js'), 'audit', 'verify', '--package', testInfo.outputPath(zip.filename), '--db', console.workspace], { encoding: 'utf8' })
  expect(verify.status, `${verify.stdout}\n${verify.stderr}`).toBe(0)
  expect(verify.stdout).toContain(`It matches the workspace ${console.workspace}`)
})

test('a report cancelled while it is generated reads cancelled, and nothing is added to the history', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await openReports(page)
  await page.getByRole('radio', { name: 'Audit package' }).check()

  const started = page.waitForResponse((response) => response.url().endsWith('/rpc/reports.start'))
  await page.getByRole('button', { name: 'Generate Audit package' }).click()
  const job = (await (await started).json()) as { id: string }
  await expect(page.getByRole('progressbar', { name: 'Generating the report' })).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()

  await expect(page.getByTestId('report-job')).toHaveAttribute('data-state', 'cancelled')
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled' })).toBeVisible()
  expect((await console.call('reports.job', { id: job.id })).state).toBe('cancelled')
  // Long enough for a report that ignored the cancel to have finished and been recorded.
  await page.waitForTimeout(1500)
  expect((await console.call('reports.history', {})).exports).toEqual([])
  await expect(page.getByTestId('export-row')).toHaveCount(0)
})
