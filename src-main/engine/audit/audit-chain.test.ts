import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { afterAll, describe, expect, it } from 'vitest'
import { migrationsFor } from '../../../migrations'
import { sqliteMigrations } from '../../../migrations/dialect'
import { aroundTrailTriggers, ENGINE_TESTS_ON_POSTGRES, withRawWorkspace } from '../../testing/engine-database'
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

/**
 * Changes the trail as the owner of the file (with the sqlite3 library) or of the database could,
 * around the triggers that refuse it.
 */
function tamper(file: string, ...statements: string[]): Promise<void> {
  return aroundTrailTriggers(file, async (db) => {
    for (const statement of statements) await sql.raw(statement).execute(db)
  })
}

type StoredEvent = Parameters<typeof auditEventHash>[1] & { id: number; prev_hash: string; hash: string }

const storedEvents = (file: string): Promise<StoredEvent[]> => withRawWorkspace(file, async (db) => (await db.selectFrom('audit_events').selectAll().orderBy('id').execute()) as StoredEvent[])

/** An event written behind the console's back takes the next id, as the file's own numbering would give it. */
const NEXT_ID = '(SELECT max(id) + 1 FROM audit_events)'

describe('the audit hash chain', () => {
  it('chains every event the console writes to the one before it, over its content and id', async () => {
    const file = await workspaceWith(10)
    const rows = await storedEvents(file)
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

  // Upgrading a SQLite file from before the chain; a server's database has had the chain since 0010 ran on it.
  it.skipIf(ENGINE_TESTS_ON_POSTGRES)('chains the events a workspace held before it had a chain, in id order, when it is upgraded', async () => {
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

  // SQLite's own refusal, around a function only the console defines; PostgreSQL's is in migrations.postgres.test.ts.
  it.skipIf(ENGINE_TESTS_ON_POSTGRES)('keeps refusing to rewrite or remove events once they are chained, replacing them included, whatever sync_state says', async () => {
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
    await tamper(file, "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = 4")
    expect(await verify(file)).toEqual({
      ok: false,
      events_checked: 3,
      first_bad: { id: 4, reason: 'altered', message: 'Audit trail broken at event 4 (2026-03-01 11:45 UTC, group.updated): its content was altered after it was written' },
    })
  })

  it('names an event edited and re-hashed, from the hash the next event recorded for it', async () => {
    const file = await workspaceWith(6)
    const row = (await storedEvents(file)).find((event) => event.id === 2)!
    const forged = { ...row, after_json: '{"n":999}' }
    await aroundTrailTriggers(file, (db) => db.updateTable('audit_events').set({ after_json: forged.after_json, hash: auditEventHash(row.prev_hash, forged) }).where('id', '=', 2).execute())
    expect(await verify(file)).toMatchObject({ ok: false, events_checked: 1, first_bad: { id: 2, reason: 'altered', message: expect.stringContaining('event 3 recorded a different hash for it') } })
  })

  it('names a removed event, and a removed newest event', async () => {
    const middle = await workspaceWith(6)
    await tamper(middle, 'DELETE FROM audit_events WHERE id = 3')
    expect(await verify(middle)).toMatchObject({ ok: false, events_checked: 2, first_bad: { id: 3, reason: 'removed', message: expect.stringContaining('between event 2 (2026-03-01 10:30 UTC, group.updated) and event 4') } })

    const newest = await workspaceWith(6)
    await tamper(newest, 'DELETE FROM audit_events WHERE id = 6')
    expect(await verify(newest)).toMatchObject({ ok: false, events_checked: 5, first_bad: { id: 6, reason: 'removed' } })
  })

  it('still names a removed newest event after the console has written more', async () => {
    const file = await workspaceWith(6)
    await tamper(file, 'DELETE FROM audit_events WHERE id >= 5')
    const { engine, context } = await openTestEngine(file)
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-02T09:00:00.000Z', updates(2)))
    await engine.close()
    expect(await verify(file)).toMatchObject({ ok: false, first_bad: { id: 5, reason: 'removed', message: expect.stringContaining('events 5 to 6 missing') } })
  })

  it('names an event inserted without a hash, and one whose link is malformed', async () => {
    const inserted = await workspaceWith(4)
    await tamper(inserted, `INSERT INTO audit_events (id, at, actor_id, actor_name, action, entity_type, entity_id) VALUES (${NEXT_ID}, '2026-03-01T12:00:00.000Z', 'owner', 'Olivia', 'policy.archived', 'policy', 'pol_x')`)
    expect(await verify(inserted)).toMatchObject({ ok: false, events_checked: 4, first_bad: { id: 5, reason: 'inserted', message: expect.stringContaining('event 5 (2026-03-01 12:00 UTC, policy.archived)') } })

    const forged = await workspaceWith(4)
    await tamper(forged, `INSERT INTO audit_events (id, at, actor_id, actor_name, action, entity_type, entity_id, prev_hash, hash) VALUES (${NEXT_ID}, '2026-03-01T12:00:00.000Z', 'owner', 'Olivia', 'policy.archived', 'policy', 'pol_x', '${'b'.repeat(64)}', '${'c'.repeat(64)}')`)
    expect(await verify(forged)).toMatchObject({ ok: false, first_bad: { id: 5, reason: 'inserted', message: expect.stringContaining('matches neither its own hash nor the event before it') } })

    const unlinked = await workspaceWith(4)
    await tamper(unlinked, "UPDATE audit_events SET prev_hash = 'not a hash' WHERE id = 2")
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
    await withRawWorkspace(file, async (db) => {
      await expect(sql`UPDATE workspace_identity SET id = 'ws_other'`.execute(db)).rejects.toThrow(/never changes/)
      await expect(sql`INSERT INTO workspace_identity (id, created_at) VALUES ('ws_second', 'now')`.execute(db)).rejects.toThrow(/one identity/)
    })
  })
})
