/**
 * Compliance in words and numbers that cannot be misread: requests that rose are not said to have
 * fallen, counts carry thousands separators, a gap's value says whether it is the value when the
 * gap opened or now, a policy names the template it came from, and the charts say what they count.
 */
import { expect, test } from './console-fixture'

test('requests that rose are said to have risen, with thousands separators', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { applications } = await console.call('applications.list', {})
  let rising: { id: string; name: string } | undefined
  for (const app of applications) {
    const compliance = await console.call('compliance.application', { id: app.id })
    const throughput = compliance.policies.flatMap((policy) => policy.requirements).find((result) => result.requirement === 'throughput_drop')
    // A drop of 0% with traffic on both sides: requests held or rose.
    if (throughput?.value === 0 && throughput.volume > 0) {
      rising = app
      break
    }
  }
  expect(rising, 'the sample has an application whose requests did not fall').toBeDefined()

  await page.goto(`${console.server.origin}/#/applications/${rising!.id}`)
  const reason = page.getByTestId('requirement-result').filter({ hasText: 'Throughput drop' }).first().getByTestId('requirement-reason')
  await expect(reason).toContainText(/Requests (rose [\d.]+%|held steady) \(\d{1,3}(,\d{3})* → \d{1,3}(,\d{3})*\)/)
  await expect(reason).not.toContainText('fell')
})

test('a gap’s value is labelled as the value when it opened on the dashboard, and as now on the application', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Dashboard' }).click()
  const worst = page.getByRole('table', { name: 'Worst gaps' })
  await expect(worst.getByRole('columnheader', { name: 'Value at opening' })).toBeVisible()
  await worst.getByTestId('gap-row').first().getByRole('link').first().click()
  await expect(page.getByTestId('policy-compliance').first().getByRole('columnheader', { name: 'Value now' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Gap timeline' }).getByRole('columnheader', { name: 'Value at opening' })).toBeVisible()
})

test('a policy made from a template names the template, applied as is or cloned', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const { policies } = await console.call('policies.list', { include_archived: false })
  const sensitive = policies.find((policy) => policy.name === 'Sensitive Data')!
  await page.goto(`${console.server.origin}/#/policies/${sensitive.id}`)
  await expect(page.getByLabel('Policy details')).toContainText('TemplateSensitive Data')

  await page.getByRole('link', { name: 'Templates' }).click()
  await page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'Sensitive Data' }) }).getByRole('button', { name: 'Clone & customise' }).click()
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()
  await expect(page.getByRole('heading', { name: 'Sensitive Data (custom)' })).toBeVisible()
  await expect(page.getByLabel('Policy details')).toContainText('TemplateSensitive Data')
})

test('the dashboard says what its numbers and charts count', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Dashboard' }).click()
  await expect(page.getByText('Applications by their worst status across the policies covering them')).toBeVisible()
  await expect(page.getByText('Covered applications in each status, per policy')).toBeVisible()
  await expect(page.getByText('Application × policy pairs in each status, at the end of each day')).toBeVisible()
  await expect(page.getByRole('img', { name: 'Compliance over time: application × policy pairs in each status, per day' })).toBeVisible()
  await expect(page.getByRole('img', { name: 'Compliance by policy: covered applications in each status' })).toBeVisible()
})
