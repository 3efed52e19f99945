/**
 * Sync, end to end, as a person meets it: a desktop workspace (the console on its own `govern
 * serve`) connects in Settings to the organisation's server (a second `govern serve` on another
 * workspace) with a token made there by `govern token create`, and shows "Synced"; with the server
 * stopped, an edit waits ("Offline — 1 change waiting"); with the server back, it goes through.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Input, Output, ProcedureName } from '../src-shared/api/contract'
import { expect, test } from './console-fixture'
import { startGovernServe, type GovernServer } from './govern-server'

const root = join(__dirname, '..')

/** Calls a procedure on a `govern serve`, signed in with the token of its sign-in link. */
async function callServer<K extends ProcedureName>(server: GovernServer, procedure: K, input: Input<K>): Promise<Output<K>> {
  const token = new URL(server.loginUrl).searchParams.get('token')
  const response = await fetch(`${server.origin}/rpc/${procedure}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-govern-console': '1' },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as { message?: string }
  if (!response.ok) throw new Error(`${procedure}: ${body.message ?? response.status}`)
  return body as never
}

let folder: string
let serverDb: string
let server: GovernServer | undefined
test.beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-sync-'))
  serverDb = join(folder, 'organisation.sqlite')
})
test.afterEach(async () => {
  await server?.stop()
  rmSync(folder, { recursive: true, force: true })
})

test('a desktop connects to the organisation’s server, keeps its edit while the server is down, and sends it when it is back', async ({ page, console }) => {
  test.setTimeout(120_000)
  // The organisation's server, with a policy to edit, and a token its administrator made for this desktop.
  const token = execFileSync(process.execPath, [join(root, 'bin', 'govern.js'), 'token', 'create', '--db', serverDb, '--name', 'e2e desktop'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .find((line) => line.startsWith('gov_'))!
    .trim()
  server = await startGovernServe(serverDb)
  const port = Number(new URL(server.origin).port)
  const policy = await callServer(server, 'policies.create', {
    name: 'Fairness baseline',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })
  const policyId = policy.id

  // A workspace on its own says nothing of sync; Settings offers to connect it.
  await console.open(page)
  await expect(page.getByTestId('sync-status')).toHaveCount(0)
  await page.getByRole('link', { name: 'Settings' }).click()
  const form = page.getByRole('form', { name: 'Connect to a server' })
  await form.getByRole('textbox', { name: 'Server address' }).fill('not a server')
  await form.getByRole('button', { name: 'Connect' }).click()
  await expect(form.getByText('must be the server’s address, such as https://governance.example.org')).toBeVisible()
  await expect(form.getByText('An API token from the server is needed (govern token create on the server)')).toBeVisible()

  await form.getByRole('textbox', { name: 'Server address' }).fill(server.origin)
  await form.getByLabel('API token').fill(token)
  await form.getByRole('button', { name: 'Connect' }).click()
  await expect(page.getByTestId('server-connection')).toContainText(server.origin)
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 60_000 })
  // The server's policy came to the desktop.
  await expect.poll(async () => (await console.call('policies.list', {})).policies.map((item) => item.name)).toContain('Fairness baseline')

  // The server goes away; an edit made meanwhile waits on the desktop.
  await server.stop()
  await console.call('policies.update', { id: policyId, description: 'Edited on the desktop while the server was down' })
  await page.getByTestId('sync-status').click()
  await page.getByRole('dialog', { name: 'Sync with the server' }).getByRole('button', { name: 'Sync now' }).click()
  await expect(page.getByTestId('sync-status')).toHaveText('Offline — 1 change waiting', { timeout: 30_000 })
  await expect(page.getByTestId('sync-facts')).toContainText('1 change made here, not yet on the server')
  await page.keyboard.press('Escape')

  // The server is back where the desktop expects it: the change goes through, once.
  server = await startGovernServe(serverDb, { port })
  await page.getByTestId('sync-status').click()
  await page.getByRole('dialog', { name: 'Sync with the server' }).getByRole('button', { name: 'Sync now' }).click()
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 30_000 })
  await expect(page.getByTestId('sync-status')).not.toContainText('waiting')
  const onServer = await callServer(server, 'policies.get', { id: policyId })
  expect(onServer.description).toBe('Edited on the desktop while the server was down')
})
