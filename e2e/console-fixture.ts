/**
 * A Playwright fixture for console tests: a fresh workspace file in a temp folder, the real
 * `govern serve` on it, and the engine's own procedures (signed in with the run's token) to set
 * up and check state without going through the screens under test.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import type { Input, Output, ProcedureName } from '../src-shared/api/contract'
import { startGovernServe, type GovernServer } from './govern-server'

export interface Console {
  server: GovernServer
  /** The workspace file `govern serve` has open. */
  workspace: string
  /** Calls a procedure as the console does; throws with the engine's message when it refuses. */
  call<K extends ProcedureName>(procedure: K, input: Input<K>): Promise<Output<K>>
  /** Signs the page in; with `sample`, loads the sample workspace from onboarding first. */
  open(page: Page, options?: { sample?: boolean }): Promise<void>
}

export const test = base.extend<{ console: Console }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
  console: async ({}, use) => {
    const folder = mkdtempSync(join(tmpdir(), 'govern-e2e-screens-'))
    const workspace = join(folder, 'workspace.sqlite')
    const server = await startGovernServe(workspace)
    const token = new URL(server.loginUrl).searchParams.get('token')
    const call: Console['call'] = async (procedure, input) => {
      const response = await fetch(`${server.origin}/rpc/${procedure}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-govern-console': '1' },
        body: JSON.stringify(input),
      })
      const body = (await response.json()) as { message?: string }
      if (!response.ok) throw new Error(`${procedure}: ${body.message ?? response.status}`)
      return body as never
    }
    try {
      await use({
        server,
        workspace,
        call,
        async open(page, { sample = false } = {}) {
          await page.goto(server.loginUrl)
          if (!sample) return
          await page.getByRole('button', { name: 'Load sample workspace' }).click()
          // The sample lands on the Dashboard; these tests start from the applications list.
          await expect(page.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible({ timeout: 30_000 })
          // Landed once the load has ended: a click made before that is undone by the landing.
          await expect(page).toHaveURL(/#\/dashboard$/)
          await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 })
          await page.getByRole('link', { name: 'Applications' }).click()
          await expect(page).toHaveURL(/#\/applications/)
          await expect(page.getByTestId('application-row').first()).toBeVisible()
        },
      })
    } finally {
      await server.stop()
      rmSync(folder, { recursive: true, force: true })
    }
  },
})

export { expect }

export const combobox = (scope: Page | Locator, name: string) => scope.getByRole('combobox', { name, exact: true })

/** Chooses options in a Select or MultiSelect, then closes its dropdown so it covers nothing. */
export async function choose(box: Locator, ...options: string[]) {
  await box.click()
  for (const option of options) await box.page().getByRole('option', { name: option, exact: true }).click()
  // A Select closes by itself; a MultiSelect stays open, and Escape on a closed one would close the dialog.
  if ((await box.getAttribute('aria-expanded')) === 'true') await box.press('Escape')
  await expect(box).toHaveAttribute('aria-expanded', 'false')
}

/** A toast (Mantine notification) containing `text`. */
export const toast = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text })

/** The page is no wider than the window: nothing long pushed it sideways. */
export async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
  expect(widths.scroll, 'the page scrolls sideways').toBeLessThanOrEqual(widths.client)
}
