/**
 * The policies console end to end, in Chromium against the real `govern serve`: the four-step
 * wizard, templates (clone and apply as is), applying a policy with a scope preview, and the
 * materialised rules it leaves on applications.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { samplePortfolio } from '../src-main/engine/workspace/sample'
import { startGovernServe, type GovernServer } from './govern-server'

let folder: string
let server: GovernServer | undefined

test.beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-policies-'))
})
test.afterEach(async () => {
  await server?.stop()
  server = undefined
  rmSync(folder, { recursive: true, force: true })
})

async function openSampleWorkspace(page: Page, file: string): Promise<GovernServer> {
  const started = await startGovernServe(join(folder, file))
  await page.goto(started.loginUrl)
  await page.getByRole('button', { name: 'Load sample workspace' }).click()
  await expect(page.getByTestId('compliance-row').first()).toBeVisible()
  return started
}

/** The REST API, signed in with the login token the sign-in link carries. */
async function rest(running: GovernServer, path: string): Promise<unknown> {
  const token = new URL(running.loginUrl).searchParams.get('token')
  const response = await fetch(`${running.origin}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  return response.json()
}

/**
 * The sample workspace comes with the four templates applied; tests that apply templates
 * themselves archive those first (archiving frees the names) and start from its applications.
 */
async function archiveSamplePolicies(page: Page, running: GovernServer): Promise<void> {
  const token = new URL(running.loginUrl).searchParams.get('token')
  const { policies } = (await rest(running, '/organization/policies')) as { policies: Array<{ id: string }> }
  for (const policy of policies) {
    const response = await fetch(`${running.origin}/api/v1/organization/policies/${policy.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
    expect(response.status).toBe(200)
  }
  await page.reload()
}

/** Chooses options in a Select or MultiSelect, then closes its dropdown so it covers nothing. */
async function choose(combobox: Locator, ...options: string[]) {
  await combobox.click()
  for (const option of options) await combobox.page().getByRole('option', { name: option, exact: true }).click()
  // A Select closes by itself; a MultiSelect stays open, and Escape on a closed one would close the dialog.
  if ((await combobox.getAttribute('aria-expanded')) === 'true') await combobox.press('Escape')
  await expect(combobox).toHaveAttribute('aria-expanded', 'false')
}

const combobox = (scope: Page | Locator, name: string) => scope.getByRole('combobox', { name, exact: true })

test('the wizard creates a custom policy with a tuned recommended rule, a new alert rule and a new attestation rule', async ({ page }, testInfo) => {
  server = await openSampleWorkspace(page, 'wizard.sqlite')

  // Settings → People: the reviewer and the group who will attest.
  await page.getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Add user' }).click()
  const userDialog = page.getByRole('dialog', { name: 'Add user' })
  await userDialog.getByLabel('Name').fill('Grace Hopper')
  await userDialog.getByLabel('Email').fill('grace.hopper@example.com')
  await userDialog.getByRole('button', { name: 'Add user' }).click()
  await expect(userDialog).toBeHidden()
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('grace.hopper@example.com')

  await page.getByRole('button', { name: 'New group' }).click()
  const groupDialog = page.getByRole('dialog', { name: 'New group' })
  await groupDialog.getByLabel('Group name').fill('Model Risk Committee')
  await choose(combobox(groupDialog, 'Members'), 'Grace Hopper')
  await groupDialog.getByRole('button', { name: 'Create group' }).click()
  await expect(groupDialog).toBeHidden()
  await expect(page.getByTestId('group-row').filter({ hasText: 'Model Risk Committee' })).toContainText('Grace Hopper')

  // Step 1: Next refuses an empty name.
  await page.getByRole('link', { name: 'Policies' }).click()
  await page.getByRole('button', { name: '+ New Policy' }).click()
  await expect(page.getByRole('heading', { name: 'New policy' })).toBeVisible()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByText('name is required')).toBeVisible()
  await expect(page.getByLabel('Policy Name')).toBeVisible()

  await page.getByLabel('Policy Name').fill('Customer Data Guardrails')
  await page.getByLabel('Description').fill('GDPR Art. 32: customer data never leaks through AI answers.')
  await choose(combobox(page, 'Ownership'), 'Governance Team')
  await page.getByLabel('Notifications webhook URL').fill('https://hooks.slack.com/services/T000/B000/governance')
  await page.getByRole('button', { name: 'Next' }).click()

  // Steps 2 and 3: a policy with no rule at all cannot get past the attestation step.
  await expect(page.getByRole('table', { name: 'Alert rules' })).toBeVisible()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('button', { name: '+ ATTESTATION RULE' })).toBeVisible()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'A policy requires at least one alert rule or one attestation rule' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'CONFIRM & CREATE' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Back' }).click()

  // A recommended library rule, with a stricter threshold for this policy.
  const piiRow = page.getByTestId('alert-rule-option').filter({ hasText: 'PII detection rate above 2%' })
  await expect(piiRow.getByText('Recommended')).toBeVisible()
  await piiRow.getByRole('checkbox').check()
  await piiRow.getByLabel('Threshold for PII detection rate above 2%').fill('1.5')

  // "+ ALERT RULE": a new library rule, selected as soon as it exists.
  await page.getByRole('button', { name: '+ ALERT RULE' }).click()
  const alertDialog = page.getByRole('dialog', { name: 'New alert rule' })
  await alertDialog.getByLabel('Rule name').fill('Toxicity rate above 0.5%')
  await choose(combobox(alertDialog, 'Metric'), 'Toxicity rate')
  await alertDialog.getByLabel('Threshold (%)').fill('0.5')
  await choose(combobox(alertDialog, 'Severity'), 'Critical')
  await alertDialog.getByRole('button', { name: 'Create alert rule' }).click()
  await expect(alertDialog).toBeHidden()
  const toxicityRow = page.getByTestId('alert-rule-option').filter({ hasText: 'Toxicity rate above 0.5%' })
  await expect(toxicityRow.getByRole('checkbox')).toBeChecked()
  await page.screenshot({ path: testInfo.outputPath('wizard-alert-rules.png'), fullPage: true })
  await page.getByRole('button', { name: 'Next' }).click()

  // "+ ATTESTATION RULE": reviewers are a person and a group from the directory.
  await page.getByRole('button', { name: '+ ATTESTATION RULE' }).click()
  const attestationDialog = page.getByRole('dialog', { name: 'New attestation rule' })
  await attestationDialog.getByLabel('Rule name').fill('Quarterly data-handling sign-off')
  await choose(combobox(attestationDialog, 'Reviewers'), 'Grace Hopper', 'Model Risk Committee (group)')
  await attestationDialog.getByLabel('Deadline window (days)').fill('10')
  await choose(combobox(attestationDialog, 'Escalation path'), 'Dana Whitfield (CISO)')
  await attestationDialog.getByLabel('Reviewer must write notes').check()
  await attestationDialog.getByLabel('Block', { exact: true }).check()
  await attestationDialog.getByRole('button', { name: 'Create attestation rule' }).click()
  await expect(attestationDialog).toBeHidden()
  const attestationRow = page.getByTestId('attestation-rule-row').filter({ hasText: 'Quarterly data-handling sign-off' })
  await expect(attestationRow.getByRole('checkbox')).toBeChecked()
  await expect(attestationRow).toContainText('Grace Hopper, Model Risk Committee')
  await page.getByRole('button', { name: 'Next' }).click()

  // Step 4: the summary, then create.
  await expect(page.getByText('Customer Data Guardrails')).toBeVisible()
  const summary = page.getByRole('table', { name: 'Selected alert rules' })
  await expect(summary.getByRole('row')).toHaveCount(3)
  await expect(summary.getByRole('row').filter({ hasText: 'PII detection rate' })).toContainText('> 1.5%')
  await expect(summary.getByRole('row').filter({ hasText: 'Toxicity rate' })).toContainText('> 0.5%')
  await expect(page.getByRole('table', { name: 'Selected attestation rules' })).toContainText('Quarterly data-handling sign-off')
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()

  // The new policy's detail, at version 1.
  await expect(page.getByRole('heading', { name: 'Customer Data Guardrails' })).toBeVisible()
  await expect(page).toHaveURL(/#\/policies\/pol_/)
  await expect(page.getByTestId('policy-version')).toHaveText('Version 1')
  await expect(page.getByLabel('Policy details')).toContainText('Governance Team')
  const requirements = page.getByRole('table', { name: 'Requirements' })
  await expect(requirements.getByTestId('requirement-row').filter({ hasText: 'pii' })).toContainText('> 1.5%')
  await expect(requirements.getByTestId('requirement-row').filter({ hasText: 'toxicity' })).toContainText('> 0.5%')
  await expect(page.getByRole('table', { name: 'Policy attestation rules' })).toContainText('Quarterly data-handling sign-off')
  await page.getByRole('tab', { name: /Versions/ }).click()
  await expect(page.getByTestId('version-row')).toHaveCount(1)
  await expect(page.getByTestId('version-row')).toContainText('Created')

  // It is in the workspace, not just on screen.
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Customer Data Guardrails' })).toBeVisible()
  await page.getByRole('link', { name: 'Policies' }).click()
  const listed = page.getByTestId('policy-row').filter({ hasText: 'Customer Data Guardrails' })
  await expect(listed).toContainText('v1')
  await expect(listed.getByRole('cell')).toHaveText(['Customer Data Guardrails', 'published', 'v1', '—', '2', '1', '0'])

  // The audit log narrows to policy records.
  await page.getByRole('link', { name: 'Audit log' }).click()
  await choose(combobox(page, 'Record type'), 'policy')
  await expect(page.getByRole('table', { name: 'Audit events' })).toContainText('policy.created')
  await expect(page.getByRole('table', { name: 'Audit events' })).not.toContainText('application.created')
})

