import { sql, type Kysely } from 'kysely'
import type { MigrationDialect } from './dialect'

/**
 * Offline-first sync. A server answers a change feed: row_changes holds one entry per row of every
 * replicated table, its seq renewed by each change, so "everything after cursor N" is one range
 * read. A desktop keeps its own changes as commands in sync_outbox until its server has applied
 * them, and where it has pulled up to in sync_state. On a desktop the same triggers say which rows
 * were changed here and are not yet settled with the server (src-main/engine/sync/pull.ts).
 *
 * The tables and keys replicated as this migration found them; a later migration adding a table
 * records its changes itself (replicated-tables.test.ts checks every replicated table does).
 */
const REPLICATED_AT_0012: ReadonlyArray<readonly [table: string, key: readonly string[]]> = [
  ['applications', ['id']],
  ['application_tags', ['application_id', 'tag']],
  ['application_retirements', ['id']],
  ['application_rules', ['id']],
  ['deleted_rules', ['application_id', 'metric', 'direction']],
  ['audit_events', ['id']],
  ['users', ['id']],
  ['groups', ['id']],
  ['group_members', ['group_id', 'user_id']],
  ['alert_rules', ['id']],
  ['attestation_rules', ['id']],
  ['policies', ['id']],
  ['policy_requirements', ['policy_id', 'metric']],
  ['policy_attestation_rules', ['policy_id', 'attestation_rule_id']],
  ['policy_scope_tags', ['policy_id', 'tag']],
  ['policy_scope_applications', ['policy_id', 'application_id']],
  ['policy_versions', ['policy_id', 'version']],
  ['policy_coverage', ['policy_id', 'application_id']],
  ['coverage_history', ['id']],
  ['gaps', ['id']],
  ['compliance_current', ['application_id', 'policy_id']],
  ['compliance_daily', ['day', 'policy_id', 'status']],
  ['metric_series', ['id']],
  ['metric_buckets', ['series_id', 'hour']],
  ['attestation_schedules', ['id']],
  ['attestation_requests', ['id']],
  ['attestation_request_reviewers', ['request_id', 'user_id']],
  ['attestations', ['id']],
  ['attestation_exceptions', ['id']],
  ['attestation_reminders', ['id']],
  ['attestation_reminder_recipients', ['reminder_id', 'user_id']],
]

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('row_changes')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('table_name', 'text', (c) => c.notNull())
    // The row's primary key: a JSON array of its key columns' values, in the key's order.
    .addColumn('row_key', 'text', (c) => c.notNull())
    .addUniqueConstraint('row_changes_one_per_row', ['table_name', 'row_key'])
    .execute()

  await db.schema
    .createTable('sync_outbox')
    // Oldest first: the order the changes were made in, which is the order they are sent in.
    .addColumn('position', 'integer', (c) => c.primaryKey().autoIncrement())
    // The command's id, sent as its Idempotency-Key, so the server applies it once.
    .addColumn('command_id', 'text', (c) => c.notNull().unique())
    .addColumn('procedure', 'text', (c) => c.notNull())
    .addColumn('input_json', 'text', (c) => c.notNull())
    .addColumn('made_at', 'text', (c) => c.notNull())
    .addColumn('actor_json', 'text', (c) => c.notNull())
    // pending (to send), conflict (a stale policy edit) or rejected (refused otherwise): see SyncProblem.
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('message', 'text')
    .addColumn('conflict_json', 'text')
    .execute()

  await db.schema
    .createTable('sync_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('server_url', 'text')
    .addColumn('server_workspace_id', 'text')
    .addColumn('cursor', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('last_synced_at', 'text')
    .addColumn('last_error', 'text')
    // Set only inside the transaction applying the server's rows (see relaxWhilePulling).
    .addColumn('pulling', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`INSERT INTO sync_state (id) VALUES (1)`.execute(db)

  for (const [table, key] of REPLICATED_AT_0012) await dialect.recordRowChanges(db, table, key)

  // A desktop's own audit events and policy versions are provisional: the server's replace them.
  await dialect.relaxWhilePulling(db, { name: 'audit_events_append_only_update', change: 'UPDATE', table: 'audit_events', message: 'audit events are append-only' })
  await dialect.relaxWhilePulling(db, { name: 'audit_events_append_only_delete', change: 'DELETE', table: 'audit_events', message: 'audit events are append-only' })
  await dialect.relaxWhilePulling(db, { name: 'audit_events_append_only_replace', change: 'INSERT', table: 'audit_events', key: 'id', message: 'audit events are append-only' })
  await dialect.relaxWhilePulling(db, { name: 'policy_versions_immutable_update', change: 'UPDATE', table: 'policy_versions', message: 'policy versions are immutable' })
  await dialect.relaxWhilePulling(db, { name: 'policy_versions_immutable_delete', change: 'DELETE', table: 'policy_versions', message: 'policy versions are immutable' })
}
