import type { Kysely } from 'kysely'
import type { MigrationDialect } from './dialect'

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('environment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('application_tags')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_tags_pk', ['application_id', 'tag'])
    .execute()
  await db.schema.createIndex('application_tags_by_tag').on('application_tags').columns(['tag', 'application_id']).execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute()
  await db.schema.createIndex('audit_events_by_entity').on('audit_events').columns(['entity_type', 'entity_id']).execute()
  await db.schema.createIndex('audit_events_by_at').on('audit_events').column('at').execute()
  // The trail is evidence for auditors: the database itself refuses to rewrite or drop it.
  await dialect.refuse(db, { name: 'audit_events_append_only_update', change: 'UPDATE', table: 'audit_events', message: 'audit events are append-only' })
  await dialect.refuse(db, { name: 'audit_events_append_only_delete', change: 'DELETE', table: 'audit_events', message: 'audit events are append-only' })

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()
}
