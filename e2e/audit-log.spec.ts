/**
 * The audit log reaches its oldest event, page by page with the filters kept, and says what each
 * event did in words, with the changed fields before and after on request instead of raw JSON, and
 * exports what the filters show as CSV.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { expect, test } from './console-fixture'

test('the audit log pages back to its oldest event, keeping the filters', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const all = (await console.call('audit.list', { limit: 1000 })).events
  expect(all.length).toBeGreaterThan(500)
  const materialised = all.filter((event) => event.action === 'rule.materialised')
  expect(materialised.length).toBeGreaterThan(200)

  await page.getByRole('link', { name: 'Audit log' }).click()
  const rows = page.getByTestId('audit-row')
  const older = page.getByRole('button', { name: 'Load older events' })
  await expect(rows.first()).toBeVisible()
  while (await older.isVisible()) {
    const shown = await rows.count()
    await older.click()
    await expect(rows).not.toHaveCount(shown)
  }
  await expect(rows).toHaveCount(all.length)
  await expect(page.getByText('This is the oldest event.')).toBeVisible()
  await expect(rows.last()).toHaveAttribute('data-event-id', String(all.at(-1)!.id))

  // With a filter, the pages that follow keep it.
  await page.getByRole('textbox', { name: 'Action' }).fill('rule.materialised')
  await expect(rows).not.toHaveCount(all.length)
  while (await older.isVisible()) {
    const shown = await rows.count()
    await older.click()
    await expect(rows).not.toHaveCount(shown)
  }
  await expect(rows).toHaveCount(materialised.length)
  for (const action of await page.getByTestId('audit-action').allTextContents()) expect(action).toBe('rule.materialised')
})

test('each event reads in plain words, and its changed fields open before and after', async ({ page, console }) => {
  await console.open(page, { sample: true })
  await console.call('applications.update', { id: 'app_order_status_bot', team: 'Digital Channels' })
  await page.getByRole('link', { name: 'Audit log' }).click()

  const update = page.getByTestId('audit-row').filter({ hasText: 'application.updated' }).first()
  await expect(update.getByTestId('audit-words')).toHaveText('Changed application Order Status Bot: team Customer Experience → Digital Channels')
  await expect(update).not.toContainText('{')
  await update.getByRole('button', { name: 'Show the changed field' }).click()
  const changes = page.getByRole('table', { name: `Changes in event ${await update.getAttribute('data-event-id')}` })
  await expect(changes.getByRole('row').filter({ hasText: 'team' }).getByRole('cell')).toHaveText(['team', 'Customer Experience', 'Digital Channels'])

  await page.getByRole('textbox', { name: 'Action' }).fill('application.created')
  const created = page.getByTestId('audit-row').first()
  await expect(created.getByTestId('audit-words')).toHaveText(/^Created application .+ in [a-z]+$/)
})

test('Export CSV saves the filtered log, every matching event, in order, under a header row', async ({ page, console }) => {
  await console.open(page, { sample: true })
  const materialised = (await console.call('audit.list', { action: 'rule.materialised', limit: 1000 })).events
  await page.getByRole('link', { name: 'Audit log' }).click()
  await page.getByRole('textbox', { name: 'Action' }).fill('rule.materialised')
  await expect(page.getByTestId('audit-action').first()).toHaveText('rule.materialised')

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
  expect(download.suggestedFilename()).toMatch(/^audit-log-.+\.csv$/)
  const csv = await readFile((await download.path())!, 'utf8')
  const records = parse(csv, { columns: true }) as Array<Record<string, string>>
  expect(records).toHaveLength(materialised.length)
  expect(new Set(records.map((record) => record.action))).toEqual(new Set(['rule.materialised']))
  expect(records.map((record) => Number(record.id))).toEqual(materialised.map((event) => event.id))
  await expect(page.getByText(`Exported the filtered audit log as ${download.suggestedFilename()}.`)).toBeVisible()
})
