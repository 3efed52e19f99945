/**
 * Attestations in the console, in Chromium against the real `govern serve`: a request opened from
 * the inbox, its evidence reviewed and signed off with an exception, the excepted requirement on
 * the application's page and the inbox count going down; a refusal shown on the field it names;
 * and a policy's schedule and sign-off history on its page.
 */
import type { Page } from '@playwright/test'
import { OWNER_USER_ID } from '../src-shared/domain/people'
import { choose, combobox, expect, test, toast, type Console } from './console-fixture'

const DAY_MS = 86_400_000

/** YYYY-MM-DD `days` from today, UTC, as exception expiry dates are written. */
const dayFromToday = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)

interface World {
  policyId: string
  requestId: string
}

/**
 * An application breaching a critical PII requirement, under a published policy whose monthly
 * sign-off is asked of the workspace owner (the person the browser console acts as).
 */
async function failingPolicyAwaitingSignOff(console: Console, { notesRequired = false, policyName = 'Sensitive Data Watch', applicationId = 'app_chat' } = {}): Promise<World> {
  await console.call('applications.create', { id: applicationId, name: 'Chat Assistant', tags: ['customer-data'] })
  const rule = await console.call('attestationRules.create', {
    name: `${policyName} sign-off`,
    frequency: 'monthly',
    reviewers: [{ type: 'user', id: OWNER_USER_ID }],
    deadline_days: 10,
    escalation_path: [],
    notes_required: notesRequired,
    blocking: 'warn',
  })
  const policy = await console.call('policies.create', {
    name: policyName,
    enforcement_delay_days: 0,
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: [], application_ids: [applicationId] },
    status: 'published',
  })
  // 5% of the last hour's inferences carried personal data, against a 1% ceiling.
  await console.call('metrics.ingest', { id: applicationId, observations: [{ metric: 'pii', timestamp: new Date(Date.now() - 3_600_000).toISOString(), count: 10, total: 200 }] })
  await console.call('compliance.evaluate', { application_id: applicationId })
  const inbox = await console.call('attestations.inbox', { tab: 'open', policy_id: policy.id })
  expect(inbox.requests, 'the policy’s first request is open').toHaveLength(1)
  return { policyId: policy.id, requestId: inbox.requests[0]!.id }
}

const inboxLink = (page: Page) => page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: /^Attestation inbox/ })

