import { sql, type Kysely } from 'kysely'

/**
 * Attestations. A schedule is one attestation rule of one published policy, counted from the
 * moment it began (publication, or the rule joining the policy); it issues one request per
 * period, never two (a unique period per schedule), whichever process catches up first.
 * Sign-offs, their exceptions and the reminders sent are kept for good: the history an auditor
 * reads. `attestation_clock` holds the next moment anything is due, so a console that has nothing
 * to do for attestations learns it from one row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('attestation_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('attestation_rule_id', 'text', (c) => c.notNull().references('attestation_rules.id'))
    .addColumn('anchor_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute()
  // One running schedule per rule of a policy, even with two processes reconciling at once.
  await sql`CREATE UNIQUE INDEX attestation_schedules_running ON attestation_schedules (policy_id, attestation_rule_id) WHERE ended_at IS NULL`.execute(db)

  await db.schema
    .createTable('attestation_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('attestation_schedules.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('attestation_rule_id', 'text', (c) => c.notNull().references('attestation_rules.id'))
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('reviewers_json', 'text', (c) => c.notNull())
    .addColumn('escalation_json', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('attestation_id', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('overdue_at', 'text')
    .addColumn('escalated_at', 'text')
    .addUniqueConstraint('attestation_requests_one_per_period', ['schedule_id', 'period_index'])
    .execute()
  await db.schema.createIndex('attestation_requests_by_policy').on('attestation_requests').columns(['policy_id', 'due_at']).execute()

  // Who each request is addressed to, groups resolved to their members when it was issued.
  await db.schema
    .createTable('attestation_request_reviewers')
    .addColumn('request_id', 'text', (c) => c.notNull().references('attestation_requests.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attestation_request_reviewers_pk', ['request_id', 'user_id'])
    .execute()
  await db.schema.createIndex('attestation_request_reviewers_by_user').on('attestation_request_reviewers').columns(['user_id', 'request_id']).execute()

  await db.schema
    .createTable('attestations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('attested_at', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('reviewer_name', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('period_start', 'text')
    .execute()
  await db.schema.createIndex('attestations_by_policy').on('attestations').columns(['policy_id', 'attested_at']).execute()

  await db.schema
    .createTable('attestation_exceptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('attestation_id', 'text', (c) => c.notNull().references('attestations.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('requirement', 'text', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('expiry_date', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('granted_by_id', 'text', (c) => c.notNull())
    .addColumn('granted_by_name', 'text', (c) => c.notNull())
    .addColumn('expired_noted_at', 'text')
    .execute()
  await db.schema.createIndex('attestation_exceptions_by_policy').on('attestation_exceptions').columns(['policy_id', 'application_id']).execute()
  await db.schema.createIndex('attestation_exceptions_by_expiry').on('attestation_exceptions').columns(['expires_at']).execute()

  // Each reminder once: one per kind and subject (a request, or an exception and how far ahead).
  await db.schema
    .createTable('attestation_reminders')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('exception_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addUniqueConstraint('attestation_reminders_once', ['kind', 'subject'])
    .execute()
  await db.schema
    .createTable('attestation_reminder_recipients')
    .addColumn('reminder_id', 'integer', (c) => c.notNull().references('attestation_reminders.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attestation_reminder_recipients_pk', ['reminder_id', 'user_id'])
    .execute()
  await db.schema.createIndex('attestation_reminder_recipients_by_user').on('attestation_reminder_recipients').columns(['user_id', 'reminder_id']).execute()

  await db.schema
    .createTable('attestation_clock')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('next_due_at', 'text', (c) => c.notNull())
    .execute()
  // Due at once: a workspace that had published policies with attestation rules catches up on open.
  await db.insertInto('attestation_clock' as never).values({ id: 1, next_due_at: '0000-01-01T00:00:00.000Z' } as never).execute()
}
