/**
 * The console's shell and list screens end to end, in Chromium against the real `govern serve`
 * on the sample workspace: long names that must not break a table or the page, status and
 * severity badges read whole, sorting and filters kept in the URL, the command palette, keyboard
 * shortcuts and the skip link.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { startGovernServe, type GovernServer } from './govern-server'

/** 200 characters without a space: the longest name the engine accepts, and no place to wrap. */
const LONG_APPLICATION = `Claims${'x'.repeat(188)}Triage`
const LONG_POLICY = `Guardrails${'y'.repeat(190)}`

let folder: string
let server: GovernServer

async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = new URL(server.loginUrl).searchParams.get('token')
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method,
    // The current answer, as the console gets: an organisation-wide read asked plainly may be the
    // previous one, marked Answer-Stale, while a change made a moment ago is still being taken in.
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cache-control': 'no-cache' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status, `${method} ${path}`).toBeLessThan(300)
  return (await response.json()) as T
}

/** Signs in and opens a page of the console. */
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(server.loginUrl)
  await page.goto(`${server.origin}/${hash}`)
}

// One sample workspace for the file: loading it is the slow part, and the tests only read it
// (the long names are set up once, here).
test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000)
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-shell-'))
  server = await startGovernServe(join(folder, 'shell.sqlite'))
  const page = await browser.newPage()
  await page.goto(server.loginUrl)
  await page.getByRole('button', { name: 'Load sample workspace' }).click()
  await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible({ timeout: 60_000 })
  await page.close()

  // The applications with the worst gaps get the long name, so it shows on the dashboard too.
  const { gaps } = await rest<{ gaps: Array<{ application_id: string; severity: string }> }>('GET', '/organization/compliance/gaps?open=true')
  const failing = [...new Set(gaps.filter((gap) => gap.severity === 'critical').map((gap) => gap.application_id))]
  expect(failing.length).toBeGreaterThan(0)
  for (const [index, id] of failing.entries()) await rest('PATCH', `/applications/${id}`, { name: `${LONG_APPLICATION.slice(0, 197)}${String(index).padStart(3, '0')}` })
  await rest('POST', '/organization/policies/from-template', { template_id: 'system_health', name: LONG_POLICY })
})

test.afterAll(async () => {
  await server?.stop()
  rmSync(folder, { recursive: true, force: true })
})

async function pageFitsViewport(page: Page): Promise<void> {
  const { scrollWidth, viewport } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth }))
  expect(scrollWidth, 'the page is no wider than the window').toBeLessThanOrEqual(viewport)
}

/** The element is drawn, with some width, inside the window. */
async function inView(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox()
  const width = page.viewportSize()!.width
  expect(box, 'is drawn').not.toBeNull()
  expect(box!.width).toBeGreaterThan(10)
  expect(box!.x + box!.width).toBeLessThanOrEqual(width)
}

