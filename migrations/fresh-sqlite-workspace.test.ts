/**
 * What the migrations make of a new SQLite workspace, held to a golden copy captured from the code
 * that made the workspaces users have: their files were migrated by it, so a change to how the
 * migrations are written (for PostgreSQL, say) must leave SQLite's schema exactly as it was. The
 * golden file is evidence, not a snapshot: never regenerate it to make this pass. A new migration
 * adds its own statements to it, by hand, as it lands (0011_applied_commands did).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { openDatabase } from '../src-main/engine/db/open'
import { tempFolder } from '../src-main/testing/workspace'

const folder = tempFolder()
afterAll(() => folder.remove())

const golden = JSON.parse(readFileSync(join(__dirname, 'fresh-sqlite-workspace.golden.json'), 'utf8')) as Record<string, unknown[]>
const ISO_MOMENT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

it('gives a new workspace the same schema, statement for statement, and the same reference rows', async () => {
  const file = folder.path('fresh.sqlite')
  await (await openDatabase(file)).close()
  const sqlite = new BetterSqlite3(file, { readonly: true })
  try {
    expect(sqlite.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all()).toEqual(golden.sqlite_master)
    expect(sqlite.prepare('SELECT * FROM alert_rules ORDER BY id').all()).toEqual(golden.alert_rules)
    expect(sqlite.prepare('SELECT * FROM attestation_clock').all()).toEqual(golden.attestation_clock)
    expect(sqlite.prepare('SELECT * FROM users').all()).toEqual([
      { id: 'usr_owner', name: 'Workspace owner', email: null, role: 'org_admin', created_at: expect.stringMatching(ISO_MOMENT), updated_at: expect.stringMatching(ISO_MOMENT), deactivated_at: null, version: 1 },
    ])
    expect(sqlite.prepare('SELECT * FROM workspace_identity').all()).toEqual([{ id: expect.stringMatching(/^ws_[0-9a-z]{16}$/), created_at: expect.stringMatching(ISO_MOMENT) }])
  } finally {
    sqlite.close()
  }
})
