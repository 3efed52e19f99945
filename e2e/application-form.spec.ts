/** The application form's tag suggestions close once a tag is chosen, and on Escape or leaving the field, so they never cover the form's buttons. */
import { expect, test } from './console-fixture'

test('tag suggestions close on pick, Escape and blur, leaving "Create application" clickable', async ({ page, console }) => {
  await console.call('applications.create', { name: 'Existing Assistant', tags: ['customer-data', 'external-facing', 'chatbot'] })
  await console.open(page)
  await page.getByRole('link', { name: 'Applications' }).click()
  await page.getByRole('button', { name: 'New application' }).click()
  const dialog = page.getByRole('dialog', { name: 'New application' })
  await dialog.getByLabel('Name').fill('Claims Helper')
  const tags = dialog.getByLabel('Tags')
  const suggestions = page.getByRole('listbox')
  const create = dialog.getByRole('button', { name: 'Create application' })

  // Picking a tag closes the suggestions; the button they used to cover takes clicks again.
  await tags.click()
  await tags.pressSequentially('cust')
  await page.getByRole('option', { name: 'customer-data', exact: true }).click()
  await expect(suggestions).toBeHidden()
  await create.click({ trial: true, timeout: 3000 })

  // Typing opens them again; Escape closes them, not the dialog.
  await tags.pressSequentially('ext')
  await expect(suggestions).toBeVisible()
  await tags.press('Escape')
  await expect(suggestions).toBeHidden()
  await expect(dialog).toBeVisible()
  await tags.fill('')

  // Leaving the field closes them.
  await tags.pressSequentially('c')
  await expect(suggestions).toBeVisible()
  await tags.fill('')
  await dialog.getByLabel('Name').click()
  await expect(suggestions).toBeHidden()

  await create.click()
  await expect(dialog).toBeHidden()
  const { applications } = await console.call('applications.list', { search: 'Claims Helper' })
  expect(applications).toEqual([expect.objectContaining({ name: 'Claims Helper', tags: ['customer-data'] })])
})
