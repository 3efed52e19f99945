/**
 * Sync, end to end, as a person meets it: a desktop workspace (the console on its own `govern
 * serve`) connects in Settings to the organisation's server (a second `govern serve` on another
 * workspace) with a token made there by `govern token create`, and shows "Synced"; with the server
 * stopped, an edit waits ("Offline — 1 change waiting"); with the server back, it goes through. A
 * policy edited on both sides meanwhile comes back as a problem, both versions side by side; an
 * application so edited, as the server's version beside the edit, field by field.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { Input, Output, ProcedureName } from '../src-shared/api/contract'
import { expect, test, type Console } from './console-fixture'
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
  server = undefined
  rmSync(folder, { recursive: true, force: true })
})

/**
 * The organisation's server with one policy, a token its administrator made for this desktop, and
 * the desktop connected to it from Settings and synced. Answers the server's port and the policy.
 */
async function connectDesktop(page: Page, console: Console): Promise<{ port: number; policyId: string }> {
  // Made first, as its administrator does (a token is made in a workspace that exists).
  execFileSync(process.execPath, [join(root, 'bin', 'govern.js'), 'migrate', '--db', serverDb], { cwd: root, stdio: 'ignore' })
  const token = execFileSync(process.execPath, [join(root, 'bin', 'govern.js'), 'token', 'create', '--db', serverDb, '--name', 'e2e desktop'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .find((line) => line.startsWith('gov_'))!
    .trim()
  server = await startGovernServe(serverDb)
  const policy = await callServer(server, 'policies.create', {
    name: 'Fairness baseline',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })

  // A workspace on its own says nothing of sync; Settings offers to connect it, and says what is missing.
  await console.open(page)
  await expect(page.getByTestId('sync-status')).toHaveCount(0)
  await page.getByRole('link', { name: 'Settings' }).click()
  const form = page.getByRole('form', { name: 'Connect to a server' })
  await expect(form).toContainText('never in the workspace file')
  await form.getByRole('textbox', { name: 'Server address' }).fill('not a server')
  await form.getByRole('button', { name: 'Connect' }).click()
  await expect(form.getByText('must be the server’s address, such as https://governance.example.org')).toBeVisible()
  await expect(form.getByLabel('API token')).toHaveAccessibleDescription(/An API token from the server is needed/)

  await form.getByRole('textbox', { name: 'Server address' }).fill(server.origin)
  await form.getByLabel('API token').fill(token)
  await form.getByRole('button', { name: 'Connect' }).click()
  await expect(page.getByTestId('server-connection')).toContainText(server.origin)
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 60_000 })
  // The server's policy came to the desktop.
  await expect.poll(async () => (await console.call('policies.list', {})).policies.map((item) => item.name)).toContain('Fairness baseline')
  return { port: Number(new URL(server.origin).port), policyId: policy.id }
}

async function syncNow(page: Page) {
  await page.getByTestId('sync-status').click()
  await page.getByRole('dialog', { name: 'Sync with the server' }).getByRole('button', { name: 'Sync now' }).click()
}

test('a desktop connects to the organisation’s server, keeps its edit while the server is down, and sends it when it is back', async ({ page, console }) => {
  test.setTimeout(120_000)
  const { port, policyId } = await connectDesktop(page, console)

  // The server goes away; an edit made meanwhile waits on the desktop.
  await server!.stop()
  await console.call('policies.update', { id: policyId, description: 'Edited on the desktop while the server was down' })
  await syncNow(page)
  await expect(page.getByTestId('sync-status')).toHaveText('Offline — 1 change waiting', { timeout: 30_000 })
  await expect(page.getByTestId('sync-facts')).toContainText('1 change made here, not yet on the server')
  await expect(page.getByTestId('sync-facts')).toContainText('Last error')
  await page.keyboard.press('Escape')

  // The server is back where the desktop expects it: the change goes through.
  server = await startGovernServe(serverDb, { port })
  await syncNow(page)
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 30_000 })
  await expect(page.getByTestId('sync-status')).not.toContainText('waiting')
  expect((await callServer(server, 'policies.get', { id: policyId })).description).toBe('Edited on the desktop while the server was down')

  // A token the server does not know is refused where it was typed, and the kept one stays.
  await page.getByRole('button', { name: 'Give a new token' }).click()
  const newToken = page.getByRole('form', { name: 'Give a new token' })
  await newToken.getByLabel('New API token').fill('gov_not_a_token_of_this_server')
  await newToken.getByRole('button', { name: 'Save token' }).click()
  await expect(newToken.getByLabel('New API token')).toHaveAttribute('aria-invalid', 'true')
  await expect(newToken.getByLabel('New API token')).toHaveAccessibleDescription(/refused the token/)
  await newToken.getByRole('button', { name: 'Cancel' }).click()
  await syncNow(page)
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 30_000 })
  await page.keyboard.press('Escape')

  // Disconnecting says what stays and what is forgotten, and leaves a workspace on its own.
  await page.getByRole('button', { name: 'Disconnect' }).click()
  const confirm = page.getByRole('dialog', { name: 'Disconnect from the server?' })
  await expect(confirm).toContainText('The token is forgotten')
  await confirm.getByRole('button', { name: 'Disconnect' }).click()
  await expect(page.getByRole('form', { name: 'Connect to a server' })).toBeVisible()
  await expect(page.getByTestId('sync-status')).toHaveCount(0)
})

