import { sql, type Kysely } from 'kysely'
import type { MigrationDialect } from './dialect'

/**
 * The audit trail's head, signed with a key kept outside the workspace (README: tamper-evident
 * audit trail). `audit_checkpoints` holds the newest head each key signed for each chain (this
 * workspace's own, or on a connected desktop its server's), written in the transaction that
 * made the head, so no committed event is ever left waiting for its signature.
 *
 * `desktop_audit_heads` is a server's: each connected desktop's newest signed head of the trail
 * it pulled, so a desktop whose copy goes backwards is refused.
 *
 * On SQLite the append-only refusal no longer stands aside for a flag in sync_state alone: it
 * stands aside only while the console itself applies its server's trail, which it says through
 * a function only its own connections define (engine/db/trail-guard.ts). Any other program
 * writing to audit_events (the sqlite3 shell, say) is refused outright.
 */
export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_key', ['chain', 'public_key'])
    .execute()

  await db.schema
    .createTable('desktop_audit_heads')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()

  if (dialect.name !== 'sqlite') return
  const guarded = [
    ['audit_events_append_only_update', 'UPDATE', ''],
    ['audit_events_append_only_delete', 'DELETE', ''],
    ['audit_events_append_only_replace', 'INSERT', 'EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) AND '],
  ] as const
  for (const [name, change, replacing] of guarded) {
    await sql.raw(`DROP TRIGGER ${name}`).execute(db)
    await sql.raw(`CREATE TRIGGER ${name} BEFORE ${change} ON audit_events
    WHEN ${replacing}NOT console_applies_server_trail()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`).execute(db)
  }
}