test('cloning Sensitive Data prefills the wizard with its four requirements, and a changed threshold is what the policy keeps', async ({ page }) => {
  server = await openSampleWorkspace(page, 'clone.sqlite')
  await page.getByRole('link', { name: 'Templates' }).click()
  const card = page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'Sensitive Data' }) })
  await expect(card.getByRole('table', { name: 'Sensitive Data requirements' }).getByRole('row')).toHaveCount(5)
  await expect(card).toContainText('> 2%')
  await card.getByRole('button', { name: 'Clone & customise' }).click()

  await expect(page.getByRole('heading', { name: 'New policy' })).toBeVisible()
  await expect(page.getByLabel('Policy Name')).toHaveValue('Sensitive Data (custom)')
  await page.getByRole('button', { name: 'Next' }).click()

  const chosen = page.locator('[data-testid="alert-rule-option"][data-selected="true"]')
  await expect(chosen).toHaveCount(4)
  for (const name of ['PII detection rate above 2%', 'Sensitive data detection rate above 1%', 'Credit card / financial data (zero tolerance)', 'SSN / government ID detection (zero tolerance)']) {
    await expect(chosen.filter({ hasText: name }).getByRole('checkbox')).toBeChecked()
  }
  const pii = page.getByLabel('Threshold for PII detection rate above 2%')
  await expect(pii).toHaveValue('2')

  // A threshold outside its metric's range (a 150% rate) is caught at Next, beside that rule.
  await pii.fill('150')
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByText('threshold for PII detection rate must be between 0 and 100 %')).toBeVisible()
  await expect(pii).toBeVisible()

  await pii.fill('0.8')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByRole('table', { name: 'Selected alert rules' }).getByRole('row')).toHaveCount(5)
  await expect(page.getByRole('table', { name: 'Selected alert rules' })).toContainText('> 0.8%')
  await page.getByRole('button', { name: 'CONFIRM & CREATE' }).click()

  await expect(page.getByRole('heading', { name: 'Sensitive Data (custom)' })).toBeVisible()
  const requirements = page.getByRole('table', { name: 'Requirements' }).getByTestId('requirement-row')
  await expect(requirements).toHaveCount(4)
  await expect(requirements.filter({ hasText: 'pii' })).toContainText('> 0.8%')
  await expect(requirements.filter({ hasText: 'sensitive_data' })).toContainText('> 1%')
  await page.reload()
  await expect(page.getByRole('table', { name: 'Requirements' }).getByTestId('requirement-row').filter({ hasText: 'pii' })).toContainText('> 0.8%')
})

