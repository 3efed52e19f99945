/**
 * The desktop app itself, driven through Playwright's Electron support. It needs an Electron
 * runtime; where none can be installed (its download is unreachable on some machines) these tests
 * are reported as skipped, by name, and the same console is covered through `govern serve`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test, type Page } from '@playwright/test'

const root = join(__dirname, '..')

function electronBinary(): string | undefined {
  try {
    const path = createRequire(join(root, 'package.json'))('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

const binary = electronBinary()

/** Runs the built desktop app on a fresh workspace; the app and the workspace go when `use` ends. */
async function withConsole(use: (window: Page) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-desktop-'))
  const app = await electron.launch({
    executablePath: binary,
    args: [root, '--no-sandbox'],
    env: { ...process.env, GOVERN_WORKSPACE: join(folder, 'workspace.sqlite') },
  })
  try {
    await use(await app.firstWindow())
  } finally {
    await app.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

test.describe('desktop app', () => {
  test.skip(!binary, 'no Electron runtime on this machine: its binary cannot be downloaded here')

  test('opens a secure console window on the workspace and creates an application over IPC', async () => {
    await withConsole(async (window) => {
      // The page sees neither Node nor Electron: only the two-function bridge.
      const exposed = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((globalThis as unknown as { governBridge: object }).governBridge).sort(),
      }))
      expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['call', 'onChanged'] })

      await window.getByRole('link', { name: 'Applications' }).click()
      await window.getByRole('button', { name: 'New application' }).click()
      const dialog = window.getByRole('dialog', { name: 'New application' })
      await dialog.getByLabel('Name').fill('Desktop Bot')
      await dialog.getByRole('button', { name: 'Create application' }).click()
      await expect(window.getByTestId('application-row').filter({ hasText: 'Desktop Bot' })).toBeVisible()
      await window.getByRole('link', { name: 'Settings' }).click()
      await expect(window.getByText('Desktop (local engine)')).toBeVisible()
    })
  })

  test('serves the console from app://console under its Content-Security-Policy, and keeps it there', async () => {
    await withConsole(async (window) => {
      await expect(window.getByRole('link', { name: 'Applications' })).toBeVisible()
      expect(window.url()).toMatch(/^app:\/\/console\/(#.*)?$/)

      // A script written into the page does not run: script-src 'self' has no exception.
      const inlineScriptRan = await window.evaluate(() => {
        const script = document.createElement('script')
        script.textContent = 'document.body.dataset.inlineScriptRan = "yes"'
        document.head.append(script)
        return document.body.dataset.inlineScriptRan === 'yes'
      })
      expect(inlineScriptRan).toBe(false)

      // Main refuses the navigation without a sound, so wait a moment before checking the page stayed.
      await window.evaluate(() => {
        location.href = 'https://example.com/'
      })
      await window.waitForTimeout(1_000)
      expect(window.url()).toMatch(/^app:\/\/console\/(#.*)?$/)
      await expect(window.getByRole('link', { name: 'Applications' })).toBeVisible()
    })
  })
})
