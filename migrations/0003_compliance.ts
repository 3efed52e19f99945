import { type Kysely, sql } from 'kysely'
import type { MigrationDialect } from './dialect'

/**
 * Metric data in hourly buckets, ingestion bookkeeping (batch and observation idempotency,
 * staged imports), evaluated compliance, its daily history, coverage history for time travel,
 * gap alert state and the notification outbox.
 */
export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('metric_series')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addUniqueConstraint('metric_series_unique', ['application_id', 'metric'])
    .execute()
  // One row per series and hour (hours since the epoch). Rates: n flagged of total; scores: sum
  // over n; latency: a quantile sketch of n values; requests: n.
  const { type } = dialect
  await sql`CREATE TABLE metric_buckets (
    series_id ${type('INTEGER')} NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    hour ${type('INTEGER')} NOT NULL,
    n ${type('INTEGER')} NOT NULL,
    total ${type('INTEGER')},
    sum ${type('REAL')},
    sketch ${type('BLOB')},
    PRIMARY KEY (series_id, hour)
  )${dialect.tableOptions}`.execute(db)

  await db.schema
    .createTable('metric_batches')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_batches_pk', ['application_id', 'batch_id'])
    .execute()
  await sql`CREATE TABLE metric_observation_keys (
    application_id ${type('TEXT')} NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    key ${type('TEXT')} NOT NULL,
    PRIMARY KEY (application_id, key)
  )${dialect.tableOptions}`.execute(db)

  await db.schema
    .createTable('inference_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('inference_import_parts')
    .addColumn('import_id', 'text', (c) => c.notNull().references('inference_imports.id').onDelete('cascade'))
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('first_line', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inference_import_parts_pk', ['import_id', 'part'])
    .execute()

  await db.schema
    .createTable('evaluation_queue')
    .addColumn('application_id', 'text', (c) => c.primaryKey().references('applications.id').onDelete('cascade'))
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('compliance_current')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('in_grace', 'integer', (c) => c.notNull())
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .addColumn('results_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_current_pk', ['application_id', 'policy_id'])
    .execute()
  // Status counts at the end of each day (UTC), kept for the compliance-over-time chart.
  await db.schema
    .createTable('compliance_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_daily_pk', ['day', 'policy_id', 'status'])
    .execute()

  // When each application was covered by each policy, so the past can be evaluated as it was.
  await db.schema
    .createTable('coverage_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('enforcement_starts_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute()
  await db.schema.createIndex('coverage_history_by_application').on('coverage_history').columns(['application_id', 'applied_at']).execute()
  await sql`INSERT INTO coverage_history (policy_id, application_id, applied_at, enforcement_starts_at, ended_at)
    SELECT policy_id, application_id, applied_at, enforcement_starts_at, NULL FROM policy_coverage`.execute(db)

  await db.schema.alterTable('gaps').addColumn('policy_version', 'integer').execute()
  await db.schema.alterTable('gaps').addColumn('grace_until', 'text').execute()
  await db.schema.alterTable('gaps').addColumn('alerted_open_at', 'text').execute()
  await db.schema.alterTable('gaps').addColumn('alerted_resolved_at', 'text').execute()
  await db.schema.createIndex('gaps_by_opened').on('gaps').columns(['opened_at']).execute()
  // Every evaluation looks up the open breaches; history grows, open gaps stay few.
  await db.schema.createIndex('gaps_open_by_kind').on('gaps').columns(['kind', 'resolved_at']).execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    .execute()
  await db.schema.createIndex('notifications_due').on('notifications').columns(['sent_at', 'next_attempt_at']).execute()
}
