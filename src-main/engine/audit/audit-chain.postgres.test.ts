/**
 * The audit chain on PostgreSQL: event ids stay consecutive though PostgreSQL's sequences skip
 * numbers on rollback (a dry run rolls back), and a removed newest event is still named once the
 * console has written more, from the highest id ever issued (migrations/0012_audit_ids_issued.ts).
 */
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../testing/postgres-database'
import { runGovern } from '../../testing/govern-cli'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { auditEventHash, type HashedAuditFields } from '../audit-hash'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { connectPostgres } from '../db/postgres'
import { createFileKeyStore } from './key-store'

const databases = testDatabases()
const folder = tempFolder()
afterAll(() => folder.remove())
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

describe('the signed audit head on PostgreSQL', () => {
  it('PostgreSQL DISABLE TRIGGER rewrite', async () => {
    const url = await databases.create()
    const keys = folder.path('server-keys')
    const { engine } = await openTestEngine(url, '2026-03-01T10:30:00.000Z', { auditKeys: createFileKeyStore(keys) })
    const call = caller(engine)
    for (const name of ['Claims Bot', 'Fraud Scorer', 'Broker Chat']) await call('applications.create', { name, tags: ['production'] })
    const group = await call('groups.create', { name: 'Reviewers' })
    await call('groups.update', { id: group.id, name: 'Reviewers (EU)' })
    await engine.close()
    const env = { ...process.env, GOVERN_AUDIT_KEYS: keys }
    const intact = runGovern(['audit', 'verify', '--database-url', url], env)
    expect(intact.code, intact.out + intact.err).toBe(0)
    expect(intact.out).toContain('Checked against the signed head of event')

    // The table's owner can switch the triggers off, rewrite an event, re-hash every one after it,
    // and remove the signed heads kept in the database, leaving a chain consistent with itself.
    const { db } = await connectPostgres(url)
    let edited = 0
    try {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(db)
      const { rows } = await sql<HashedAuditFields & { prev_hash: string; hash: string }>`SELECT * FROM audit_events ORDER BY id`.execute(db)
      edited = Number(rows.find((row) => row.action === 'group.created')!.id)
      let previous = rows.find((row) => Number(row.id) === edited)!.prev_hash
      for (const row of rows.filter((event) => Number(event.id) >= edited)) {
        const content = { ...row, id: Number(row.id), actor_name: Number(row.id) === edited ? 'Someone Else' : row.actor_name }
        const hash = auditEventHash(previous, content)
        await sql`UPDATE audit_events SET actor_name = ${content.actor_name}, prev_hash = ${previous}, hash = ${hash} WHERE id = ${content.id}`.execute(db)
        previous = hash
      }
      await sql`DELETE FROM audit_checkpoints`.execute(db)
      await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(db)
    } finally {
      await db.destroy()
    }
    // The chain alone holds; the head signed with the key, kept beside it, does not.
    const run = runGovern(['audit', 'verify', '--database-url', url], env)
    expect(run.code).toBe(1)
    expect(run.out).toContain('it was rewritten after it was signed, its hash recomputed')
    expect(run.out).toContain(`in the key folder (${keys})`)
    // The only head kept outside is the newest: it names the rewrite at or before it.
    const named = Number(/Audit trail broken at event ([\d,]+) \(/.exec(run.out)?.[1]?.replaceAll(',', ''))
    expect(named).toBeGreaterThanOrEqual(edited)
    expect(run.out).toContain('The trail was rewritten at or before this event')
  })
})