test('a 200-character unbroken name neither breaks the Applications or Policies table nor widens the page', async ({ page }) => {
  await open(page, '#/applications')
  const row = page.getByTestId('application-row').filter({ hasText: LONG_APPLICATION.slice(0, 40) }).first()
  await expect(row).toBeVisible()
  await pageFitsViewport(page)
  // The other columns keep their place beside it.
  await inView(page, row.getByRole('cell').nth(2))
  await inView(page, row.getByRole('button', { name: /^Edit / }))
  // The whole name is still the link's name, and shows in a tooltip where it is cut.
  const link = row.getByRole('link')
  await expect(link).toHaveAccessibleName(/^Claimsx{150,}Tri\d{3}$/)
  await link.hover()
  await expect(page.getByRole('tooltip')).toContainText(LONG_APPLICATION.slice(0, 60))

  await open(page, '#/policies')
  const policyRow = page.getByTestId('policy-row').filter({ hasText: LONG_POLICY.slice(0, 40) })
  await expect(policyRow).toBeVisible()
  await pageFitsViewport(page)
  await inView(page, policyRow.getByRole('cell').last())
  await expect(policyRow.getByRole('link', { name: LONG_POLICY })).toHaveAttribute('href', /^#\/policies\/pol_/)
})

/** Labels of status and severity badges whose text does not fit in them (ellipsis or cut). */
async function clippedLabels(scope: Locator): Promise<string[]> {
  return scope.locator('.mantine-Badge-label').evaluateAll((labels) =>
    labels
      .filter((label) => /^(critical|high|medium|low|compliant|warning|non-compliant|attestation overdue|pending|not covered|published|draft|archived)/i.test(label.textContent ?? ''))
      .filter((label) => label.scrollWidth > label.clientWidth || label.getBoundingClientRect().width < 1)
      .map((label) => label.textContent ?? ''),
  )
}

test('status and severity badges show their whole label, even beside a long name', async ({ page }) => {
  await open(page, '#/dashboard')
  const worstGaps = page.getByRole('table', { name: 'Worst gaps' })
  await expect(worstGaps.getByTestId('gap-row').first()).toBeVisible()
  await expect(worstGaps).toContainText(LONG_APPLICATION.slice(0, 30))
  await expect(worstGaps.locator('.mantine-Badge-label').filter({ hasText: /critical/i }).first()).toBeVisible()
  expect(await clippedLabels(worstGaps)).toEqual([])
  expect(await clippedLabels(page.getByRole('table', { name: 'Application compliance' }))).toEqual([])

  await open(page, '#/applications')
  const table = page.getByRole('table', { name: 'Applications' })
  await expect(table.locator('.mantine-Badge-label').filter({ hasText: 'Non-Compliant' }).first()).toBeVisible()
  expect(await clippedLabels(table)).toEqual([])
})

const names = (page: Page) => page.getByTestId('application-row').getByRole('link').allTextContents()

test('sorting and filters live in the URL: reload and Back keep them', async ({ page }) => {
  await open(page, '#/applications')
  await expect(page.getByTestId('application-row').first()).toBeVisible()
  await page.getByRole('combobox', { name: 'Team', exact: true }).click()
  await page.getByRole('option', { name: 'Claims', exact: true }).click()
  await expect(page).toHaveURL(/#\/applications\?.*team=Claims/)
  for (const text of await page.getByTestId('application-row').allTextContents()) expect(text).toContain('Claims')

  const nameHeader = page.getByRole('columnheader', { name: 'Name' })
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending')
  await nameHeader.getByRole('button').press('Enter')
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending')
  await expect(page).toHaveURL(/sort=name&order=desc|order=desc.*sort=name/)
  const descending = await names(page)
  expect(descending.length).toBeGreaterThan(1)
  expect(descending).toEqual([...descending].sort((a, b) => b.localeCompare(a, undefined, { numeric: true, sensitivity: 'base' })))

  await page.reload()
  await expect(page.getByRole('combobox', { name: 'Team', exact: true })).toHaveValue('Claims')
  await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending')
  await expect.poll(() => names(page)).toEqual(descending)

  // Into an application and back: the list is as it was left.
  await page.getByTestId('application-row').getByRole('link').first().click()
  await expect(page).toHaveURL(/#\/applications\/app_/)
  await page.goBack()
  await expect(page).toHaveURL(/team=Claims/)
  await expect.poll(() => names(page)).toEqual(descending)

  // A status filter, as a shared link would carry it.
  const overview = await rest<{ application_counts: Record<string, number> }>('GET', '/organization/compliance/overview')
  await open(page, '#/applications?status=non_compliant')
  await expect(page.getByTestId('application-row')).toHaveCount(overview.application_counts.non_compliant!)
  for (const text of await page.getByTestId('application-row').allTextContents()) expect(text).toContain('Non-Compliant')
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('Non-Compliant')
})

test('the command palette finds an application and opens it', async ({ page }) => {
  await open(page, '#/dashboard')
  await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible()
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await expect(palette).toBeVisible()
  await expect(palette.getByRole('combobox')).toBeFocused()
  await page.keyboard.type('order status')
  await expect(palette.getByRole('option', { name: /^Order Status Bot/ }).first()).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(page).toHaveURL(/#\/applications\/app_/)
  await expect(page.getByRole('heading', { name: 'Order Status Bot', level: 2 })).toBeVisible()
})

test('? lists the keyboard shortcuts, which work, but not while typing', async ({ page }) => {
  await open(page, '#/applications')
  await expect(page.getByTestId('application-row').first()).toBeVisible()
  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  for (const description of ['Open the command palette', 'Show keyboard shortcuts', 'Search the list on screen', 'Dashboard', 'Applications', 'Policies', 'Templates', 'Audit log', 'Settings']) {
    await expect(help.getByTestId('shortcut-row').filter({ hasText: description }).first()).toBeVisible()
  }
  await expect(help.getByTestId('shortcut-row').filter({ hasText: 'Policies' })).toContainText('gthenp')
  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()

  // `/` goes to the list's search; there `?` and `g` are just text.
  await page.keyboard.press('/')
  const search = page.getByRole('textbox', { name: 'Search' })
  await expect(search).toBeFocused()
  await page.keyboard.type('?gp')
  await expect(search).toHaveValue('?gp')
  await expect(help).toBeHidden()
  await expect(page).toHaveURL(/#\/applications/)

  await search.blur()
  await page.keyboard.press('g')
  await page.keyboard.press('p')
  await expect(page).toHaveURL(/#\/policies$/)
  await expect(page.getByRole('heading', { name: 'Policies', level: 2 })).toBeVisible()
})

test('the first Tab reaches "Skip to main content", which moves focus to the main content', async ({ page }) => {
  await open(page, '#/policies')
  await expect(page.getByRole('heading', { name: 'Policies', level: 2 })).toBeVisible()
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to main content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('main')).toBeFocused()
  await expect(page).toHaveURL(/#\/policies$/)
  // The next Tab goes on from the main content, past the navigation.
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true)
})
