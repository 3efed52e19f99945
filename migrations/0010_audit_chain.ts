import { sql, type Kysely } from 'kysely'
import { auditEventHash, CHAIN_START, type HashedAuditFields } from '../src-main/engine/audit-hash'
import { newId } from '../src-main/engine/ids'
import type { MigrationDialect } from './dialect'

/**
 * A tamper-evident audit trail: every event carries its own hash and the hash of the event before
 * it (see audit-hash.ts). The events already written are chained here, in id order, with the
 * append-only trigger lifted for exactly that and put back at once: from now on only this
 * migration has ever set a hash on an existing row.
 *
 * Also the workspace's identity, named by the audit packages made from it: a random id set once.
 */
const CHAINED_PER_READ = 1000
/** Three parameters a row, well under SQLite's limit on one statement's parameters. */
const HASHES_PER_UPDATE = 500

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute()
  await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute()

  await dialect.dropTrigger(db, 'audit_events_append_only_update', 'audit_events')
  let prevHash = CHAIN_START
  let afterId = 0
  for (;;) {
    const { rows } = await sql<HashedAuditFields>`SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json
      FROM audit_events WHERE id > ${afterId} ORDER BY id LIMIT ${CHAINED_PER_READ}`.execute(db)
    if (rows.length === 0) break
    const links: Array<[id: number, prevHash: string, hash: string]> = []
    for (const row of rows) {
      const hash = auditEventHash(prevHash, row)
      links.push([row.id, prevHash, hash])
      prevHash = hash
    }
    for (let start = 0; start < links.length; start += HASHES_PER_UPDATE) {
      const values = sql.join(links.slice(start, start + HASHES_PER_UPDATE).map(([id, prev, hash]) => sql`(${id}, ${prev}, ${hash})`))
      // PostgreSQL reads the bound values as text: the id is cast to compare with the column.
      await sql`UPDATE audit_events SET prev_hash = link.column2, hash = link.column3
        FROM (VALUES ${values}) AS link WHERE audit_events.id = CAST(link.column1 AS ${dialect.type('INTEGER')})`.execute(db)
    }
    afterId = rows.at(-1)!.id
  }
  // The trail is evidence for auditors: the database itself refuses to rewrite or drop it.
  await dialect.refuse(db, { name: 'audit_events_append_only_update', change: 'UPDATE', table: 'audit_events', message: 'audit events are append-only' })
  await dialect.refuseReplace(db, { name: 'audit_events_append_only_replace', table: 'audit_events', key: 'id', message: 'audit events are append-only' })

  await db.schema
    .createTable('workspace_identity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await sql`INSERT INTO workspace_identity (id, created_at) VALUES (${newId('ws')}, ${new Date().toISOString()})`.execute(db)
  // A workspace is one workspace for good: its packages name it, so its id never changes.
  await dialect.refuse(db, { name: 'workspace_identity_fixed_insert', change: 'INSERT', table: 'workspace_identity', message: 'a workspace has one identity' })
  await dialect.refuse(db, { name: 'workspace_identity_fixed_update', change: 'UPDATE', table: 'workspace_identity', message: 'a workspace identity never changes' })
  await dialect.refuse(db, { name: 'workspace_identity_fixed_delete', change: 'DELETE', table: 'workspace_identity', message: 'a workspace identity never changes' })
}
