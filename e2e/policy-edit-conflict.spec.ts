/**
 * Two people on one policy: a colleague saves while the details form is open. Saving then shows
 * both versions side by side, and the edit is applied to the colleague's version only when chosen;
 * or dropped, leaving the colleague's version as it is.
 */
import { expect, test, toast } from './console-fixture'

test('a stale edit opens both versions side by side, and is applied on top of the colleague’s only when chosen', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const policy = policies.find((candidate) => candidate.name === 'System Health')!
  await page.goto(`${console.server.origin}/#/policies/${policy.id}`)
  await page.getByRole('button', { name: 'Edit details' }).click()
  // Its title follows the policy's name as the page shows it.
  const dialog = page.getByRole('dialog', { name: /^Edit details of/ })
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Latency and errors, everywhere.')

  // Meanwhile, from elsewhere, a colleague saves a new version, which the page behind shows.
  await console.call('policies.update', { id: policy.id, name: 'Platform Health' })
  await expect(page.getByTestId('policy-version')).toHaveText(`Version ${policy.version + 1}`)
  await dialog.getByRole('button', { name: 'Save details' }).click()

  const conflict = page.getByRole('dialog', { name: /changed this policy while you were editing/ })
  await expect(conflict).toBeVisible()
  await expect(conflict).toContainText(`Your edit was made on version ${policy.version}`)
  const rows = conflict.getByTestId('conflict-row')
  await expect(rows.filter({ hasText: 'name' })).toContainText('System Health')
  await expect(rows.filter({ hasText: 'name' })).toContainText('Platform Health')
  await expect(rows.filter({ hasText: 'description' })).toContainText('Latency and errors, everywhere.')
  // Nothing is saved before the choice.
  expect(await console.call('policies.get', { id: policy.id })).toMatchObject({ version: policy.version + 1, name: 'Platform Health' })

  await conflict.getByRole('button', { name: `Apply my edit to version ${policy.version + 1}` }).click()
  await expect(conflict).toBeHidden()
  await expect(toast(page, `Applied your edit to version ${policy.version + 1}`)).toBeVisible()
  expect(await console.call('policies.get', { id: policy.id })).toMatchObject({ version: policy.version + 2, name: 'Platform Health', description: 'Latency and errors, everywhere.' })
  await expect(page.getByTestId('policy-version')).toHaveText(`Version ${policy.version + 2}`)
})

test('a stale threshold edit changes only the row edited, and can be dropped, keeping the colleague’s version as it is', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const policy = policies.find((candidate) => candidate.name === 'System Health')!
  await page.goto(`${console.server.origin}/#/policies/${policy.id}`)
  await page.getByRole('button', { name: 'Edit thresholds' }).click()
  await page.getByLabel('Threshold for Error rate').fill('7')

  // A colleague tightens another row, latency, and the page behind shows their version.
  const tightened = policy.alert_rules.map(({ metric, operator, threshold, severity, window_hours, no_data }) => ({
    metric,
    operator,
    threshold: metric === 'latency_p95' ? 4000 : threshold,
    severity,
    window_hours,
    no_data,
  }))
  await console.call('policies.update', { id: policy.id, alert_rules: tightened })
  await expect(page.getByTestId('policy-version')).toHaveText(`Version ${policy.version + 1}`)
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  await page.getByRole('dialog', { name: 'Impact of the new thresholds' }).getByRole('button', { name: 'Confirm and save' }).click()

  // Their row is theirs; the edit touches only the row the person changed.
  const conflict = page.getByRole('dialog', { name: /changed this policy while you were editing/ })
  const rows = conflict.getByTestId('conflict-row')
  await expect(rows.filter({ hasText: 'latency_p95.threshold' })).toContainText(`as in version ${policy.version + 1}`)
  await expect(rows.filter({ hasText: 'error_rate.threshold' })).toContainText('7')
  await conflict.getByRole('button', { name: `Keep version ${policy.version + 1}, drop my edit` }).click()
  await expect(conflict).toBeHidden()
  const now = await console.call('policies.get', { id: policy.id })
  expect(now.version).toBe(policy.version + 1)
  expect(now.alert_rules.map((rule) => [rule.requirement, rule.threshold])).toEqual(policy.alert_rules.map((rule) => [rule.requirement, rule.requirement === 'latency_p95' ? 4000 : rule.threshold]))
})
