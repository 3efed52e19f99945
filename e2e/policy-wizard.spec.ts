/**
 * The policy wizard checks each step on Next with the engine's own schema, every error at once and
 * beside its field, in the words on screen; a taken name is caught at the first step; what the
 * engine refuses at Confirm & Create lands on the step holding the field.
 */
import { expect, test, toast } from './console-fixture'

test('each step shows every error at once beside its field, in the labels on screen; a taken name is caught at step 1, a negative delay is an error', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Policies' }).click()
  await page.getByRole('button', { name: '+ New Policy' }).click()

  const name = page.getByRole('textbox', { name: 'Policy Name' })
  const delay = page.getByRole('textbox', { name: 'Enforcement delay (days)' })
  const webhook = page.getByRole('textbox', { name: 'Notifications webhook URL' })
  await name.fill('system health')
  await delay.fill('-5')
  await webhook.fill('hooks.example.com/governance')
  await page.getByRole('button', { name: 'Next' }).click()

  await expect(name).toHaveAccessibleDescription(/A policy named "System Health" already exists/)
  await expect(delay).toHaveAccessibleDescription(/Enforcement delay cannot be negative/)
  await expect(delay).toHaveValue('-5')
  await expect(webhook).toHaveAccessibleDescription(/Notifications webhook URL must be an http\(s\) URL/)
  await expect(page.getByRole('main')).not.toContainText('notification_webhook')
  await expect(page.getByRole('main')).not.toContainText('enforcement_delay_days')

  await name.fill('Customer Data Guardrails')
  await delay.fill('14')
  await webhook.fill('https://hooks.example.com/governance')
  await page.getByRole('button', { name: 'Next' }).click()

  // Step 2: two rules wrong in two ways, both shown at once, each at its own threshold.
  const pii = page.getByTestId('alert-rule-option').filter({ hasText: 'PII detection rate above 2%' })
  const toxicity = page.getByTestId('alert-rule-option').filter({ hasText: 'Toxicity rate above 1%' })
  await pii.getByRole('checkbox').check()
  await toxicity.getByRole('checkbox').check()
  const piiThreshold = page.getByRole('textbox', { name: 'Threshold for PII detection rate above 2%' })
  const toxicityThreshold = page.getByRole('textbox', { name: 'Threshold for Toxicity rate above 1%' })
  await piiThreshold.fill('150')
  await toxicityThreshold.fill('')
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(piiThreshold).toHaveAccessibleDescription(/Threshold for PII detection rate must be between 0 and 100 %/)
  await expect(toxicityThreshold).toHaveAccessibleDescription(/Threshold must be a number/)

  await piiThreshold.fill('1.5')
  await toxicityThreshold.fill('0.5')
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('button', { name: '+ ATTESTATION RULE' })).toBeVisible()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('button', { name: 'CONFIRM & CREATE' })).toBeVisible()

  // Someone takes the name meanwhile: Confirm & Create goes back to the step holding the name.
  await console.call('policies.create', { name: 'Customer Data Guardrails', alert_rules: [{ alert_rule_id: 'ar_pii' }] })
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()
  await expect(name).toHaveAccessibleDescription(/A policy named "Customer Data Guardrails" already exists/)
  await name.fill('Customer Data Guardrails (EU)')
  for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()
  await expect(page.getByRole('heading', { name: 'Customer Data Guardrails (EU)' })).toBeVisible()
  await expect(toast(page, 'Created Customer Data Guardrails (EU)')).toBeVisible()
  await expect(page.getByLabel('Policy details')).toContainText('14 days')
})

test('a refusal at Confirm & Create about a rule lands on the Alert Rules step, beside that rule', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await page.getByRole('link', { name: 'Policies' }).click()
  await page.getByRole('button', { name: '+ New Policy' }).click()
  await page.getByRole('textbox', { name: 'Policy Name' }).fill('Latency Watch')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByTestId('alert-rule-option').filter({ hasText: 'Error rate above 5%' }).getByRole('checkbox').check()
  await page.getByTestId('alert-rule-option').filter({ hasText: 'Response latency (p95) above 5000 ms' }).getByRole('checkbox').check()
  for (let step = 0; step < 2; step++) await page.getByRole('button', { name: 'Next' }).click()

  // What only the engine can judge, stood in for here: it refuses the second rule's threshold.
  await page.route('**/rpc/policies.create', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ error: 'invalid_input', message: 'threshold for Response latency (p95) must be between 0 and 600000 ms', field: 'alert_rules.1.threshold' }),
    }),
  )
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()
  await expect(page.getByRole('textbox', { name: 'Threshold for Response latency (p95) above 5000 ms' })).toHaveAccessibleDescription(
    /Threshold for Response latency \(p95\) must be between 0 and 600000 ms/,
  )
  await expect(page.getByRole('textbox', { name: 'Policy Name' })).toHaveCount(0)
})
