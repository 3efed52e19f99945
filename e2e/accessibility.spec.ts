/**
 * Accessibility: axe-core checks every screen and dialog of the console, in light and in dark
 * mode, on the sample workspace, and fails on any serious or critical violation. Dialogs close
 * with Escape, so each is also shown to be left by keyboard.
 */
import { AxeBuilder } from '@axe-core/playwright'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startGovernServe, type GovernServer } from './govern-server'

let folder: string
let server: GovernServer
/** Policies on the sample whose monthly sign-off is asked of the owner: one still open, one signed off with an exception. */
let attested: { policyId: string; requestId: string; signedPolicyId: string; signedRequestId: string }

/** Calls a procedure as the signed-in page does. */
async function rpc<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-govern-console': '1' }, body: JSON.stringify(body) })
      if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`)
      return response.json()
    },
    [procedure, input] as const,
  ) as Promise<T>
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000)
  folder = mkdtempSync(join(tmpdir(), 'govern-e2e-a11y-'))
  server = await startGovernServe(join(folder, 'a11y.sqlite'))
  const page = await browser.newPage()
  await page.goto(server.loginUrl)
  const loaded = await page.evaluate(async () => {
    const response = await fetch('/rpc/workspace.loadSample', { method: 'POST', headers: { 'content-type': 'application/json', 'x-govern-console': '1' }, body: '{}' })
    return response.status
  })
  expect(loaded).toBe(200)
  // The sample asks for no sign-off: one policy does here, on every application, so the inbox,
  // the review screen and the policy's attestations have something to show.
  const rule = await rpc<{ id: string }>(page, 'attestationRules.create', {
    name: 'Monthly PII sign-off',
    frequency: 'monthly',
    reviewers: [{ type: 'user', id: 'usr_owner' }],
    deadline_days: 10,
    escalation_path: [],
    notes_required: true,
    blocking: 'warn',
  })
  const policy = await rpc<{ id: string }>(page, 'policies.create', {
    name: 'PII sign-off',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: true, tags: [], application_ids: [] },
  })
  const signed = await rpc<{ id: string }>(page, 'policies.create', {
    name: 'PII sign-off, signed',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [rule.id],
    scope: { apply_to_all: false, tags: [], application_ids: [await firstId(page, 'applications.list', 'applications')] },
  })
  const openRequest = async (policyId: string) => (await rpc<{ requests: Array<{ id: string }> }>(page, 'attestations.inbox', { tab: 'open', policy_id: policyId })).requests[0]!.id
  attested = { policyId: policy.id, requestId: await openRequest(policy.id), signedPolicyId: signed.id, signedRequestId: await openRequest(signed.id) }
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const coverage = await rpc<{ applications: Array<{ application_id: string }> }>(page, 'policies.coverage', { id: signed.id })
  await rpc(page, 'attestations.submit', {
    id: signed.id,
    status: 'compliant_with_exceptions',
    notes: 'Reviewed; PII exception tracked in JIRA-1234.',
    exceptions: [{ application_id: coverage.applications[0]!.application_id, requirement: 'pii', justification: 'Accepted risk, JIRA-1234', expiry_date: expiry }],
    request_id: attested.signedRequestId,
  })
  // One past export, so the Reports screen's history has a row (its hash, its copy button) to check.
  await rpc(page, 'reports.compliance', { format: 'csv' })
  await page.close()
})
test.afterAll(async () => {
  await server?.stop()
  rmSync(folder, { recursive: true, force: true })
})

/** Serious and critical violations, each named with the elements at fault, so a failure says what to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const nodes = violation.nodes.slice(0, 8).map((node) => `${node.target.join(' ')}: ${node.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
      return `${violation.id} (${violation.impact}): ${violation.help}\n  ${nodes.join('\n  ')}`
    })
}

async function openScreen(page: Page, hash: string, ready: (page: Page) => Promise<void>) {
  await page.goto(`${server.origin}/${hash}`)
  await ready(page)
  // Let transitions (modals, toasts) settle so axe sees final colours.
  await page.waitForTimeout(300)
}

