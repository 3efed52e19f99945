/**
 * The alert rules policies put on an application, seen from its detail page: listed with their
 * source policies, deleted only after a confirmation that names the consequence, restored from the
 * toast's Undo or the panel's Restore.
 */
import { expect, test, toast } from './console-fixture'

test('the application detail lists its policy rules; a deleted one is confirmed first, undone from the toast, and restored from the panel', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Customer Support Assistant', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Customer Support Assistant' })).toBeVisible()

  const expected = await console.call('applications.rules', { id: 'app_support_assistant' })
  const table = page.getByRole('table', { name: 'Alert rules on Customer Support Assistant' })
  const rows = table.getByTestId('materialised-rule-row')
  await expect(rows).toHaveCount(expected.alert_rules.length)
  const pii = rows.filter({ hasText: 'PII detection rate' })
  await expect(pii).toContainText('Hardened for External Usage')
  await expect(pii).toContainText('Sensitive Data')

  // Deleting asks first, naming what it costs; cancelling keeps the rule.
  await pii.getByRole('button', { name: 'Delete PII detection rate rule' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete the PII detection rate rule?' })
  await expect(confirm).toContainText('Customer Support Assistant becomes Non-Compliant under Hardened for External Usage and Sensitive Data until the rule is restored')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(rows).toHaveCount(expected.alert_rules.length)

  await pii.getByRole('button', { name: 'Delete PII detection rate rule' }).click()
  await confirm.getByRole('button', { name: 'Delete rule' }).click()
  await expect(rows).toHaveCount(expected.alert_rules.length - 1)
  const missing = page.getByTestId('missing-rule-row')
  await expect(missing).toContainText('PII detection rate')
  await expect(missing).toContainText('Hardened for External Usage, Sensitive Data')
  // Both policies requiring it now show the requirement as a missing rule.
  await expect(page.getByTestId('requirement-result').filter({ hasText: 'PII detection rate' }).filter({ hasText: 'Missing rule' })).toHaveCount(2)

  // Undo in the toast brings it back.
  const deleted = toast(page, 'Deleted the PII detection rate rule from Customer Support Assistant')
  await deleted.getByRole('button', { name: 'Undo' }).click()
  await expect(rows).toHaveCount(expected.alert_rules.length)
  await expect(missing).toHaveCount(0)
  await expect(toast(page, 'Undone.')).toBeVisible()

  // Deleted again, Restore on the panel brings it back too, and says so.
  await pii.getByRole('button', { name: 'Delete PII detection rate rule' }).click()
  await confirm.getByRole('button', { name: 'Delete rule' }).click()
  await expect(missing).toHaveCount(1)
  await page.reload()
  await expect(page.getByTestId('missing-rule-row')).toContainText('PII detection rate')
  await page.getByRole('button', { name: 'Restore PII detection rate rule' }).click()
  await expect(rows).toHaveCount(expected.alert_rules.length)
  await expect(toast(page, 'Restored the PII detection rate rule on Customer Support Assistant')).toBeVisible()
  expect((await console.call('applications.rules', { id: 'app_support_assistant' })).missing).toEqual([])
})

test('deleting a rule a policy auto-restores says it comes straight back, and it does', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const systemHealth = policies.find((policy) => policy.name === 'System Health')!
  await console.call('policies.update', { id: systemHealth.id, auto_restore: true })

  await page.getByRole('link', { name: 'Order Status Bot', exact: true }).click()
  const rows = page.getByRole('table', { name: 'Alert rules on Order Status Bot' }).getByTestId('materialised-rule-row')
  const errorRate = rows.filter({ hasText: 'Error rate' })
  await errorRate.getByRole('button', { name: 'Delete Error rate rule' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete the Error rate rule?' })
  await expect(confirm).toContainText('System Health restores it at once')
  await confirm.getByRole('button', { name: 'Delete rule' }).click()
  await expect(toast(page, 'System Health restored the Error rate rule on Order Status Bot at once')).toBeVisible()
  await expect(errorRate).toHaveCount(1)
  await expect(page.getByTestId('missing-rule-row')).toHaveCount(0)
})

test('a rule deleted from a policy’s covered application is confirmed, and undone from the toast', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  await page.goto(`${console.server.origin}/#/policies/${policies.find((policy) => policy.name === 'System Health')!.id}`)
  await page.getByRole('tab', { name: /Covered applications/ }).click()
  await page.getByRole('button', { name: 'Show rules for Order Status Bot', exact: true }).click()
  const rows = page.getByRole('table', { name: 'Alert rules on Order Status Bot' }).getByTestId('materialised-rule-row')
  await expect(rows.first()).toBeVisible()
  const before = await rows.count()
  await rows.filter({ hasText: 'Error rate' }).getByRole('button', { name: 'Delete Error rate rule' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete the Error rate rule?' })
  await expect(confirm).toContainText('Order Status Bot becomes Non-Compliant under System Health until the rule is restored')
  await confirm.getByRole('button', { name: 'Delete rule' }).click()
  await expect(rows).toHaveCount(before - 1)
  const row = page.getByTestId('covered-application-row').filter({ hasText: 'Order Status Bot' }).first()
  await expect(row).toContainText('Missing rule: Error rate')
  await toast(page, 'Deleted the Error rate rule from Order Status Bot').getByRole('button', { name: 'Undo' }).click()
  await expect(rows).toHaveCount(before)
  await expect(row).not.toContainText('Missing rule')
})
