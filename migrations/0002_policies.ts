import { type Kysely, sql } from 'kysely'
import type { MigrationDialect } from './dialect'

/** People, rule libraries, policies with their versions and scope, and what they materialise. */
export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await sql`CREATE UNIQUE INDEX groups_name_unique ON groups (lower(name))`.execute(db)
  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute()

  await db.schema.alterTable('api_tokens').addColumn('user_id', 'text', (c) => c.references('users.id')).execute()

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('threshold', 'real', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('window_hours', 'integer', (c) => c.notNull())
    .addColumn('no_data', 'text', (c) => c.notNull())
    .addColumn('recommended', 'integer', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('attestation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('every_days', 'integer')
    .addColumn('reviewers_json', 'text', (c) => c.notNull())
    .addColumn('deadline_days', 'integer', (c) => c.notNull())
    .addColumn('escalation_json', 'text', (c) => c.notNull())
    .addColumn('notes_required', 'integer', (c) => c.notNull())
    .addColumn('blocking', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner_group_id', 'text', (c) => c.references('groups.id'))
    .addColumn('enforcement_delay_days', 'integer', (c) => c.notNull())
    .addColumn('notification_webhook', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .addColumn('auto_apply', 'integer', (c) => c.notNull())
    .addColumn('auto_apply_since', 'text')
    .addColumn('auto_restore', 'integer', (c) => c.notNull())
    .addColumn('apply_to_all', 'integer', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  // Names are unique among live policies; an archived policy frees its name.
  await sql`CREATE UNIQUE INDEX policies_name_unique ON policies (lower(name)) WHERE archived_at IS NULL`.execute(db)

  await db.schema
    .createTable('policy_requirements')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('threshold', 'real', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('window_hours', 'integer', (c) => c.notNull())
    .addColumn('no_data', 'text', (c) => c.notNull())
    .addColumn('alert_rule_id', 'text')
    .addPrimaryKeyConstraint('policy_requirements_pk', ['policy_id', 'metric'])
    .execute()
  await db.schema
    .createTable('policy_attestation_rules')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('attestation_rule_id', 'text', (c) => c.notNull().references('attestation_rules.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_attestation_rules_pk', ['policy_id', 'attestation_rule_id'])
    .execute()
  await db.schema
    .createTable('policy_scope_tags')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_scope_tags_pk', ['policy_id', 'tag'])
    .execute()
  // Explicit ids may name applications that do not exist yet; they are covered when created.
  await db.schema
    .createTable('policy_scope_applications')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_scope_applications_pk', ['policy_id', 'application_id'])
    .execute()
  await db.schema
    .createTable('policy_versions')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_versions_pk', ['policy_id', 'version'])
    .execute()
  await dialect.refuse(db, { name: 'policy_versions_immutable_update', change: 'UPDATE', table: 'policy_versions', message: 'policy versions are immutable' })
  await dialect.refuse(db, { name: 'policy_versions_immutable_delete', change: 'DELETE', table: 'policy_versions', message: 'policy versions are immutable' })

  await db.schema
    .createTable('policy_coverage')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('enforcement_starts_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_coverage_pk', ['policy_id', 'application_id'])
    .execute()
  await db.schema.createIndex('policy_coverage_by_application').on('policy_coverage').column('application_id').execute()

  await db.schema
    .createTable('application_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('threshold', 'real', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('window_hours', 'integer', (c) => c.notNull())
    .addColumn('no_data', 'text', (c) => c.notNull())
    .addColumn('sources_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('application_rules_one_per_requirement', ['application_id', 'metric', 'direction'])
    .execute()

  // A required rule someone deleted; it stays missing (a gap) until restored.
  await db.schema
    .createTable('deleted_rules')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .addColumn('deleted_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deleted_rules_pk', ['application_id', 'metric', 'direction'])
    .execute()

  // Gaps: every time an application falls short of a policy requirement, with its history.
  await db.schema
    .createTable('gaps')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('requirement', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('value', 'real')
    .addColumn('threshold', 'real')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute()
  await db.schema.createIndex('gaps_open').on('gaps').columns(['application_id', 'policy_id', 'resolved_at']).execute()

  const now = new Date().toISOString()
  await sql`INSERT INTO users (id, name, email, role, created_at, updated_at)
    VALUES ('usr_owner', 'Workspace owner', NULL, 'org_admin', ${now}, ${now})`.execute(db)

  // The library starts with the rules behind the four built-in templates, all recommended.
  const builtin: Array<[id: string, name: string, metric: string, operator: string, threshold: number, severity: string, windowHours: number]> = [
    ['ar_latency_p95', 'Response latency (p95) above 5000 ms', 'latency_p95', '>', 5000, 'high', 24],
    ['ar_error_rate', 'Error rate above 5%', 'error_rate', '>', 5, 'critical', 24],
    ['ar_throughput_drop', 'Throughput drop above 50% week over week', 'throughput_drop', '>', 50, 'high', 168],
    ['ar_availability', 'Model availability below 99%', 'availability', '<', 99, 'critical', 24],
    ['ar_pii', 'PII detection rate above 2%', 'pii', '>', 2, 'critical', 24],
    ['ar_sensitive_data', 'Sensitive data detection rate above 1%', 'sensitive_data', '>', 1, 'critical', 24],
    ['ar_credit_card', 'Credit card / financial data (zero tolerance)', 'credit_card', '>', 0, 'critical', 24],
    ['ar_gov_id', 'SSN / government ID detection (zero tolerance)', 'gov_id', '>', 0, 'critical', 24],
    ['ar_prompt_injection', 'Prompt injection detection rate above 0.5%', 'prompt_injection', '>', 0.5, 'critical', 24],
    ['ar_toxicity', 'Toxicity rate above 1%', 'toxicity', '>', 1, 'high', 24],
    ['ar_jailbreak', 'Jailbreak attempt rate above 0.1%', 'jailbreak', '>', 0.1, 'critical', 24],
    ['ar_hallucination', 'Hallucination rate above 5%', 'hallucination', '>', 5, 'high', 24],
    ['ar_coherence', 'Response coherence score below 0.75', 'coherence', '<', 0.75, 'medium', 24],
    ['ar_task_completion', 'Task completion rate below 90%', 'task_completion', '<', 90, 'high', 24],
    ['ar_user_satisfaction', 'User satisfaction score below 3.5 / 5', 'user_satisfaction', '<', 3.5, 'medium', 24],
  ]
  for (const [id, name, metric, operator, threshold, severity, windowHours] of builtin) {
    await sql`INSERT INTO alert_rules (id, name, metric, operator, threshold, severity, window_hours, no_data, recommended, builtin, created_at)
      VALUES (${id}, ${name}, ${metric}, ${operator}, ${threshold}, ${severity}, ${windowHours}, 'pending', 1, 1, '2026-01-01T00:00:00.000Z')`.execute(db)
  }
}
