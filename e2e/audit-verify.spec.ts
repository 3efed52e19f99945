/**
 * Settings checks the audit trail: intact with its count, head hash and the fingerprint of the key
 * that signed its head, and after someone edits the workspace file with the sqlite3 command line,
 * the event they changed, named in words.
 */
import { spawnSync } from 'node:child_process'
import { expect, test } from './console-fixture'

test('Verify audit trail in Settings finds the trail intact, then names the event edited behind its back', async ({ page, console }) => {
  await console.open(page)
  for (const name of ['Claims Bot', 'Fraud Scorer', 'Broker Chat']) await console.call('applications.create', { name, tags: ['production'], team: 'Claims', environment: 'production' })
  const events = (await console.call('audit.list', { limit: 1000 })).events
  const head = await console.call('audit.verify', {})
  expect(head.ok).toBe(true)

  await page.getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Verify audit trail' }).click()
  const intact = page.getByRole('alert').filter({ hasText: 'The audit trail is intact' })
  await expect(intact).toContainText(`All ${events.length} events match their hashes`)
  await expect(intact).toContainText(head.ok ? head.head.slice(0, 12) : 'unreachable')
  await expect(intact).toContainText(`Signing key fingerprint ${head.ok ? head.checkpoint?.fingerprint : 'unreachable'}`)

  const edited = events.at(-2)!
  const sqlite = spawnSync('/usr/bin/sqlite3', [console.workspace, `DROP TRIGGER audit_events_append_only_update; UPDATE audit_events SET actor_name = 'Mallory' WHERE id = ${edited.id}`], { encoding: 'utf8' })
  expect(sqlite.status).toBe(0)
  await page.getByRole('button', { name: 'Verify audit trail' }).click()
  const broken = page.getByRole('alert').filter({ hasText: 'The audit trail has been tampered with' })
  await expect(broken).toContainText(`Audit trail broken at event ${edited.id} (`)
  await expect(broken).toContainText(`${edited.action}): its content was altered after it was written`)
})
