/** Row types of the workspace database, as kysely sees them. Timestamps are ISO strings in UTC. */
import type { Generated, Kysely, Transaction } from 'kysely'

export interface ApplicationsTable {
  id: string
  name: string
  team: string | null
  environment: string | null
  created_at: string
  updated_at: string
  /** Set while the application is retired; it then leaves lists, coverage and compliance. */
  retired_at: string | null
  /** Counts the record's changes, from 1: an edit made on an older one is refused as a conflict. */
  version: Generated<number>
}

/** Each retirement of an application, and when it was reinstated, for reading the past. */
export interface ApplicationRetirementsTable {
  id: Generated<number>
  application_id: string
  retired_at: string
  reinstated_at: string | null
  /** The policies covering it as it retired, each since when: JSON of { policy_id, applied_at }[]. */
  coverage_json: string
}

export interface ApplicationTagsTable {
  application_id: string
  tag: string
}

export interface AuditEventsTable {
  id: Generated<number>
  at: string
  actor_id: string
  actor_name: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
  /** The hash of the event before it (audit-hash.ts); the first event links to CHAIN_START. */
  prev_hash: string | null
  /** SHA-256 of this event's content, id and prev_hash. Null only on a row the console did not write. */
  hash: string | null
}

/** One row, set once: the id audit packages name as their workspace. */
export interface WorkspaceIdentityTable {
  id: string
  created_at: string
}

export interface ApiTokensTable {
  id: string
  name: string
  role: string
  token_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
  user_id: string | null
}

export interface UsersTable {
  id: string
  name: string
  email: string | null
  role: string
  created_at: string
  updated_at: string
  /** Set while the person is inactive: kept on record, no longer picked, their tokens refused. */
  deactivated_at: string | null
  /** Counts the record's changes, from 1: an edit made on an older one is refused as a conflict. */
  version: Generated<number>
}

export interface GroupsTable {
  id: string
  name: string
  description: string | null
  created_at: string
  updated_at: string
  /** Counts the record's changes, from 1: an edit made on an older one is refused as a conflict. */
  version: Generated<number>
}

export interface GroupMembersTable {
  group_id: string
  user_id: string
}

export interface AlertRulesTable {
  id: string
  name: string
  metric: string
  operator: string
  threshold: number
  severity: string
  window_hours: number
  no_data: string
  recommended: number
  builtin: number
  created_at: string
}

export interface AttestationRulesTable {
  id: string
  name: string
  frequency: string
  every_days: number | null
  reviewers_json: string
  deadline_days: number
  escalation_json: string
  notes_required: number
  blocking: string
  created_at: string
}

export interface PoliciesTable {
  id: string
  name: string
  description: string | null
  owner_group_id: string | null
  enforcement_delay_days: number
  notification_webhook: string | null
  status: string
  archived_at: string | null
  auto_apply: number
  auto_apply_since: string | null
  auto_restore: number
  apply_to_all: number
  template_id: string | null
  version: number
  created_at: string
  updated_at: string
}

export interface PolicyRequirementsTable {
  policy_id: string
  position: number
  metric: string
  name: string
  operator: string
  threshold: number
  severity: string
  window_hours: number
  no_data: string
  alert_rule_id: string | null
}

export interface PolicyAttestationRulesTable {
  policy_id: string
  attestation_rule_id: string
  position: number
}

export interface PolicyScopeTagsTable {
  policy_id: string
  tag: string
}

export interface PolicyScopeApplicationsTable {
  policy_id: string
  application_id: string
}

export interface PolicyVersionsTable {
  policy_id: string
  version: number
  created_at: string
  actor_id: string
  actor_name: string
  summary: string
  definition_json: string
}

export interface PolicyCoverageTable {
  policy_id: string
  application_id: string
  policy_version: number
  applied_at: string
  enforcement_starts_at: string
}

export interface ApplicationRulesTable {
  id: string
  application_id: string
  metric: string
  direction: string
  name: string
  operator: string
  threshold: number
  severity: string
  window_hours: number
  no_data: string
  sources_json: string
  created_at: string
  updated_at: string
  /** Counts the rule's changes, from 1: a deletion made on an older one is refused as a conflict. */
  version: number
}

export interface DeletedRulesTable {
  application_id: string
  metric: string
  direction: string
  deleted_at: string
  deleted_by: string
}

