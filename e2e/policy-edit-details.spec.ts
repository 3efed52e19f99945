/** After creation, a policy's details are edited from its page, checked as the wizard checks them. */
import { choose, combobox, expect, test, toast } from './console-fixture'

test('a policy’s name, description, owner, webhook, auto-apply and auto-restore are edited from its page', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const systemHealth = policies.find((policy) => policy.name === 'System Health')!
  await page.goto(`${console.server.origin}/#/policies/${systemHealth.id}`)
  await page.getByRole('button', { name: 'Edit details' }).click()

  const dialog = page.getByRole('dialog', { name: 'Edit details of System Health' })
  const name = dialog.getByRole('textbox', { name: 'Policy Name' })
  const webhook = dialog.getByRole('textbox', { name: 'Notifications webhook URL' })
  await name.fill('Sensitive Data')
  await webhook.fill('not a url')
  await dialog.getByRole('button', { name: 'Save details' }).click()
  await expect(webhook).toHaveAccessibleDescription(/Notifications webhook URL must be an http\(s\) URL/)

  await webhook.fill('https://hooks.example.com/baseline')
  await dialog.getByRole('button', { name: 'Save details' }).click()
  await expect(name).toHaveAccessibleDescription(/A policy named "Sensitive Data" already exists/)

  await name.fill('Baseline Health')
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Every application, always.')
  await choose(combobox(dialog, 'Ownership'), 'Governance Team')
  await dialog.getByRole('switch', { name: 'Auto-restore deleted rules' }).check()
  await dialog.getByRole('switch', { name: 'Auto-apply to new applications' }).uncheck()
  await dialog.getByRole('button', { name: 'Save details' }).click()
  await expect(dialog).toBeHidden()
  await expect(toast(page, 'Saved the details of Baseline Health')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Baseline Health', exact: true })).toBeVisible()
  const facts = page.getByLabel('Policy details')
  await expect(facts).toContainText('Governance Team')
  await expect(facts).toContainText('https://hooks.example.com/baseline')
  await expect(page.getByTestId('policy-version')).toHaveText(`Version ${systemHealth.version + 1}`)
  expect(await console.call('policies.get', { id: systemHealth.id })).toMatchObject({
    name: 'Baseline Health',
    description: 'Every application, always.',
    notification_webhook: 'https://hooks.example.com/baseline',
    auto_apply: false,
    auto_restore: true,
  })
})
