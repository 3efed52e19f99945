import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { Migrator } from 'kysely/migration'
import { afterAll, describe, expect, it } from 'vitest'
import { migrationsFor } from '../../../migrations'
import { sqliteMigrations } from '../../../migrations/dialect'
import { ENGINE_TESTS_ON_POSTGRES } from '../../testing/engine-database'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { auditEventHash, CHAIN_START } from '../audit-hash'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { defineTrailGuard } from '../db/trail-guard'
import { workspaceId } from '../db/workspace-identity'
import { auditChainHead } from './audit-chain'

const folder = tempFolder()
afterAll(() => folder.remove())
let files = 0

const someone = { id: 'usr_a', name: 'Ana Admin' }
const updates = (n: number): AuditEntry[] => Array.from({ length: n }, (_, index) => ({ action: 'group.updated', entityType: 'group', entityId: 'grp_x', after: { n: index } }))

/** A workspace file holding `events` audit events written by the engine, closed again. */
async function workspaceWith(events: number): Promise<string> {
  const file = folder.path(`chain-${files++}.sqlite`)
  const { engine, context } = await openTestEngine(file, '2026-03-01T10:30:00.000Z')
  // Two writes, so the second continues the chain the first began.
  await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-01T10:30:00.000Z', updates(Math.ceil(events / 2))))
  await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-01T11:45:00.000Z', updates(Math.floor(events / 2))))
  await engine.close()
  return file
}

async function verify(file: string) {
  const { engine } = await openTestEngine(file)
  try {
    return await caller(engine)('audit.verify', {})
  } finally {
    await engine.close()
  }
}

/** Changes the file as someone with the sqlite3 library would, around the triggers. */
function tamper(file: string, statements: string): void {
  const sqlite = new BetterSqlite3(file)
  sqlite.exec(statements)
  sqlite.close()
}

const NO_TRIGGERS = 'DROP TRIGGER audit_events_append_only_update; DROP TRIGGER audit_events_append_only_delete;'

