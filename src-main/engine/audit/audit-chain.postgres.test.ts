/**
 * The audit chain on PostgreSQL: event ids stay consecutive though PostgreSQL's sequences skip
 * numbers on rollback (a dry run rolls back), and a removed newest event is still named once the
 * console has written more, from the highest id ever issued (migrations/0012_audit_ids_issued.ts).
 */
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { testDatabases } from '../../testing/postgres-database'
import { caller, openTestEngine } from '../../testing/workspace'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { connectPostgres } from '../db/postgres'

const databases = testDatabases()
const someone = { id: 'usr_a', name: 'Ana Admin' }
const updates = (n: number): AuditEntry[] => Array.from({ length: n }, (_, index) => ({ action: 'group.updated', entityType: 'group', entityId: 'grp_x', after: { n: index } }))

describe('the audit hash chain on PostgreSQL', () => {
  it('stays consecutive across rolled-back dry runs, and names a removed newest event after more are written', async () => {
    const url = await databases.create()
    const { engine, context } = await openTestEngine(url, '2026-03-01T10:30:00.000Z')
    const call = caller(engine)
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-01T10:30:00.000Z', updates(3)))
    // A dry run writes its events and rolls them back: their ids must be issued again.
    const group = await call('groups.create', { name: 'Reviewers' })
    await call('groups.update', { id: group.id, name: 'Reviewers (EU)' })
    await context.rehearse((tx) => recordAuditMany(tx, someone, '2026-03-01T10:40:00.000Z', updates(4)))
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-01T11:00:00.000Z', updates(2)))
    const intact = await call('audit.verify', {})
    expect(intact).toMatchObject({ ok: true })
    const events = intact.ok ? intact.events : 0

    const { db } = await connectPostgres(url)
    try {
      // As the database's owner could, around the triggers that refuse it.
      await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(db)
      await sql`DELETE FROM audit_events WHERE id >= ${events - 1}`.execute(db)
      await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(db)
    } finally {
      await db.destroy()
    }
    await context.mutate(['audit'], (tx) => recordAuditMany(tx, someone, '2026-03-02T09:00:00.000Z', updates(2)))
    expect(await call('audit.verify', {})).toMatchObject({ ok: false, first_bad: { id: events - 1, reason: 'removed', message: expect.stringContaining(`events ${events - 1} to ${events} missing`) } })
    await engine.close()
  })
})
