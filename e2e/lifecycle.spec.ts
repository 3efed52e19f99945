/**
 * The end of a working life, end to end in Chromium against the real `govern serve`: deactivating
 * a person (the confirmation names what it touches, the row says since when, the audit log keeps
 * it, Undo brings them back), the owner who cannot be deactivated, pickers that no longer offer an
 * inactive person, and retiring an application from its page.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { startGovernServe, type GovernServer } from './govern-server'

let folder: string
let server: GovernServer | undefined

test.beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-lifecycle-'))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  rmSync(folder, { recursive: true, force: true })
})

interface Answer<T> {
  status: number
  body: T
}

/** One engine procedure, called as the signed-in console calls it. */
async function rpc<T = Record<string, unknown>>(page: Page, procedure: string, input: unknown = {}): Promise<Answer<T>> {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-govern-console': '1' }, body })
      return { status: response.status, body: await response.json() }
    },
    [procedure, JSON.stringify(input)] as const,
  ) as Promise<Answer<T>>
}

async function ok<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { status, body } = await answer
  expect(status, JSON.stringify(body)).toBe(200)
  return body
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The sample workspace has no ${what}`)
  return value
}

interface Person {
  id: string
  name: string
  active: boolean
}

async function openSampleWorkspace(page: Page, file: string): Promise<{ db: string; people: (name: string) => Person; groupId: (name: string) => string }> {
  const db = join(folder, file)
  server = await startGovernServe(db)
  await page.goto(server.loginUrl)
  await ok(rpc(page, 'workspace.loadSample'))
  const { users } = await ok(rpc<{ users: Person[] }>(page, 'users.list'))
  const { groups } = await ok(rpc<{ groups: Array<{ id: string; name: string }> }>(page, 'groups.list'))
  return {
    db,
    people: (name) => found(users.find((user) => user.name === name), name),
    groupId: (name) => found(groups.find((group) => group.name === name)?.id, `group ${name}`),
  }
}

const isActive = async (page: Page, id: string) => (await ok(rpc<Person>(page, 'users.get', { id }))).active

const userRow = (page: Page, name: string) => page.getByTestId('user-row').filter({ has: page.getByRole('cell', { name, exact: true }) })

const toast = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text })

/** Opens a Select or MultiSelect's options; the caller closes it. */
async function optionsOf(combobox: Locator): Promise<Locator> {
  await combobox.click()
  await expect(combobox).toHaveAttribute('aria-expanded', 'true')
  return combobox.page().getByRole('listbox')
}

const DANA = 'Dana Whitfield (CISO)'

test('deactivating a person names what it touches, marks them inactive, is audited, and Undo from the toast reactivates them', async ({ page }) => {
  const sample = await openSampleWorkspace(page, 'deactivate.sqlite')
  const dana = sample.people(DANA)
  const priya = sample.people('Priya Raman')
  const governance = sample.groupId('Governance Team')
  // Dana alone reviews one rule, and is the escalation contact of another that her group reviews.
  const soleReview = await ok(
    rpc<{ id: string }>(page, 'attestationRules.create', {
      name: 'Quarterly model risk sign-off',
      frequency: 'quarterly',
      reviewers: [{ type: 'user', id: dana.id }],
      escalation_path: [{ type: 'user', id: priya.id }],
    }),
  )
  await ok(
    rpc(page, 'attestationRules.create', {
      name: 'Data-handling review',
      frequency: 'monthly',
      reviewers: [{ type: 'group', id: governance }],
      escalation_path: [{ type: 'user', id: dana.id }],
    }),
  )
  await ok(rpc(page, 'policies.create', { name: 'Model Risk Oversight', owner_group_id: governance, attestation_rule_ids: [soleReview.id] }))
  execFileSync(process.execPath, [join(__dirname, '..', 'bin', 'govern.js'), 'token', 'create', '--db', sample.db, '--name', 'ci-pipeline', '--role', 'reviewer', '--user', 'dana.whitfield@example.com'], { stdio: 'pipe' })

  await page.getByRole('link', { name: 'Settings' }).click()
  const row = userRow(page, DANA)
  await expect(row).toContainText('Active')
  await row.getByRole('button', { name: `Deactivate ${DANA}` }).click()

  const dialog = page.getByRole('dialog', { name: `Deactivate ${DANA}?` })
  await expect(dialog).toContainText('Stays a member of Governance Team on record, but is no longer picked through it')
  await expect(dialog).toContainText('No longer among the owners, through Governance Team, of 1 policy: Model Risk Oversight')
  await expect(dialog).toContainText('No longer reviews “Quarterly model risk sign-off”')
  await expect(dialog).toContainText('Leaves the escalation path of “Data-handling review”')
  await expect(dialog).toContainText('1 API token acting for them stops working: ci-pipeline')
  // The loud part: the rule nobody active would review any more, and only that one.
  const warning = dialog.getByRole('alert')
  await expect(warning).toContainText('“Quarterly model risk sign-off” is left with no active reviewer')
  await expect(warning).not.toContainText('Data-handling review')
  expect(await isActive(page, dana.id), 'the confirmation is a dry run').toBe(true)

  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(row).toContainText('Inactive since')
  await expect(row.getByRole('button', { name: `Reactivate ${DANA}` })).toBeVisible()
  expect(await isActive(page, dana.id)).toBe(false)
  // Still a member on record, marked as no longer counting.
  await expect(page.getByTestId('group-row').filter({ hasText: 'Governance Team' })).toContainText(`${DANA} (inactive)`)

  const done = toast(page, `Deactivated ${DANA}`)
  await done.getByRole('button', { name: 'Undo' }).click()
  await expect(toast(page, 'Undone.')).toBeVisible()
  await expect(row).not.toContainText('Inactive since')
  await expect(row.getByRole('button', { name: `Deactivate ${DANA}` })).toBeVisible()
  expect(await isActive(page, dana.id)).toBe(true)

  // Both changes are in the audit trail, each naming Dana's record.
  await page.getByRole('link', { name: 'Audit log' }).click()
  const events = page.getByRole('table', { name: 'Audit events' }).getByRole('row')
  const aboutDana = events.filter({ hasText: new RegExp(`${dana.id}|Dana Whitfield`) })
  // The action may read as its code or in words (the audit screen is being reworded).
  await expect(aboutDana.filter({ hasText: /user\.deactivated|deactivated Dana/ })).toHaveCount(1)
  await expect(aboutDana.filter({ hasText: /user\.reactivated|reactivated Dana/ })).toHaveCount(1)
})

test('the workspace owner offers no Deactivate, says why, and the engine refuses anyway', async ({ page }) => {
  await openSampleWorkspace(page, 'owner.sqlite')
  const owner = await ok(rpc<Person>(page, 'users.get', { id: 'usr_owner' }))

  await page.getByRole('link', { name: 'Settings' }).click()
  const ownerRow = userRow(page, owner.name)
  await expect(ownerRow).toBeVisible()
  await expect(userRow(page, DANA).getByRole('button', { name: `Deactivate ${DANA}` })).toBeVisible()
  await expect(ownerRow.getByRole('button', { name: /deactivate/i })).toHaveCount(0)
  const note = ownerRow.getByTestId('owner-stays-active')
  await expect(note).toHaveText('Owner: cannot be deactivated')
  await note.hover()
  await expect(page.getByRole('tooltip')).toContainText('sign-in links act as the workspace owner')

  const refused = await rpc<{ error: string; message: string }>(page, 'users.deactivate', { id: owner.id })
  expect(refused.status).toBe(409)
  expect(refused.body.message).toContain('cannot be deactivated')
  expect(await isActive(page, owner.id)).toBe(true)
})

test('an inactive person is offered neither as reviewer nor as a new group member, and is again once reactivated', async ({ page }) => {
  const sample = await openSampleWorkspace(page, 'pickers.sqlite')
  await ok(rpc(page, 'users.deactivate', { id: sample.people(DANA).id }))
  await page.reload()

  // Groups: not offered to app-owners; still listed, marked, in Governance Team, where she is a member.
  await page.getByRole('link', { name: 'Settings' }).click()
  await expect(userRow(page, DANA)).toContainText('Inactive since')
  await page.getByRole('button', { name: 'Edit members of app-owners' }).click()
  const appOwners = page.getByRole('dialog', { name: 'Members of app-owners' })
  const candidates = await optionsOf(appOwners.getByRole('combobox', { name: 'Members' }))
  await expect(candidates.getByRole('option', { name: 'Priya Raman', exact: true })).toBeVisible()
  await expect(candidates.getByRole('option', { name: /Dana Whitfield/ })).toHaveCount(0)
  await page.keyboard.press('Escape')
  await appOwners.getByRole('button', { name: 'Cancel' }).click()
  await page.getByRole('button', { name: 'Edit members of Governance Team' }).click()
  await expect(page.getByRole('dialog', { name: 'Members of Governance Team' })).toContainText(`${DANA} (inactive)`)
  await page.getByRole('dialog', { name: 'Members of Governance Team' }).getByRole('button', { name: 'Cancel' }).click()

  const reviewerOptions = async () => {
    await page.getByRole('link', { name: 'Policies' }).click()
    await page.getByRole('button', { name: '+ New Policy' }).click()
    await page.getByLabel('Policy Name').fill('Model Risk Oversight')
    await page.getByRole('button', { name: 'Next' }).click()
    await expect(page.getByRole('table', { name: 'Alert rules' })).toBeVisible()
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('button', { name: '+ ATTESTATION RULE' }).click()
    const dialog = page.getByRole('dialog', { name: 'New attestation rule' })
    return optionsOf(dialog.getByRole('combobox', { name: 'Reviewers', exact: true }))
  }
  let reviewers = await reviewerOptions()
  await expect(reviewers.getByRole('option', { name: 'Priya Raman', exact: true })).toBeVisible()
  await expect(reviewers.getByRole('option', { name: DANA, exact: true })).toHaveCount(0)

  // Reactivated from Settings, she is offered again: it was her inactivity that kept her out.
  await page.goto(`${server!.origin}/#/settings`)
  await userRow(page, DANA).getByRole('button', { name: `Reactivate ${DANA}` }).click()
  await expect(toast(page, `Reactivated ${DANA}`)).toBeVisible()
  await expect(userRow(page, DANA)).not.toContainText('Inactive since')
  reviewers = await reviewerOptions()
  await expect(reviewers.getByRole('option', { name: DANA, exact: true })).toBeVisible()
})

