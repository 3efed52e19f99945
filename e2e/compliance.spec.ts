/**
 * Compliance in the console, in Chromium against the real `govern serve`: the Governance
 * Dashboard on the sample workspace, an application's detail, importing inference data with a
 * progress bar, and a bad file refused whole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startGovernServe, type GovernServer } from './govern-server'

let folder: string
let server: GovernServer | undefined

test.beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-compliance-'))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  rmSync(folder, { recursive: true, force: true })
})

async function rest<T>(running: GovernServer, method: string, path: string, body?: unknown): Promise<T> {
  const token = new URL(running.loginUrl).searchParams.get('token')
  const response = await fetch(`${running.origin}/api/v1${path}`, {
    method,
    // The current answer, as the console gets: an organisation-wide read asked plainly may be the
    // previous one, marked Answer-Stale, while a change made a moment ago is still being taken in.
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cache-control': 'no-cache' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status, `${method} ${path}`).toBeLessThan(300)
  return (await response.json()) as T
}

type Overview = { application_counts: Record<string, number>; applications: Array<{ status: string | null }> }

async function canvasIn(page: Page, label: string) {
  await expect(page.getByRole('img', { name: label }).locator('canvas').first()).toBeVisible()
}

test('the dashboard shows statuses, per-policy bars, the trend and the worst gaps of the sample, filters, and evaluates now', async ({ page }, testInfo) => {
  server = await startGovernServe(join(folder, 'dashboard.sqlite'))
  await page.goto(server.loginUrl)
  await page.getByRole('button', { name: 'Load sample workspace' }).click()
  await expect(page.getByTestId('compliance-row').first()).toBeVisible({ timeout: 30_000 })

  const overview = await rest<Overview>(server, 'GET', '/organization/compliance/overview')
  for (const [status, count] of Object.entries(overview.application_counts)) {
    await expect(page.getByTestId(`status-count-${status}`)).toContainText(String(count))
  }
  expect(overview.application_counts.non_compliant).toBeGreaterThan(0)
  await canvasIn(page, 'Compliance by policy')
  await canvasIn(page, 'Compliance over time')
  const gaps = page.getByRole('table', { name: 'Worst gaps' }).getByTestId('gap-row')
  await expect(gaps.first()).toBeVisible()
  await expect(gaps.first()).toContainText(/critical|high/)
  await page.getByText('90 days', { exact: true }).click()
  await canvasIn(page, 'Compliance over time')
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true })

  // Filter to the non-compliant applications only.
  await page.getByRole('combobox', { name: 'Status', exact: true }).click()
  await page.getByRole('option', { name: 'Non-Compliant', exact: true }).click()
  const rows = page.getByRole('table', { name: 'Application compliance' }).getByTestId('compliance-row')
  await expect(rows).toHaveCount(overview.application_counts.non_compliant!)
  for (const text of await rows.allTextContents()) expect(text).toContain('Non-Compliant')

  // Evaluate now brings "last evaluated" forward.
  const before = await page.getByTestId('last-evaluated').textContent()
  await page.waitForTimeout(1100)
  await page.getByRole('button', { name: 'Evaluate now' }).click()
  await expect(page.getByTestId('last-evaluated')).not.toHaveText(before!)

  // A row opens the application's detail, with each requirement's value and reason.
  await rows.first().getByRole('link').click()
  await expect(page.getByTestId('policy-compliance').first()).toBeVisible()
  await expect(page.getByTestId('requirement-reason').first()).toContainText(/over the 24 hours to|in the 7 days to|No .* data/)
  await expect(page.getByRole('table', { name: 'Gap timeline' }).getByTestId('gap-history-row').first()).toBeVisible()
})

test('inference data imported from the console shows progress, then moves the application’s status; a bad file changes nothing', async ({ page }, testInfo) => {
  server = await startGovernServe(join(folder, 'import.sqlite'))
  await rest(server, 'POST', '/applications', { id: 'app_chat', name: 'Chat Assistant', tags: ['customer-data'] })
  const policy = await rest<{ id: string }>(server, 'POST', '/organization/policies/from-template', { template_id: 'sensitive_data', scope: { tags: ['customer-data'] } })
  await rest(server, 'PATCH', `/organization/policies/${policy.id}`, { enforcement_delay_days: 0 })

  await page.goto(server.loginUrl)
  await page.getByRole('link', { name: 'Applications' }).click()
  await page.getByRole('link', { name: 'Chat Assistant', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Chat Assistant' })).toBeVisible()
  await expect(page.getByTestId('policy-compliance')).toContainText('Pending')

  // 200 inferences in the last hours, 5% of them flagged for PII.
  const now = Date.now()
  const lines = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({ timestamp: new Date(now - 3_600_000 + i * 1000).toISOString(), latency_ms: 500 + i, error: false, pii: i % 20 === 0, sensitive_data: false, credit_card: false, gov_id: false }),
  )
  const good = join(folder, 'events.jsonl')
  writeFileSync(good, `${lines.join('\n')}\n`)
  await page.getByRole('button', { name: 'Import inference data' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import inference data into Chat Assistant' })
  await dialog.locator('input[type="file"]').setInputFiles(good)
  await dialog.getByRole('button', { name: 'Import' }).click()
  await expect(dialog.getByTestId('import-result')).toContainText('200 events')
  await expect(dialog.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '100')
  await page.screenshot({ path: testInfo.outputPath('import.png') })
  await dialog.getByRole('button', { name: 'Done' }).click()

  const card = page.getByTestId('policy-compliance')
  await expect(card).toContainText('Non-Compliant')
  await expect(card.getByTestId('requirement-result').filter({ hasText: 'PII detection rate' })).toContainText('PII detection rate was 5% over the 24 hours to')
  const compliance = await rest<{ status: string; policies: Array<{ requirements: Array<{ requirement: string; value: number; volume: number }> }> }>(server, 'GET', '/applications/app_chat/compliance')
  expect(compliance.status).toBe('non_compliant')
  expect(compliance.policies[0]!.requirements.find((r) => r.requirement === 'pii')).toMatchObject({ value: 5, volume: 200 })

  // A file with one bad line: the error names it, and nothing is stored.
  const bad = join(folder, 'bad.jsonl')
  writeFileSync(bad, `${lines[0]}\n${lines[1]}\n{"timestamp": "${new Date(now - 1000).toISOString()}", "pii": "perhaps"}\n`)
  await page.getByRole('button', { name: 'Import inference data' }).click()
  await dialog.locator('input[type="file"]').setInputFiles(bad)
  await dialog.getByRole('button', { name: 'Import' }).click()
  await expect(dialog).toContainText('line 3, pii: must be true or false (got "perhaps")')
  const after = await rest<typeof compliance>(server, 'GET', '/applications/app_chat/compliance')
  expect(after.policies[0]!.requirements.find((r) => r.requirement === 'pii')).toMatchObject({ volume: 200 })
})
