import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

// The console and `govern` processes the tests start keep audit signing keys here, not in the user's config directory.
process.env.GOVERN_AUDIT_KEYS ??= join(tmpdir(), 'governance-console-e2e-audit-keys')

/** End-to-end tests drive the real console in Debian's Chromium (Playwright's own browsers cannot be downloaded here). */
export default defineConfig({
  testDir: 'e2e',
  // Ceilings against a hang, not targets (timings are bench figures): generous, so that a
  // loaded machine slows the suite down rather than failing it.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
})