// These tamper with a SQLite file around its triggers, as someone with the sqlite3 library could.
// PostgreSQL's refusals are in migrations.postgres.test.ts, its chain in audit-chain.postgres.test.ts.
describe.skipIf(ENGINE_TESTS_ON_POSTGRES)('the audit hash chain', () => {
  it('chains every event the console writes to the one before it, over its content and id', async () => {
    const file = await workspaceWith(10)
    const sqlite = new BetterSqlite3(file, { readonly: true })
    const rows = sqlite.prepare('SELECT * FROM audit_events ORDER BY id').all() as Array<{ id: number; prev_hash: string; hash: string }>
    sqlite.close()
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(rows[0]!.prev_hash).toBe(CHAIN_START)
    for (const [index, row] of rows.entries()) {
      if (index > 0) expect(row.prev_hash).toBe(rows[index - 1]!.hash)
      expect(row.hash).toBe(auditEventHash(row.prev_hash, row as never))
    }
    // An engine without a key signs nothing: the trail is checked by its chain alone, and says so.
    expect(await verify(file)).toEqual({ ok: true, events: 10, head: rows.at(-1)!.hash, notes: [expect.stringContaining('No signed checkpoint was found')] })
    const { engine, context } = await openTestEngine(file)
    expect(await auditChainHead(context.db)).toBe(rows.at(-1)!.hash)
    await engine.close()
  })

  it('answers an empty trail intact, its head the chain start', async () => {
    expect(await verify(await workspaceWith(0))).toMatchObject({ ok: true, events: 0, head: CHAIN_START })
  })

  it('chains the events a workspace held before it had a chain, in id order, when it is upgraded', async () => {
    const file = folder.path('before-the-chain.sqlite')
    const sqlite = new BetterSqlite3(file)
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) })
    const earlier = Object.fromEntries(Object.entries(migrationsFor(sqliteMigrations)).filter(([name]) => name < '0010'))
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => earlier }, migrationTableName: 'kysely_migration' }).migrateToLatest()
    expect(error).toBeUndefined()
    const insert = sqlite.prepare("INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, after_json) VALUES (?, 'owner', 'Olivia', 'application.created', 'application', ?, ?)")
    sqlite.transaction(() => {
      for (let n = 0; n < 2500; n++) insert.run(new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(), `app_${n}`, JSON.stringify({ name: `App ${n}` }))
    })()
    await db.destroy()

    const { engine, context } = await openTestEngine(file)
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-01T10:30:00.000Z', updates(3)))
    const result = await caller(engine)('audit.verify', {})
    const id = await workspaceId(context.db)
    await engine.close()
    expect(result).toMatchObject({ ok: true, events: 2503 })
    expect(id).toMatch(/^ws_[0-9a-z]{16}$/)
  })

  it('keeps refusing to rewrite or remove events once they are chained, replacing them included, whatever sync_state says', async () => {
    const file = await workspaceWith(3)
    const changes = [
      "UPDATE audit_events SET hash = 'x'",
      'DELETE FROM audit_events WHERE id = 3',
      "INSERT OR REPLACE INTO audit_events SELECT id, at, actor_id, 'Mallory', action, entity_type, entity_id, before_json, after_json, prev_hash, hash FROM audit_events WHERE id = 2",
    ]
    // Another program cannot write to the trail at all: the refusal asks a function only the console defines.
    const other = new BetterSqlite3(file)
    other.exec('UPDATE sync_state SET pulling = 1')
    for (const change of changes) expect(() => other.prepare(change).run()).toThrow(/no such function: console_applies_server_trail/)
    other.close()
    // On a connection of the console's own, the flag alone lets nothing through either.
    const own = new BetterSqlite3(file)
    defineTrailGuard(own)
    for (const change of changes) expect(() => own.prepare(change).run()).toThrow(/append-only/)
    own.close()
  })

  it('names an event whose content was edited', async () => {
    const file = await workspaceWith(6)
    tamper(file, `${NO_TRIGGERS} UPDATE audit_events SET actor_name = 'Mallory' WHERE id = 4`)
    expect(await verify(file)).toEqual({
      ok: false,
      events_checked: 3,
      first_bad: { id: 4, reason: 'altered', message: 'Audit trail broken at event 4 (2026-03-01 11:45 UTC, group.updated): its content was altered after it was written' },
    })
  })

  it('names an event edited and re-hashed, from the hash the next event recorded for it', async () => {
    const file = await workspaceWith(6)
    const sqlite = new BetterSqlite3(file)
    const row = sqlite.prepare('SELECT * FROM audit_events WHERE id = 2').get() as Parameters<typeof auditEventHash>[1] & { prev_hash: string }
    const forged = { ...row, after_json: '{"n":999}' }
    sqlite.exec(NO_TRIGGERS)
    sqlite.prepare('UPDATE audit_events SET after_json = ?, hash = ? WHERE id = 2').run(forged.after_json, auditEventHash(row.prev_hash, forged))
    sqlite.close()
    expect(await verify(file)).toMatchObject({ ok: false, events_checked: 1, first_bad: { id: 2, reason: 'altered', message: expect.stringContaining('event 3 recorded a different hash for it') } })
  })

  it('names a removed event, and a removed newest event', async () => {
    const middle = await workspaceWith(6)
    tamper(middle, `${NO_TRIGGERS} DELETE FROM audit_events WHERE id = 3`)
    expect(await verify(middle)).toMatchObject({ ok: false, events_checked: 2, first_bad: { id: 3, reason: 'removed', message: expect.stringContaining('between event 2 (2026-03-01 10:30 UTC, group.updated) and event 4') } })

    const newest = await workspaceWith(6)
    tamper(newest, `${NO_TRIGGERS} DELETE FROM audit_events WHERE id = 6`)
    expect(await verify(newest)).toMatchObject({ ok: false, events_checked: 5, first_bad: { id: 6, reason: 'removed' } })
  })

  it('still names a removed newest event after the console has written more', async () => {
    const file = await workspaceWith(6)
    tamper(file, `${NO_TRIGGERS} DELETE FROM audit_events WHERE id >= 5`)
    const { engine, context } = await openTestEngine(file)
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-02T09:00:00.000Z', updates(2)))
    await engine.close()
    expect(await verify(file)).toMatchObject({ ok: false, first_bad: { id: 5, reason: 'removed', message: expect.stringContaining('events 5 to 6 missing') } })
  })

  it('names an event inserted without a hash, and one whose link is malformed', async () => {
    const inserted = await workspaceWith(4)
    tamper(inserted, "DROP TRIGGER audit_events_append_only_replace; INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id) VALUES ('2026-03-01T12:00:00.000Z', 'owner', 'Olivia', 'policy.archived', 'policy', 'pol_x')")
    expect(await verify(inserted)).toMatchObject({ ok: false, events_checked: 4, first_bad: { id: 5, reason: 'inserted', message: expect.stringContaining('event 5 (2026-03-01 12:00 UTC, policy.archived)') } })

    const forged = await workspaceWith(4)
    tamper(forged, `DROP TRIGGER audit_events_append_only_replace; INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, prev_hash, hash) VALUES ('2026-03-01T12:00:00.000Z', 'owner', 'Olivia', 'policy.archived', 'policy', 'pol_x', '${'b'.repeat(64)}', '${'c'.repeat(64)}')`)
    expect(await verify(forged)).toMatchObject({ ok: false, first_bad: { id: 5, reason: 'inserted', message: expect.stringContaining('matches neither its own hash nor the event before it') } })

    const unlinked = await workspaceWith(4)
    tamper(unlinked, `${NO_TRIGGERS} UPDATE audit_events SET prev_hash = 'not a hash' WHERE id = 2`)
    expect(await verify(unlinked)).toMatchObject({ ok: false, first_bad: { id: 2, reason: 'unchained' } })
  })

  it('gives the workspace one identity, which never changes', async () => {
    const file = await workspaceWith(0)
    const { engine, context } = await openTestEngine(file)
    const id = await workspaceId(context.db)
    await engine.close()
    const reopened = await openTestEngine(file)
    expect(await workspaceId(reopened.context.db)).toBe(id)
    await reopened.engine.close()
    const sqlite = new BetterSqlite3(file)
    expect(() => sqlite.prepare("UPDATE workspace_identity SET id = 'ws_other'").run()).toThrow(/never changes/)
    expect(() => sqlite.prepare("INSERT INTO workspace_identity (id, created_at) VALUES ('ws_second', 'now')").run()).toThrow(/one identity/)
    sqlite.close()
  })
})
