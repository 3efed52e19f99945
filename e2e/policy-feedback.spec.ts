/**
 * Changes to a policy confirm what they did, and ask first when they take something away:
 * archiving names the applications and rules it removes; saving thresholds says so in a toast.
 */
import { expect, test, toast } from './console-fixture'

test('archiving a policy names the applications and rules it removes, then confirms with a toast', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const hardened = policies.find((policy) => policy.name === 'Hardened for External Usage')!
  const { applications } = await console.call('policies.coverage', { id: hardened.id })
  const rules = applications.reduce((total, app) => total + app.rule_count, 0)
  expect(applications.length).toBeGreaterThan(0)

  await page.goto(`${console.server.origin}/#/policies/${hardened.id}`)
  await page.getByRole('button', { name: 'Archive' }).click()
  const confirm = page.getByRole('dialog', { name: 'Archive Hardened for External Usage?' })
  await expect(confirm).toContainText(`${applications.length} applications stop being covered; their ${rules} rules from this policy are removed`)
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  expect((await console.call('policies.get', { id: hardened.id })).archived).toBe(false)

  await page.getByRole('button', { name: 'Archive' }).click()
  await confirm.getByRole('button', { name: 'Archive policy' }).click()
  await expect(toast(page, 'Archived Hardened for External Usage')).toBeVisible()
  expect((await console.call('policies.get', { id: hardened.id })).archived).toBe(true)
})

test('saving thresholds confirms with a toast naming the new version', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const systemHealth = policies.find((policy) => policy.name === 'System Health')!
  await page.goto(`${console.server.origin}/#/policies/${systemHealth.id}`)
  await page.getByRole('button', { name: 'Edit thresholds' }).click()
  await page.getByRole('textbox', { name: 'Threshold for Error rate' }).fill('3')
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  await page.getByRole('dialog', { name: 'Impact of the new thresholds' }).getByRole('button', { name: 'Confirm and save' }).click()
  await expect(toast(page, `Saved the thresholds of System Health as version ${systemHealth.version + 1}`)).toBeVisible()
})