async function firstId(page: Page, procedure: string, key: string): Promise<string> {
  return page.evaluate(
    async ([name, field]) => {
      const response = await fetch(`/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-govern-console': '1' }, body: '{}' })
      const body = (await response.json()) as Record<string, Array<{ id: string }>>
      return body[field]![0]!.id
    },
    [procedure, key] as const,
  )
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`in ${scheme} mode`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(server.loginUrl)
    })

    const screens: Array<[string, string, (page: Page) => Promise<void>]> = [
      ['the dashboard', '#/dashboard', (page) => expect(page.getByRole('img', { name: 'Compliance over time' })).toBeVisible()],
      ['the applications list', '#/applications', (page) => expect(page.getByTestId('application-row').first()).toBeVisible()],
      ['the policies list', '#/policies', (page) => expect(page.getByRole('heading', { name: 'Policies' })).toBeVisible()],
      ['the templates', '#/templates', (page) => expect(page.getByRole('heading', { name: /Templates/ })).toBeVisible()],
      ['the attestation inbox', '#/attestations', (page) => expect(page.getByTestId('attestation-request-row').first()).toBeVisible()],
      [
        'the reports',
        '#/reports',
        async (page) => {
          await expect(page.getByRole('img', { name: /^Compliance over time in the report/ })).toBeVisible()
          await expect(page.getByTestId('export-row')).toHaveCount(1)
        },
      ],
      ['the audit log', '#/audit', (page) => expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible()],
      ['the settings', '#/settings', (page) => expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()],
    ]
    for (const [name, hash, ready] of screens) {
      test(`${name} has no serious or critical violation`, async ({ page }) => {
        await openScreen(page, hash, ready)
        expect(await seriousViolations(page)).toEqual([])
      })
    }

    /** Opens a dialog with `open`, checks the page with it showing, and closes it with Escape. */
    async function checkDialog(page: Page, name: string | RegExp, openDialog: () => Promise<void>): Promise<string[]> {
      await openDialog()
      const dialog = page.getByRole('dialog', { name })
      await expect(dialog).toBeVisible()
      await page.waitForTimeout(300)
      const found = (await seriousViolations(page)).map((violation) => `${String(name)}: ${violation}`)
      await page.keyboard.press('Escape')
      await expect(dialog).toBeHidden()
      return found
    }

    test('the dialogs of applications have no serious or critical violation', async ({ page }) => {
      await openScreen(page, '#/applications', (p) => expect(p.getByTestId('application-row').first()).toBeVisible())
      const found = await checkDialog(page, 'New application', () => page.getByRole('button', { name: 'New application' }).click())
      const id = await firstId(page, 'applications.list', 'applications')
      await openScreen(page, `#/applications/${id}`, (p) => expect(p.getByRole('button', { name: 'Import inference data' })).toBeVisible())
      found.push(...(await checkDialog(page, /^Import inference data into/, () => page.getByRole('button', { name: 'Import inference data' }).click())))
      found.push(...(await checkDialog(page, /^Retire /, () => page.getByRole('button', { name: 'Retire application' }).click())))
      expect(found).toEqual([])
    })

    test('the dialogs of policies and templates have no serious or critical violation', async ({ page }) => {
      const id = await firstId(page, 'policies.list', 'policies')
      await openScreen(page, `#/policies/${id}`, (p) => expect(p.getByRole('button', { name: 'Apply to applications' })).toBeVisible())
      const found = await checkDialog(page, /^Apply .+ to applications$/, () => page.getByRole('button', { name: 'Apply to applications' }).click())
      found.push(...(await checkDialog(page, /^Edit details of/, () => page.getByRole('button', { name: 'Edit details' }).click())))
      found.push(...(await checkDialog(page, /^Archive /, () => page.getByRole('button', { name: 'Archive', exact: true }).click())))
      // The sample already holds a policy of each template's name, so applying one as is asks for a new name.
      await openScreen(page, '#/templates', (p) => expect(p.getByRole('button', { name: 'Apply as is' }).first()).toBeVisible())
      found.push(...(await checkDialog(page, 'Name this policy', () => page.getByRole('button', { name: 'Apply as is' }).first().click())))
      expect(found).toEqual([])
    })

    test('the policy wizard, with its errors showing, has no serious or critical violation', async ({ page }) => {
      await openScreen(page, '#/policies/new', (p) => expect(p.getByRole('button', { name: 'Next' })).toBeVisible())
      await page.getByRole('button', { name: 'Next' }).click()
      await expect(page.getByText(/required|enter|name/i).first()).toBeVisible()
      const found = await seriousViolations(page)
      await page.getByRole('textbox', { name: /Policy Name/ }).fill(`Accessible policy ${scheme}`)
      await page.getByRole('button', { name: 'Next' }).click()
      found.push(...(await seriousViolations(page)))
      found.push(...(await checkDialog(page, 'New alert rule', () => page.getByRole('button', { name: '+ ALERT RULE' }).click())))
      expect(found).toEqual([])
    })

    test('the dialogs of people have no serious or critical violation', async ({ page }) => {
      await openScreen(page, '#/settings', (p) => expect(p.getByRole('button', { name: 'Add user' })).toBeVisible())
      const found = await checkDialog(page, 'Add user', () => page.getByRole('button', { name: 'Add user' }).click())
      found.push(...(await checkDialog(page, 'New group', () => page.getByRole('button', { name: 'New group' }).click())))
      found.push(...(await checkDialog(page, /^Deactivate /, () => page.getByRole('button', { name: /^Deactivate / }).first().click())))
      expect(found).toEqual([])
    })

    test('the command palette, the shortcuts overlay and a confirmation have no serious or critical violation', async ({ page }) => {
      await openScreen(page, '#/dashboard', (p) => expect(p.getByRole('heading', { name: 'Governance dashboard' })).toBeVisible())
      const found = await checkDialog(page, 'Command palette', async () => {
        await page.keyboard.press('Control+k')
        await page.keyboard.type('claims')
      })
      found.push(...(await checkDialog(page, 'Keyboard shortcuts', () => page.keyboard.press('?'))))
      const id = await firstId(page, 'applications.list', 'applications')
      await openScreen(page, `#/applications/${id}`, (p) => expect(p.getByRole('button', { name: /^Delete .+ rule$/ }).first()).toBeVisible())
      found.push(...(await checkDialog(page, /^Delete /, () => page.getByRole('button', { name: /^Delete .+ rule$/ }).first().click())))
      expect(found).toEqual([])
    })

    test('an application’s page has no serious or critical violation', async ({ page }) => {
      const id = await firstId(page, 'applications.list', 'applications')
      await openScreen(page, `#/applications/${id}`, (p) => expect(p.getByRole('heading', { level: 2 }).first()).toBeVisible())
      expect(await seriousViolations(page)).toEqual([])
    })

    test('an attestation review, with the exception editor open and a refusal showing, has no serious or critical violation', async ({ page }) => {
      await openScreen(page, `#/attestations/${attested.requestId}`, (p) => expect(p.getByTestId('evidence-application').first()).toBeVisible())
      const found = await seriousViolations(page)
      await page.getByRole('radio', { name: 'Compliant with exceptions' }).check()
      await expect(page.getByTestId('exception-row')).toBeVisible()
      // The row left empty and the notes the rule requires: the engine refuses, and says where.
      await page.getByRole('button', { name: 'Sign off' }).click()
      await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible()
      await page.waitForTimeout(300)
      found.push(...(await seriousViolations(page)))
      expect(found).toEqual([])
    })

    test('a signed-off request, read-only, and a policy’s attestations with their history have no serious or critical violation', async ({ page }) => {
      await openScreen(page, `#/attestations/${attested.signedRequestId}`, (p) => expect(p.getByTestId('request-outcome')).toBeVisible())
      const found = await seriousViolations(page)
      await openScreen(page, `#/policies/${attested.signedPolicyId}?tab=attestations`, (p) => expect(p.getByTestId('attestation-history-row').first()).toBeVisible())
      found.push(...(await seriousViolations(page)))
      expect(found).toEqual([])
    })

    test('a policy edit met by a colleague’s newer version, both side by side, has no serious or critical violation', async ({ page }) => {
      const { policies } = await rpc<{ policies: Array<{ id: string; version: number }> }>(page, 'policies.list', {})
      const policy = policies.at(-1)!
      await openScreen(page, `#/policies/${policy.id}`, (p) => expect(p.getByRole('button', { name: 'Edit details' })).toBeVisible())
      await page.getByRole('button', { name: 'Edit details' }).click()
      await page.getByRole('dialog', { name: /^Edit details of/ }).getByRole('textbox', { name: 'Description' }).fill(`Mine, in ${scheme} mode`)
      const now = await rpc<{ version: number }>(page, 'policies.get', { id: policy.id })
      await rpc(page, 'policies.update', { id: policy.id, description: `A colleague’s, in ${scheme} mode` })
      await expect(page.getByTestId('policy-version')).toHaveText(`Version ${now.version + 1}`)
      const found = await checkDialog(page, /changed this policy while you were editing/, () => page.getByRole('dialog', { name: /^Edit details of/ }).getByRole('button', { name: 'Save details' }).click())
      expect(found).toEqual([])
    })

    test('the sync status, its panel and the changes the server refused have no serious or critical violation', async ({ page }) => {
      // Six scans: the header, the panel, both problems and Settings twice.
      test.setTimeout(120_000)
      // The status is the engine's to say; here it is set, so every state the header can show is checked.
      const { policies } = await rpc<{ policies: Array<{ id: string; name: string }> }>(page, 'policies.list', {})
      const { versions } = await rpc<{ versions: Array<{ version: number; actor: { id: string; name: string } }> }>(page, 'policies.versions', { id: policies[0]!.id })
      const base = versions.at(-1)!
      const current = { ...base, version: base.version + 1, actor: { id: 'usr_colleague', name: 'Grace on the server' }, created_at: new Date().toISOString() }
      const madeAt = new Date(Date.now() - 3_600_000).toISOString()
      const status = {
        state: 'offline',
        server_url: 'https://governance.example.org',
        last_synced_at: madeAt,
        pending: 3,
        last_error: 'The server cannot be reached (connection refused).',
        problems: [
          {
            command_id: 'cmd_conflict',
            procedure: 'policies.update',
            summary: `Edit policy ${policies[0]!.name}`,
            made_at: madeAt,
            kind: 'conflict',
            message: 'The policy moved on to a newer version meanwhile.',
            conflict: {
              kind: 'policy',
              policy_id: policies[0]!.id,
              base,
              current,
              their_changes: [{ path: 'description', before: null, after: 'Theirs, on the server' }],
              your_changes: [{ path: 'description', before: 'Theirs, on the server', after: 'Mine, made offline' }],
            },
          },
          { command_id: 'cmd_rejected', procedure: 'applications.create', summary: 'Add application Claims triage', made_at: madeAt, kind: 'rejected', message: 'An application of that name exists already.' },
        ],
      }
      await page.route('**/rpc/sync.status', (route) => route.fulfill({ json: status }))
      // Read afresh: the page already asked once, before the answer was set.
      await page.reload()
      await openScreen(page, '#/dashboard', (p) => expect(p.getByTestId('sync-status')).toHaveText(/Offline — 3 changes waiting/))
      const found = await seriousViolations(page)
      found.push(...(await checkDialog(page, 'Sync with the server', () => page.getByTestId('sync-status').click())))
      const review = async (summary: string) => {
        await page.getByTestId('sync-status').click()
        await page.getByRole('button', { name: `Review: ${summary}` }).click()
      }
      found.push(...(await checkDialog(page, /changed this policy on the server meanwhile/, () => review(`Edit policy ${policies[0]!.name}`))))
      found.push(...(await checkDialog(page, 'The server refused a change made here', () => review('Add application Claims triage'))))
      // Settings: connected, then (as a workspace on its own) the form to connect, its errors showing.
      await openScreen(page, '#/settings', (p) => expect(p.getByTestId('server-connection')).toBeVisible())
      found.push(...(await seriousViolations(page)))
      await page.unroute('**/rpc/sync.status')
      await page.route('**/rpc/sync.status', (route) => route.fulfill({ json: { state: 'disconnected', last_synced_at: null, pending: 0, problems: [] } }))
      await page.reload()
      await openScreen(page, '#/settings', (p) => expect(p.getByRole('button', { name: 'Connect' })).toBeVisible())
      await page.getByRole('button', { name: 'Connect' }).click()
      await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible()
      found.push(...(await seriousViolations(page)))
      expect(found).toEqual([])
    })

    test('a policy’s page has no serious or critical violation', async ({ page }) => {
      const id = await firstId(page, 'policies.list', 'policies')
      await openScreen(page, `#/policies/${id}`, (p) => expect(p.getByRole('heading', { level: 2 }).first()).toBeVisible())
      expect(await seriousViolations(page)).toEqual([])
    })
  })
}

test('onboarding, on an empty workspace, has no serious or critical violation in light or dark mode', async ({ page }) => {
  const empty = await startGovernServe(join(folder, 'empty.sqlite'))
  try {
    const found: string[] = []
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(empty.loginUrl)
      await expect(page.getByRole('button', { name: 'Load sample workspace' })).toBeVisible()
      found.push(...(await seriousViolations(page)).map((violation) => `${scheme}: ${violation}`))
    }
    expect(found).toEqual([])
  } finally {
    await empty.stop()
  }
})