test('a policy edited on the desktop offline and on the server meanwhile is shown side by side, and the person’s choice goes to the server', async ({ page, console }) => {
  test.setTimeout(120_000)
  const { port, policyId } = await connectDesktop(page, console)

  await server!.stop()
  // As the console edits: on the version it showed.
  const { version } = await console.call('policies.get', { id: policyId })
  await console.call('policies.update', { id: policyId, base_version: version, description: 'Mine, made offline' })
  // A colleague edits the same policy on the server, out of this desktop's reach (another port).
  const elsewhere = await startGovernServe(serverDb)
  await callServer(elsewhere, 'policies.update', { id: policyId, base_version: version, description: 'Theirs, on the server' })
  await elsewhere.stop()

  server = await startGovernServe(serverDb, { port })
  await syncNow(page)
  await expect(page.getByTestId('sync-problem-count')).toHaveText(/^1/, { timeout: 30_000 })
  const panel = page.getByRole('dialog', { name: 'Sync with the server' })
  await expect(panel).toContainText('1 change the server refused')
  await expect(panel.getByTestId('sync-problem')).toContainText('Conflict')
  await panel.getByRole('button', { name: /^Review: / }).click()

  const dialog = page.getByRole('dialog', { name: /changed this policy on the server meanwhile/ })
  const row = dialog.getByTestId('conflict-row').filter({ hasText: 'description' })
  await expect(row).toContainText('Theirs, on the server')
  await expect(row).toContainText('Mine, made offline')
  // Nothing was overwritten while the person had not chosen.
  expect((await callServer(server, 'policies.get', { id: policyId })).description).toBe('Theirs, on the server')

  await dialog.getByRole('button', { name: 'Send mine over it' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('sync-problem-count')).toHaveCount(0, { timeout: 30_000 })
  await expect.poll(async () => (await callServer(server!, 'policies.get', { id: policyId })).description, { timeout: 30_000 }).toBe('Mine, made offline')
  await expect(page.getByTestId('sync-status')).toHaveText(/^Synced/, { timeout: 30_000 })
})

test('an application edited on the desktop offline and on the server meanwhile is shown field by field, and keeping the server’s version drops the edit', async ({ page, console }) => {
  test.setTimeout(120_000)
  const { port } = await connectDesktop(page, console)
  const app = await callServer(server!, 'applications.create', { name: 'Claims Bot', team: 'Claims' })
  await console.call('sync.now', {})
  expect((await console.call('applications.get', { id: app.id })).team).toBe('Claims')

  await server!.stop()
  // The console's form sends no version: the desktop sends the one it held when the edit was made.
  await console.call('applications.update', { id: app.id, team: 'Mine, made offline' })
  const elsewhere = await startGovernServe(serverDb)
  await callServer(elsewhere, 'applications.update', { id: app.id, base_version: 1, team: 'Theirs, on the server' })
  await elsewhere.stop()

  server = await startGovernServe(serverDb, { port })
  await syncNow(page)
  await expect(page.getByTestId('sync-problem-count')).toHaveText(/^1/, { timeout: 30_000 })
  const panel = page.getByRole('dialog', { name: 'Sync with the server' })
  await expect(panel.getByTestId('sync-problem')).toContainText('Edit application Claims Bot')
  await panel.getByRole('button', { name: /^Review: / }).click()

  const dialog = page.getByRole('dialog', { name: /changed this application on the server meanwhile/ })
  await expect(dialog).toContainText('You changed application Claims Bot')
  const row = dialog.getByTestId('conflict-row').filter({ hasText: 'Team' })
  await expect(row).toContainText('Theirs, on the server')
  await expect(row).toContainText('Mine, made offline')
  await expect(dialog.getByTestId('conflict-row').filter({ hasText: 'Name' })).toContainText('as on the server')

  await dialog.getByRole('button', { name: 'Keep the server’s version' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('sync-problem-count')).toHaveCount(0, { timeout: 30_000 })
  expect((await callServer(server!, 'applications.get', { id: app.id })).team).toBe('Theirs, on the server')
  await expect.poll(async () => (await console.call('applications.get', { id: app.id })).team, { timeout: 30_000 }).toBe('Theirs, on the server')
})
