/** Naming a template's copy: an empty name is refused at the field; a created policy is confirmed. */
import { expect, test, toast } from './console-fixture'

test('naming a template’s copy with an empty name says so at the field and creates nothing', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const before = (await console.call('policies.list', { include_archived: false })).policies.length
  await page.getByRole('link', { name: 'Templates' }).click()
  await page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'System Health' }) }).getByRole('button', { name: 'Apply as is' }).click()
  const naming = page.getByRole('dialog', { name: 'Name this policy' })
  const name = naming.getByRole('textbox', { name: 'Policy Name' })
  await name.fill('')
  await naming.getByRole('button', { name: 'Create policy' }).click()
  await expect(name).toHaveAccessibleDescription(/Policy Name is required/)
  await expect(naming).not.toContainText('taken')
  await name.fill('   ')
  await naming.getByRole('button', { name: 'Create policy' }).click()
  await expect(name).toHaveAccessibleDescription(/Policy Name is required/)
  await expect(naming).not.toContainText('taken')
  expect((await console.call('policies.list', { include_archived: false })).policies).toHaveLength(before)
})

test('creating a policy from a template confirms with a toast', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Templates' }).click()
  await page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'System Health' }) }).getByRole('button', { name: 'Apply as is' }).click()
  const naming = page.getByRole('dialog', { name: 'Name this policy' })
  await naming.getByRole('textbox', { name: 'Policy Name' }).fill('Baseline for staging')
  await naming.getByRole('button', { name: 'Create policy' }).click()
  await expect(toast(page, 'Created Baseline for staging from the System Health template')).toBeVisible()
  await expect(page.getByRole('dialog', { name: 'Apply Baseline for staging to applications' })).toBeVisible()
})