test('a request opened from the inbox is reviewed on its evidence and signed off with an exception; the requirement reads "Excepted until …" and the inbox count drops', async ({ page, console }, testInfo) => {
  const world = await failingPolicyAwaitingSignOff(console)
  await console.open(page)

  // One request awaits the owner: the navigation says so.
  await expect(inboxLink(page).getByTestId('inbox-count')).toHaveText(/^1/)
  await inboxLink(page).click()
  await expect(page.getByRole('heading', { name: 'Attestation inbox' })).toBeVisible()
  const row = page.getByTestId('attestation-request-row').filter({ hasText: 'Sensitive Data Watch' })
  await expect(row).toContainText('Sensitive Data Watch sign-off')
  await expect(row).toContainText('Open')
  await row.getByText('Sensitive Data Watch sign-off').click()

  // The evidence, beside the form: the application breaching, its value against the threshold, its open gap.
  await expect(page).toHaveURL(new RegExp(`#/attestations/${world.requestId}$`))
  await expect(page.getByRole('heading', { name: 'Sensitive Data Watch', level: 2 })).toBeVisible()
  const evidence = page.getByTestId('evidence-application').filter({ hasText: 'Chat Assistant' })
  await expect(evidence).toContainText('Non-Compliant')
  const pii = evidence.getByTestId('evidence-requirement').filter({ hasText: 'PII detection rate' })
  await expect(pii).toContainText('5%')
  await expect(pii).toContainText('> 1%')
  await expect(pii).toContainText('Breach')
  await expect(evidence.getByTestId('evidence-gap')).toHaveCount(1)

  // "Add exception" beside the breach opens the editor on it, ready for the justification.
  await pii.getByRole('button', { name: 'Add an exception for PII detection rate on Chat Assistant' }).click()
  await expect(page.getByRole('radio', { name: 'Compliant with exceptions' })).toBeChecked()
  const exception = page.getByTestId('exception-row')
  await expect(combobox(exception, 'Application')).toHaveValue('Chat Assistant')
  await expect(combobox(exception, 'Requirement')).toHaveValue(/PII detection rate/)
  await expect(exception.getByRole('textbox', { name: 'Justification' })).toBeFocused()
  await page.keyboard.type('Accepted risk while the redaction fix ships: JIRA-1234, approved by the CISO')
  const expiry = dayFromToday(30)
  await exception.getByLabel('Expires on').fill(expiry)
  await page.getByRole('textbox', { name: 'Notes' }).fill('Reviewed the PII findings; redaction fix scheduled.')
  await page.screenshot({ path: testInfo.outputPath('review.png'), fullPage: true })
  await page.getByRole('button', { name: 'Sign off' }).click()

  await expect(toast(page, 'Signed off Sensitive Data Watch: Compliant with exceptions, with 1 exception.')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Attestation inbox' })).toBeVisible()
  await expect(inboxLink(page).getByTestId('inbox-count')).toHaveCount(0)
  await page.getByTestId('inbox-tab-done').click()
  await expect(page.getByTestId('attestation-request-row').filter({ hasText: 'Sensitive Data Watch' })).toContainText('Signed off')

  // The application's page: the requirement is excepted, until the date given and why.
  await page.goto(`${console.server.origin}/#/applications/app_chat`)
  const requirement = page.getByTestId('policy-compliance').getByTestId('requirement-result').filter({ hasText: 'PII detection rate' })
  const day = new Date(`${expiry}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC' })
  await expect(requirement.getByTestId('requirement-exception')).toHaveText(`Excepted until ${day} — Accepted risk while the redaction fix ships: JIRA-1234, approved by the CISO`)
  await expect(requirement).toContainText('Excepted')
  await page.screenshot({ path: testInfo.outputPath('application.png'), fullPage: true })

  const recorded = await console.call('attestations.list', { id: world.policyId })
  expect(recorded.attestations[0]).toMatchObject({ status: 'compliant_with_exceptions', request_id: world.requestId, exceptions: [{ application_id: 'app_chat', requirement: 'pii', expiry_date: expiry }] })
})

test('refusals appear on the field they name: notes the rule requires, then an expiry date in the past', async ({ page, console }, testInfo) => {
  const world = await failingPolicyAwaitingSignOff(console, { notesRequired: true })
  await console.open(page)
  await page.goto(`${console.server.origin}/#/attestations/${world.requestId}`)

  const notes = page.getByRole('textbox', { name: 'Notes' })
  await expect(notes).toHaveAttribute('required', '')
  await page.getByRole('radio', { name: 'Compliant', exact: true }).check()
  await page.getByRole('button', { name: 'Sign off' }).click()
  await expect(notes).toHaveAttribute('aria-invalid', 'true')
  await expect(notes).toHaveAccessibleDescription(/notes/i)

  // With notes, the engine's next refusal: an exception that has already ended.
  await notes.fill('Checked the PII findings.')
  await page.getByRole('radio', { name: 'Compliant with exceptions' }).check()
  const exception = page.getByTestId('exception-row')
  await choose(combobox(exception, 'Application'), 'Chat Assistant')
  await choose(combobox(exception, 'Requirement'), 'PII detection rate (breached)')
  await exception.getByRole('textbox', { name: 'Justification' }).fill('Accepted risk')
  const expiry = exception.getByLabel('Expires on')
  await expiry.fill(dayFromToday(-2))
  await page.getByRole('button', { name: 'Sign off' }).click()
  await expect(expiry).toHaveAttribute('aria-invalid', 'true')
  await page.screenshot({ path: testInfo.outputPath('refusal.png'), fullPage: true })
  await expect(notes).not.toHaveAttribute('aria-invalid', 'true')
  // Nothing was recorded, and the request still waits.
  expect((await console.call('attestations.list', { id: world.policyId })).attestations).toEqual([])
  await expect(page.getByTestId('request-state').first()).toHaveText('Open')
})

test('a policy’s page shows when each rule is next due, the way to its request, and the history of sign-offs with their exceptions', async ({ page, console }, testInfo) => {
  const world = await failingPolicyAwaitingSignOff(console)
  const expiry = dayFromToday(60)
  await console.call('attestations.submit', {
    id: world.policyId,
    status: 'compliant_with_exceptions',
    notes: 'PII exception tracked in JIRA-1234.',
    exceptions: [{ application_id: 'app_chat', requirement: 'pii', justification: 'Accepted risk, JIRA-1234', expiry_date: expiry }],
  })
  const me = await console.call('session.whoami', {})
  await console.open(page)

  await page.goto(`${console.server.origin}/#/policies/${world.policyId}`)
  await page.getByRole('tab', { name: 'Attestations' }).click()
  await expect(page).toHaveURL(/tab=attestations/)
  const schedule = page.getByTestId('attestation-schedule-row')
  await expect(schedule).toContainText('Sensitive Data Watch sign-off')
  await expect(schedule).toContainText('Monthly')
  await expect(schedule.getByTestId('next-due')).toContainText(/due in|overdue/)

  const history = page.getByRole('table', { name: 'Attestation history' }).getByTestId('attestation-history-row')
  await expect(history).toHaveCount(1)
  await expect(history).toContainText(me.name)
  await expect(history).toContainText('Compliant with exceptions')
  await expect(history).toContainText('PII exception tracked in JIRA-1234.')
  const granted = history.getByTestId('exception')
  await expect(granted).toContainText('Chat Assistant')
  await expect(granted).toContainText('PII detection rate')
  await expect(granted).toContainText('Accepted risk, JIRA-1234')
  await expect(granted).toHaveAttribute('data-state', 'active')
  await page.screenshot({ path: testInfo.outputPath('policy-attestations.png'), fullPage: true })

  // The schedule's request opens on the review screen, by keyboard too.
  const open = schedule.getByRole('link', { name: /^(Review and sign off|View): Sensitive Data Watch sign-off$/ })
  await open.focus()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#\/attestations\/atq_/)
  await expect(page.getByRole('heading', { name: 'Sensitive Data Watch', level: 2 })).toBeVisible()
})

test('the inbox filters by policy and by whom a request is addressed to, and its tabs and filters stay in the address', async ({ page, console }, testInfo) => {
  const mine = await failingPolicyAwaitingSignOff(console)
  // A second policy whose sign-off is asked of someone else.
  const colleague = await console.call('users.create', { name: 'Rita Reviewer', email: 'rita@example.com', role: 'reviewer', group_ids: [] })
  const rule = await console.call('attestationRules.create', {
    name: 'Quarterly quality sign-off',
    frequency: 'quarterly',
    reviewers: [{ type: 'user', id: colleague.id }],
    deadline_days: 14,
    escalation_path: [],
    notes_required: false,
    blocking: 'block',
  })
  await console.call('policies.create', {
    name: 'Quality Watch',
    alert_rules: [{ metric: 'error_rate', operator: '>', threshold: 5, severity: 'high' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })
  await console.open(page)
  await inboxLink(page).click()

  const rows = page.getByTestId('attestation-request-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.filter({ hasText: 'Quality Watch' })).toContainText('Rita Reviewer')
  await page.screenshot({ path: testInfo.outputPath('inbox.png'), fullPage: true })

  await page.getByRole('switch', { name: 'Addressed to me' }).check()
  await expect(page).toHaveURL(/mine=1/)
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText('Sensitive Data Watch')

  await page.getByRole('switch', { name: 'Addressed to me' }).uncheck()
  await choose(combobox(page, 'Policy'), 'Quality Watch')
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText('Quality Watch')

  // Reload keeps the question; the row opens its review.
  await page.reload()
  await expect(combobox(page, 'Policy')).toHaveValue('Quality Watch')
  await expect(rows).toHaveCount(1)
  await rows.first().click()
  await expect(page.getByRole('heading', { name: 'Quality Watch', level: 2 })).toBeVisible()
  await expect(page.getByText('addressed to its reviewers, not to you; as an org admin you may still sign it off')).toBeVisible()
  expect(mine.requestId).toMatch(/^atq_/)
})

test('a Non-Compliant sign-off shows on the application’s page, and its gap reads as an attestation', async ({ page, console }) => {
  const world = await failingPolicyAwaitingSignOff(console)
  await console.call('attestations.submit', { id: world.policyId, status: 'non_compliant', notes: 'Redaction is not in place yet.', request_id: world.requestId })
  await console.open(page)
  await page.goto(`${console.server.origin}/#/applications/app_chat`)

  const standing = page.getByTestId('policy-compliance').getByTestId('attestation-standing')
  await expect(standing).toContainText('Attested Non-Compliant')
  await expect(standing).toContainText('“Redaction is not in place yet.”')
  const gaps = page.getByRole('table', { name: 'Gap timeline' }).getByTestId('gap-history-row')
  await expect(gaps.filter({ hasText: 'Attestation' })).toContainText('attested Non-Compliant')

  // Its link opens the policy's attestations.
  await standing.getByRole('link', { name: 'See the policy’s attestations' }).click()
  await expect(page.getByRole('tab', { name: 'Attestations' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('attestation-history-row')).toContainText('Non-Compliant')
})

test('archiving the policy withdraws its request, which then reads as withdrawn and offers no sign-off', async ({ page, console }) => {
  const world = await failingPolicyAwaitingSignOff(console)
  await console.call('policies.archive', { id: world.policyId })
  await console.open(page)
  await page.goto(`${console.server.origin}/#/attestations/${world.requestId}`)

  await expect(page.getByTestId('request-state').first()).toHaveText('Withdrawn')
  await expect(page.getByTestId('request-outcome')).toContainText('Withdrawn on')
  await expect(page.getByRole('button', { name: 'Sign off' })).toHaveCount(0)
  await expect(inboxLink(page).getByTestId('inbox-count')).toHaveCount(0)
})
