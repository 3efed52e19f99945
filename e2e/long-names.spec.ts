/** Long unbroken names (200 characters, the most a name may have) wrap instead of widening the pages that show them. */
import { expect, expectNoSidewaysScroll, test } from './console-fixture'

test('a 200-character unbroken name wraps on the application and policy pages instead of widening them', async ({ page, console }) => {
  const long = `Q${'x'.repeat(199)}`
  await console.call('applications.create', { id: 'app_long', name: long, tags: ['wide'] })
  const policy = await console.call('policies.createFromTemplate', { template_id: 'system_health', name: `P${'y'.repeat(199)}`, scope: { apply_to_all: true } })
  await console.open(page)
  await page.setViewportSize({ width: 1280, height: 900 })

  await page.goto(`${console.server.origin}/#/applications/app_long`)
  await expect(page.getByRole('heading', { name: long })).toBeVisible()
  await expect(page.getByRole('table', { name: `Alert rules on ${long}` }).getByTestId('materialised-rule-row').first()).toBeVisible()
  await expectNoSidewaysScroll(page)

  await page.goto(`${console.server.origin}/#/policies/${policy.id}`)
  await expect(page.getByRole('heading', { name: policy.name })).toBeVisible()
  await expectNoSidewaysScroll(page)
  await page.getByRole('tab', { name: /Covered applications/ }).click()
  await page.getByRole('button', { name: `Show rules for ${long}`, exact: true }).click()
  await expect(page.getByRole('table', { name: `Alert rules on ${long}` }).getByTestId('materialised-rule-row').first()).toBeVisible()
  await expectNoSidewaysScroll(page)

  // The dashboard and the apply dialog's preview list it too.
  await page.getByRole('link', { name: 'Dashboard' }).click()
  await expect(page.getByRole('table', { name: 'Application compliance' }).getByRole('link', { name: long })).toBeVisible()
  await expectNoSidewaysScroll(page)
  await page.goto(`${console.server.origin}/#/policies/${policy.id}`)
  await page.getByRole('button', { name: 'Apply to applications' }).click()
  const preview = page.getByRole('table', { name: 'Scope preview' })
  await expect(preview).toContainText(long)
  const box = (await preview.boundingBox())!
  expect(box.x + box.width, 'the preview stays inside the window').toBeLessThanOrEqual(1280)
  const dialog = (await page.getByRole('dialog').boundingBox())!
  const title = (await page.getByRole('dialog').getByRole('heading', { name: `Apply ${policy.name} to applications` }).boundingBox())!
  expect(title.x + title.width, 'the dialog title wraps inside the dialog').toBeLessThanOrEqual(dialog.x + dialog.width)
})