export interface GapsTable {
  id: Generated<number>
  application_id: string
  policy_id: string
  requirement: string
  kind: string
  severity: string
  value: number | null
  threshold: number | null
  reason: string
  opened_at: string
  resolved_at: string | null
  policy_version: number | null
  grace_until: string | null
  alerted_open_at: string | null
  alerted_resolved_at: string | null
}

export interface MetricSeriesTable {
  id: Generated<number>
  application_id: string
  metric: string
}

export interface MetricBucketsTable {
  series_id: number
  /** Hours since the Unix epoch. */
  hour: number
  n: number
  total: number | null
  sum: number | null
  sketch: Uint8Array | null
}

export interface MetricBatchesTable {
  application_id: string
  batch_id: string
  digest: string
  received_at: string
  result_json: string
}

export interface MetricObservationKeysTable {
  application_id: string
  key: string
}

export interface InferenceImportsTable {
  id: string
  application_id: string
  format: string
  file_name: string
  created_at: string
  created_by: string
}

export interface InferenceImportPartsTable {
  import_id: string
  part: number
  first_line: number
  text: string
}

export interface EvaluationQueueTable {
  application_id: string
  queued_at: string
}

export interface ComplianceCurrentTable {
  application_id: string
  policy_id: string
  policy_version: number
  status: string
  in_grace: number
  evaluated_at: string
  results_json: string
}

export interface ComplianceDailyTable {
  day: string
  policy_id: string
  status: string
  count: number
}

export interface CoverageHistoryTable {
  id: Generated<number>
  policy_id: string
  application_id: string
  applied_at: string
  enforcement_starts_at: string
  ended_at: string | null
}

export interface NotificationsTable {
  id: Generated<number>
  policy_id: string
  url: string
  event: string
  payload_json: string
  created_at: string
  attempts: Generated<number>
  next_attempt_at: string
  sent_at: string | null
  last_error: string | null
  /** Until when the process sending it owns it; another process sends it only after that. */
  claimed_until: string | null
}

export interface ResumableTasksTable {
  id: string
  kind: string
  state_json: string
  actor_json: string
  started_at: string
  finished_at: string | null
}

export interface AttestationSchedulesTable {
  id: string
  policy_id: string
  attestation_rule_id: string
  /** Periods count from here: the policy's publication, or when the rule joined it. */
  anchor_at: string
  /** Set when the rule left the policy or the policy was archived or unpublished. */
  ended_at: string | null
}

export interface AttestationRequestsTable {
  id: string
  schedule_id: string
  policy_id: string
  attestation_rule_id: string
  period_index: number
  period_start: string
  period_end: string
  due_at: string
  issued_at: string
  /** Addressee[]: the rule's reviewers, groups with the members they had at issue time. */
  reviewers_json: string
  escalation_json: string
  closed_at: string | null
  attestation_id: string | null
  withdrawn_at: string | null
  /** When the console noticed the deadline pass: the overdue event and escalation are sent once. */
  overdue_at: string | null
  escalated_at: string | null
}

export interface AttestationRequestReviewersTable {
  request_id: string
  user_id: string
}

export interface AttestationsTable {
  id: string
  policy_id: string
  policy_version: number
  status: string
  notes: string | null
  attested_at: string
  reviewer_id: string
  reviewer_name: string
  request_id: string | null
  period_start: string | null
}

export interface AttestationExceptionsTable {
  id: string
  attestation_id: string
  policy_id: string
  application_id: string
  requirement: string
  justification: string
  expiry_date: string
  expires_at: string
  granted_at: string
  granted_by_id: string
  granted_by_name: string
  /** When its expiry was recorded (audit event, webhook, re-evaluation). */
  expired_noted_at: string | null
}

export interface AttestationRemindersTable {
  id: Generated<number>
  kind: string
  /** What it is about, unique with the kind: a request id, or an exception id with the days ahead. */
  subject: string
  policy_id: string
  request_id: string | null
  exception_id: string | null
  at: string
  title: string
  body: string
}

export interface AttestationReminderRecipientsTable {
  reminder_id: number
  user_id: string
}

export interface AttestationClockTable {
  id: number
  next_due_at: string
}

/** The highest audit event id ever handed out: one row (migrations/0012_audit_ids_issued.ts). */
export interface AuditIdsIssuedTable {
  id: number
  highest_id: number
}

/** The newest head of one chain each key signed (migrations/0014_audit_checkpoints.ts, audit/checkpoint.ts). */
export interface AuditCheckpointsTable {
  /** Whose chain: this workspace's id, or on a connected desktop its server's. */
  chain: string
  /** The signing key's public half: 32 raw Ed25519 bytes, base64. */
  public_key: string
  event_id: number
  hash: string
  at: string
  signature: string
}

