/**
 * The impact preview tells the truth about statuses: applications a scope newly covers go from
 * Not covered to the status they will have (Pending where their new requirements have no data
 * yet), the summary counts every application whose status changes, and applying does what the
 * preview said. It relies on the engine judging newly covered applications in its rehearsal
 * (`status_after` was null for them before that fix).
 */
import { STATUS_LABELS } from '../src-shared/domain/compliance'
import { samplePortfolio } from '../src-main/engine/workspace/sample'
import { choose, combobox, expect, test, toast } from './console-fixture'

test('widening a scope previews each newly covered application with the status it really gets, Pending included, and applying gives exactly that', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const hardened = policies.find((policy) => policy.name === 'Hardened for External Usage')!
  expect(hardened.scope.tags).toEqual(['external-facing'])
  const newlyCovered = samplePortfolio()
    .filter((app) => app.tags.includes('internal') && !app.tags.includes('external-facing'))
    .map((app) => app.name)
    .sort()

  await page.goto(`${console.server.origin}/#/policies/${hardened.id}`)
  await page.getByRole('button', { name: 'Apply to applications' }).click()
  const dialog = page.getByRole('dialog', { name: 'Apply Hardened for External Usage to applications' })
  await choose(combobox(dialog, 'Tags'), 'internal')
  await expect(dialog.getByTestId('preview-added-count')).toHaveText(`${newlyCovered.length} added`)

  // Every newly covered application is previewed with the status it will have, never "Not covered".
  const added = dialog.locator('[data-testid="impact-row"][data-coverage="added"]')
  await expect(added).toHaveCount(newlyCovered.length)
  const previewed = new Map<string, { before: string; after: string }>()
  for (const row of await added.all()) {
    const name = (await row.locator('td:first-child').textContent())!.replace(/added$/, '')
    const [before, after] = (await row.getByTestId('impact-status').textContent())!.split('→') as [string, string]
    previewed.set(name, { before, after })
  }
  expect([...previewed.keys()].sort()).toEqual(newlyCovered)
  for (const [name, { after }] of previewed) expect(after, name).toMatch(/^(Pending|Compliant|Warning|Non-Compliant|Attestation Overdue)$/)
  const changing = [...previewed].filter(([, { before, after }]) => before !== after)
  const goingPending = changing.filter(([, { after }]) => after === 'Pending')
  expect(goingPending.length).toBeGreaterThan(0)
  const summary = dialog.getByTestId('impact-summary')
  await expect(summary).toContainText(`${changing.length} applications change status`)

  await dialog.getByRole('button', { name: 'Apply' }).click()
  await expect(dialog).toBeHidden()
  await expect(toast(page, `Hardened for External Usage now covers ${hardened.covered_application_count + newlyCovered.length} applications`)).toBeVisible()

  // What the preview said is what happened: each application has exactly the status previewed.
  const byName = new Map(samplePortfolio().map((app) => [app.name, app.id]))
  for (const [name, { after }] of previewed) {
    const compliance = await console.call('compliance.application', { id: byName.get(name)! })
    expect(compliance.status ? STATUS_LABELS[compliance.status] : 'Not covered', name).toBe(after)
  }
  await page.goto(`${console.server.origin}/#/applications/${byName.get(goingPending[0]![0])}`)
  await expect(page.getByTestId('policy-compliance').filter({ hasText: 'Hardened for External Usage' })).toContainText('Pending')
})