test('applying a policy by tag previews exactly the tagged applications, materialises rules, and a deleted rule shows as missing', async ({ page }, testInfo) => {
  server = await openSampleWorkspace(page, 'apply.sqlite')
  await archiveSamplePolicies(page, server)
  await page.getByRole('link', { name: 'Templates' }).click()
  const card = page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'Hardened for External Usage' }) })
  await card.getByRole('button', { name: 'Apply as is' }).click()

  // "Apply as is" lands on the new policy with "Apply to applications" open.
  const dialog = page.getByRole('dialog', { name: 'Apply Hardened for External Usage to applications' })
  await expect(dialog).toBeVisible()
  await dialog.getByText('By tags').click()
  await choose(combobox(dialog, 'Tags'), 'external-facing')

  const tagged = samplePortfolio()
    .filter((app) => app.tags.includes('external-facing'))
    .map((app) => app.name)
    .sort()
  const preview = dialog.getByTestId('preview-row')
  await expect(preview).toHaveCount(tagged.length)
  expect((await preview.locator('td:first-child').allTextContents()).sort()).toEqual(tagged)
  await expect(dialog.locator('[data-testid="preview-row"][data-change="added"]')).toHaveCount(tagged.length)
  await expect(dialog.getByTestId('preview-added-count')).toHaveText(`${tagged.length} added`)
  await expect(dialog.getByTestId('preview-removed-count')).toHaveText('0 removed')
  // The impact on current data: each tagged application gains the template's five rules, with the status it would have.
  const impactRows = dialog.locator('[data-testid="impact-row"][data-coverage="added"]')
  await expect(impactRows).toHaveCount(tagged.length)
  await expect(impactRows.first()).toContainText('+ Prompt injection detection rate > 0.5%')
  await expect(dialog.getByTestId('impact-summary')).toContainText(`${tagged.length * 5} rules added`)
  await expect(dialog).toBeVisible()
  await page.screenshot({ path: testInfo.outputPath('apply-preview.png') })

  // The preview wrote nothing.
  const policyId = /#\/policies\/(pol_[^/]+)/.exec(page.url())?.[1]
  expect(policyId).toBeTruthy()
  expect(await rest(server, `/organization/policies/${policyId}/applications`)).toEqual({ applications: [] })

  await dialog.getByRole('button', { name: 'Apply' }).click()
  await expect(dialog).toBeHidden()
  const covered = page.getByTestId('covered-application-row')
  await expect(covered).toHaveCount(tagged.length)
  expect((await covered.locator('td:first-child').allTextContents()).sort()).toEqual(tagged)
  expect(await rest(server, `/organization/policies/${policyId}`)).toMatchObject({ scope: { apply_to_all: false, tags: ['external-facing'] } })

  // Each covered application carries the five materialised rules, sourced from this policy.
  await page.getByRole('button', { name: 'Show rules for Customer Support Assistant', exact: true }).click()
  const rules = page.getByRole('table', { name: 'Alert rules on Customer Support Assistant' }).getByTestId('materialised-rule-row')
  await expect(rules).toHaveCount(5)
  await expect(rules.filter({ hasText: 'PII detection rate' })).toContainText('> 2%')
  for (const source of await rules.locator('td:nth-child(4)').allTextContents()) expect(source).toBe('Hardened for External Usage')

  // Deleting one leaves the application missing a required rule.
  await rules.filter({ hasText: 'PII detection rate' }).getByRole('button', { name: 'Delete PII detection rate rule' }).click()
  await page.getByRole('dialog', { name: 'Delete the PII detection rate rule?' }).getByRole('button', { name: 'Delete rule' }).click()
  await expect(rules).toHaveCount(4)
  const supportRow = covered.filter({ hasText: 'Customer Support Assistant' }).first()
  await expect(supportRow.getByText('Missing rule')).toBeVisible()
  await expect(supportRow).toContainText('PII detection rate')

  // Still missing after a reload; "Restore rules" brings it back.
  await page.reload()
  await page.getByRole('tab', { name: /Covered applications/ }).click()
  await expect(page.getByTestId('covered-application-row').filter({ hasText: 'Customer Support Assistant' }).first().getByText('Missing rule')).toBeVisible()
  await page.getByRole('button', { name: 'Show rules for Customer Support Assistant', exact: true }).click()
  await page.getByRole('button', { name: 'Restore PII detection rate rule' }).click()
  await expect(page.getByRole('table', { name: 'Alert rules on Customer Support Assistant' }).getByTestId('materialised-rule-row')).toHaveCount(5)
  await expect(page.getByTestId('covered-application-row').filter({ hasText: 'Customer Support Assistant' }).first().getByText('Missing rule')).toHaveCount(0)
})