/** A server's record of each connected desktop's newest signed head of the trail it pulled. */
export interface DesktopAuditHeadsTable {
  workspace_id: string
  public_key: string
  event_id: number
  hash: string
  at: string
  signature: string
  received_at: string
}

export interface AppliedCommandsTable {
  actor_id: string
  id: string
  procedure: string
  request_sha256: string
  applied_at: string
  answer_json: string | null
}

/** The change feed: one entry per row of a replicated table, its seq renewed by each change. */
export interface RowChangesTable {
  seq: Generated<number>
  table_name: string
  /** The row's primary key as a JSON array, in the key's order. */
  row_key: string
}

export type OutboxState = 'pending' | 'conflict' | 'rejected'

/** A change made on a connected desktop, kept until its server has applied it. */
export interface SyncOutboxTable {
  position: Generated<number>
  command_id: string
  procedure: string
  input_json: string
  made_at: string
  /** Who made it here: { id, name, role }. */
  actor_json: string
  state: Generated<OutboxState>
  message: string | null
  /** For a stale edit: the EditConflict the server answered. */
  conflict_json: string | null
  /** The records the command changed here, as JSON "table:id" keys; null for commands from before they were noted. */
  records_json: string | null
}

/** One row: the server this desktop syncs with, and how far it has pulled. */
export interface SyncStateTable {
  id: number
  server_url: string | null
  server_workspace_id: string | null
  cursor: Generated<string>
  last_synced_at: string | null
  last_error: string | null
  pulling: Generated<number>
}

export interface Database {
  applications: ApplicationsTable
  applied_commands: AppliedCommandsTable
  application_retirements: ApplicationRetirementsTable
  application_tags: ApplicationTagsTable
  audit_events: AuditEventsTable
  audit_ids_issued: AuditIdsIssuedTable
  audit_checkpoints: AuditCheckpointsTable
  desktop_audit_heads: DesktopAuditHeadsTable
  api_tokens: ApiTokensTable
  users: UsersTable
  groups: GroupsTable
  group_members: GroupMembersTable
  alert_rules: AlertRulesTable
  attestation_rules: AttestationRulesTable
  policies: PoliciesTable
  policy_requirements: PolicyRequirementsTable
  policy_attestation_rules: PolicyAttestationRulesTable
  policy_scope_tags: PolicyScopeTagsTable
  policy_scope_applications: PolicyScopeApplicationsTable
  policy_versions: PolicyVersionsTable
  policy_coverage: PolicyCoverageTable
  application_rules: ApplicationRulesTable
  deleted_rules: DeletedRulesTable
  gaps: GapsTable
  metric_series: MetricSeriesTable
  metric_buckets: MetricBucketsTable
  metric_batches: MetricBatchesTable
  metric_observation_keys: MetricObservationKeysTable
  inference_imports: InferenceImportsTable
  inference_import_parts: InferenceImportPartsTable
  evaluation_queue: EvaluationQueueTable
  compliance_current: ComplianceCurrentTable
  compliance_daily: ComplianceDailyTable
  coverage_history: CoverageHistoryTable
  notifications: NotificationsTable
  resumable_tasks: ResumableTasksTable
  attestation_schedules: AttestationSchedulesTable
  attestation_requests: AttestationRequestsTable
  attestation_request_reviewers: AttestationRequestReviewersTable
  attestations: AttestationsTable
  attestation_exceptions: AttestationExceptionsTable
  attestation_reminders: AttestationRemindersTable
  attestation_reminder_recipients: AttestationReminderRecipientsTable
  attestation_clock: AttestationClockTable
  workspace_identity: WorkspaceIdentityTable
  row_changes: RowChangesTable
  sync_outbox: SyncOutboxTable
  sync_state: SyncStateTable
}

/**
 * A handle for reading: the engine's read connection, or a transaction (which reads its own
 * writes). It has no way to write, so a read path cannot change the workspace by mistake.
 */
export type Db = Omit<Kysely<Database>, 'insertInto' | 'replaceInto' | 'updateTable' | 'deleteFrom' | 'mergeInto' | 'transaction' | 'startTransaction' | 'connection' | 'schema' | 'destroy'>

/** A handle that is inside a write transaction: only mutations receive one. */
export type Tx = Transaction<Database>
