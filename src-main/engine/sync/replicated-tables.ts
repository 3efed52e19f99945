/**
 * Which tables a connected desktop copies from its server, each with its primary key, and which
 * stay local with the reason. One list, read by the change feed, the pull and the tests.
 */
import type { Database } from '../db/schema'

export type TableName = keyof Database

/** The primary key of every replicated table, columns in the key's order. */
export const REPLICATED_TABLES = {
  applications: ['id'],
  application_tags: ['application_id', 'tag'],
  application_retirements: ['id'],
  application_rules: ['id'],
  deleted_rules: ['application_id', 'metric', 'direction'],
  audit_events: ['id'],
  users: ['id'],
  groups: ['id'],
  group_members: ['group_id', 'user_id'],
  alert_rules: ['id'],
  attestation_rules: ['id'],
  policies: ['id'],
  policy_requirements: ['policy_id', 'metric'],
  policy_attestation_rules: ['policy_id', 'attestation_rule_id'],
  policy_scope_tags: ['policy_id', 'tag'],
  policy_scope_applications: ['policy_id', 'application_id'],
  policy_versions: ['policy_id', 'version'],
  policy_coverage: ['policy_id', 'application_id'],
  coverage_history: ['id'],
  gaps: ['id'],
  compliance_current: ['application_id', 'policy_id'],
  compliance_daily: ['day', 'policy_id', 'status'],
  metric_series: ['id'],
  metric_buckets: ['series_id', 'hour'],
  attestation_schedules: ['id'],
  attestation_requests: ['id'],
  attestation_request_reviewers: ['request_id', 'user_id'],
  attestations: ['id'],
  attestation_exceptions: ['id'],
  attestation_reminders: ['id'],
  attestation_reminder_recipients: ['reminder_id', 'user_id'],
} as const satisfies Partial<Record<TableName, readonly string[]>>

export type ReplicatedTable = keyof typeof REPLICATED_TABLES

/** Tables each workspace keeps for itself, and why they are not copied. */
export const LOCAL_TABLES = {
  api_tokens: 'tokens let people and pipelines into this workspace’s own API; the server has its own',
  audit_ids_issued: 'the highest audit event id this workspace has held: on a desktop, set from the server’s events it pulled',
  applied_commands: 'which sender ids this workspace applied: bookkeeping of exactly-once, per workspace',
  evaluation_queue: 'what this workspace still has to evaluate; a connected desktop leaves evaluation to its server',
  resumable_tasks: 'long writes this process left half-way, resumed by the process that opens the file',
  notifications: 'the alert webhook outbox: alerts are delivered by the server, never by a desktop',
  attestation_clock: 'when this workspace’s own attestation upkeep next has work; the server keeps its own',
  metric_batches: 'which monitoring batches this workspace took, so a repeat is ignored; the server keeps its own',
  metric_observation_keys: 'which observations this workspace took, so a repeat is ignored; the server keeps its own',
  inference_imports: 'a file being imported in parts: staging, until its commit stores the events',
  inference_import_parts: 'a file being imported in parts: staging, until its commit stores the events',
  workspace_identity: 'the id of this workspace file, named in its audit packages',
  audit_checkpoints: 'heads of the trail signed with this workspace’s own key; a desktop signs what it pulled with its own',
  desktop_audit_heads: 'a server’s record of the heads its desktops signed, so a copy that goes backwards is refused',
  row_changes: 'the change feed itself (on a desktop: rows changed here and not yet settled with the server)',
  sync_outbox: 'changes made on this desktop waiting for the server',
  sync_state: 'where this desktop syncs to and how far it has pulled',
} as const satisfies Partial<Record<TableName, string>>

export function isReplicated(table: string): table is ReplicatedTable {
  return Object.hasOwn(REPLICATED_TABLES, table)
}