test('a template applied twice asks for a new name; edited thresholds make a new version that reaches covered applications; archive removes it', async ({ page }) => {
  server = await openSampleWorkspace(page, 'lifecycle.sqlite')
  await archiveSamplePolicies(page, server)
  const systemHealth = () => page.getByTestId('template-card').filter({ has: page.getByRole('heading', { name: 'System Health' }) })

  await page.getByRole('link', { name: 'Templates' }).click()
  await systemHealth().getByRole('button', { name: 'Apply as is' }).click()
  const firstApply = page.getByRole('dialog', { name: 'Apply System Health to applications' })
  await expect(firstApply).toBeVisible()
  await firstApply.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('heading', { name: 'System Health' })).toBeVisible()

  // The name is taken now: the console asks for another and retries.
  await page.getByRole('link', { name: 'Templates' }).click()
  await systemHealth().getByRole('button', { name: 'Apply as is' }).click()
  const naming = page.getByRole('dialog', { name: 'Name this policy' })
  await expect(naming).toContainText('already exists')
  await naming.getByLabel('Policy Name').fill('System Health (every application)')
  await naming.getByRole('button', { name: 'Create policy' }).click()
  const apply = page.getByRole('dialog', { name: 'Apply System Health (every application) to applications' })
  await apply.getByText('All applications', { exact: true }).click()
  const everyApplication = samplePortfolio().length
  await expect(apply.getByTestId('preview-added-count')).toHaveText(`${everyApplication} added`)
  await apply.getByRole('button', { name: 'Apply' }).click()
  await expect(apply).toBeHidden()
  await expect(page.getByTestId('covered-application-row')).toHaveCount(everyApplication)

  // Applying was version 2 (the scope changed); a stricter error rate becomes version 3.
  await expect(page.getByTestId('policy-version')).toHaveText('Version 2')
  await page.getByRole('tab', { name: 'Requirements' }).click()
  await page.getByRole('button', { name: 'Edit thresholds' }).click()
  await page.getByLabel('Threshold for Error rate').fill('2')
  await choose(combobox(page, 'Severity for Response latency (p95)'), 'Critical')
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  // The impact comes first: every covered application's error-rate rule tightens; nothing is saved yet.
  const impact = page.getByRole('dialog', { name: 'Impact of the new thresholds' })
  await expect(impact.getByTestId('impact-row')).toHaveCount(everyApplication)
  await expect(impact.getByTestId('impact-row').first()).toContainText('Error rate > 5% → > 2%')
  await expect(page.getByTestId('policy-version')).toHaveText('Version 2')
  await impact.getByRole('button', { name: 'Confirm and save' }).click()
  await expect(page.getByTestId('policy-version')).toHaveText('Version 3')
  const requirements = page.getByTestId('requirement-row')
  await expect(requirements.filter({ hasText: 'error_rate' })).toContainText('> 2%')
  await expect(requirements.filter({ hasText: 'latency_p95' })).toContainText('critical')

  await page.getByRole('tab', { name: /Versions/ }).click()
  await expect(page.getByTestId('version-row')).toHaveCount(3)
  await expect(page.getByTestId('version-row').first()).toContainText('v3')
  await expect(page.getByTestId('version-row').last()).toContainText('v1')
  await page.getByTestId('version-row').first().click()
  const thresholdChange = page.getByTestId('diff-row').filter({ hasText: 'alert_rules.error_rate.threshold' })
  await expect(thresholdChange.getByRole('cell')).toHaveText(['alert_rules.error_rate.threshold', '5', '2'])

  // Covered applications follow the new version.
  await page.getByRole('tab', { name: /Covered applications/ }).click()
  await page.getByRole('button', { name: 'Show rules for Order Status Bot', exact: true }).click()
  await expect(
    page.getByRole('table', { name: 'Alert rules on Order Status Bot' }).getByTestId('materialised-rule-row').filter({ hasText: 'Error rate' }),
  ).toContainText('> 2%')

  await page.getByRole('button', { name: 'Archive' }).click()
  await page.getByRole('dialog', { name: 'Archive System Health (every application)?' }).getByRole('button', { name: 'Archive policy' }).click()
  await expect(page.getByRole('heading', { name: 'Policies' })).toBeVisible()
  await expect(page.getByTestId('policy-row')).toHaveCount(1)
  await expect(page.getByTestId('policy-row')).toContainText('System Health')
})
