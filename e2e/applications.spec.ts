import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { expect, test } from '@playwright/test'
import { samplePortfolio } from '../src-main/engine/workspace/sample'
import { startGovernServe, type GovernServer } from './govern-server'

let folder: string
let server: GovernServer | undefined

test.beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-'))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  rmSync(folder, { recursive: true, force: true })
})

function applicationsInFile(db: string): Array<{ id: string; name: string; team: string | null; environment: string | null }> {
  const sqlite = new BetterSqlite3(db, { readonly: true })
  try {
    return sqlite.prepare('SELECT id, name, team, environment FROM applications ORDER BY name').all() as never
  } finally {
    sqlite.close()
  }
}

test('an empty workspace offers onboarding, and one click loads the sample portfolio', async ({ page }) => {
  server = await startGovernServe(join(folder, 'empty.sqlite'))
  await page.goto(server.loginUrl)
  await expect(page.getByRole('heading', { name: 'Welcome to your governance workspace' })).toBeVisible()
  await page.getByRole('button', { name: 'Load sample workspace' }).click()
  await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible()
  await page.getByRole('link', { name: 'Applications' }).click()
  await expect(page.getByTestId('application-row').filter({ hasText: 'Customer Support Assistant' }).first()).toBeVisible()
  expect(await page.getByTestId('application-row').count()).toBeGreaterThanOrEqual(20)
})

test('an application created in the console is in the SQLite file and survives a restart of govern serve', async ({ page }) => {
  const db = join(folder, 'workspace.sqlite')
  server = await startGovernServe(db)
  await page.goto(server.loginUrl)
  await page.getByRole('link', { name: 'Applications' }).click()
  await page.getByRole('button', { name: 'New application' }).click()

  const dialog = page.getByRole('dialog', { name: 'New application' })
  await dialog.getByLabel('Name').fill('Claims Triage Assistant')
  await dialog.getByLabel('Team').fill('Claims')
  await dialog.getByLabel('Environment').fill('production')
  const tags = dialog.getByLabel('Tags')
  await tags.fill('customer-data')
  await tags.press('Enter')
  await tags.fill('external-facing')
  await tags.press('Enter')
  await dialog.getByRole('button', { name: 'Create application' }).click()
  await expect(dialog).toBeHidden()

  const row = page.getByTestId('application-row').filter({ hasText: 'Claims Triage Assistant' })
  await expect(row).toContainText('external-facing')
  expect(applicationsInFile(db)).toEqual([expect.objectContaining({ name: 'Claims Triage Assistant', team: 'Claims', environment: 'production' })])

  await server.stop()
  server = await startGovernServe(db)
  await page.goto(server.loginUrl)
  await page.getByRole('link', { name: 'Applications' }).click()
  await expect(page.getByTestId('application-row').filter({ hasText: 'Claims Triage Assistant' })).toContainText('customer-data')
})

test('the form shows the engine’s validation message by its field and writes nothing', async ({ page }) => {
  const db = join(folder, 'validation.sqlite')
  server = await startGovernServe(db)
  await page.goto(`${server.loginUrl}`)
  await page.getByRole('link', { name: 'Applications' }).click()
  await page.getByRole('button', { name: 'New application' }).click()
  const dialog = page.getByRole('dialog', { name: 'New application' })
  await dialog.getByLabel('Name').fill('   ')
  await dialog.getByRole('button', { name: 'Create application' }).click()
  await expect(dialog.getByText('name is required')).toBeVisible()
  expect(applicationsInFile(db)).toEqual([])
})

test('applications can be edited and filtered by tag, team and environment', async ({ page }) => {
  server = await startGovernServe(join(folder, 'filters.sqlite'))
  await page.goto(server.loginUrl)
  await page.getByRole('button', { name: 'Load sample workspace' }).click()
  await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible()
  await page.getByRole('link', { name: 'Applications' }).click()
  await expect(page.getByTestId('application-row').first()).toBeVisible()

  await page.getByRole('combobox', { name: 'Tag', exact: true }).click()
  await page.getByRole('option', { name: 'customer-data', exact: true }).click()
  const withTag = samplePortfolio().filter((app) => app.tags.includes('customer-data'))
  await expect(page.getByTestId('application-row')).toHaveCount(withTag.length)
  for (const text of await page.getByTestId('application-row').allTextContents()) expect(text).toContain('customer-data')

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.getByRole('combobox', { name: 'Environment', exact: true }).click()
  await page.getByRole('option', { name: 'development', exact: true }).click()
  const devRows = await page.getByTestId('application-row').count()
  expect(devRows).toBeGreaterThan(0)
  for (const text of await page.getByTestId('application-row').allTextContents()) expect(text).toContain('development')

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.getByRole('button', { name: 'Edit Order Status Bot', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Edit Order Status Bot' })
  await dialog.getByLabel('Team').fill('Digital Channels')
  await dialog.getByRole('button', { name: 'Save changes' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('application-row').filter({ hasText: 'Order Status Bot' }).first()).toContainText('Digital Channels')

  await page.getByRole('link', { name: 'Audit log' }).click()
  await expect(page.getByRole('table', { name: 'Audit events' })).toContainText('application.updated')
})

test('the console switches between light and dark themes', async ({ page }) => {
  server = await startGovernServe(join(folder, 'theme.sqlite'))
  await page.emulateMedia({ colorScheme: 'light' })
  await page.goto(server.loginUrl)
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light')
  await page.getByRole('button', { name: 'Switch to dark theme' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
})

test('without the sign-in link the browser console asks to sign in', async ({ page }) => {
  server = await startGovernServe(join(folder, 'signed-out.sqlite'))
  await page.goto(server.origin)
  await expect(page.getByText('Sign in to the console')).toBeVisible()
})