test('retiring an application from its page names what goes with it, Undo and Reinstate bring it back, and both are audited', async ({ page }) => {
  await openSampleWorkspace(page, 'retire.sqlite')
  const { applications } = await ok(rpc<{ applications: Array<{ id: string; name: string }> }>(page, 'applications.list'))
  const app = found(applications.find((candidate) => candidate.name === 'Customer Support Assistant'), 'Customer Support Assistant')
  const rehearsal = await ok(
    rpc<{ consequences: { policies: Array<{ name: string }>; rules_removed: number } }>(page, 'applications.retire', { id: app.id, dry_run: true }),
  )
  const { policies, rules_removed } = rehearsal.consequences
  expect(policies.length, 'the sample covers it, so there is coverage to lose').toBeGreaterThan(1)
  const retiredAt = async () => (await ok(rpc<{ retired_at: string | null }>(page, 'applications.get', { id: app.id }))).retired_at

  await page.goto(`${server!.origin}/#/applications/${app.id}`)
  await expect(page.getByRole('heading', { name: app.name, level: 2 })).toBeVisible()
  const retireButton = page.getByRole('button', { name: 'Retire application' })
  const retire = async () => {
    await retireButton.click()
    const dialog = page.getByRole('dialog', { name: `Retire ${app.name}?` })
    await expect(dialog).toContainText(`Stops being covered by ${policies.length} policies: ${policies.map((p) => p.name).join(', ')}`)
    if (rules_removed > 0) await expect(dialog).toContainText(`${rules_removed} alert rules these policies placed on it are removed`)
    await expect(dialog).toContainText('Its history — audit trail, past compliance — is kept')
    expect(await retiredAt(), 'the confirmation is a dry run').toBeNull()
    await dialog.getByRole('button', { name: 'Retire application' }).click()
    await expect(dialog).toBeHidden()
  }

  await retire()
  await expect(page.getByRole('button', { name: 'Reinstate application' })).toBeVisible()
  expect(await retiredAt()).not.toBeNull()
  await toast(page, `Retired ${app.name}`).getByRole('button', { name: 'Undo' }).click()
  await expect(toast(page, 'Undone.')).toBeVisible()
  await expect(retireButton).toBeVisible()
  expect(await retiredAt()).toBeNull()

  await retire()
  await page.getByRole('button', { name: 'Reinstate application' }).click()
  await expect(toast(page, new RegExp(`Reinstated ${app.name}: covered again by ${policies.length} policies`))).toBeVisible()
  await expect(retireButton).toBeVisible()
  expect(await retiredAt()).toBeNull()

  await page.getByRole('link', { name: 'Audit log' }).click()
  const aboutApp = page.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: new RegExp(`${app.id}|${app.name}`) })
  await expect(aboutApp.filter({ hasText: /application\.retired|retired application/ })).toHaveCount(2)
  await expect(aboutApp.filter({ hasText: /application\.reinstated|reinstated application/ })).toHaveCount(2)
})
