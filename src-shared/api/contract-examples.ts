/**
 * One valid input for every procedure of the contract, written against things that exist in a
 * workspace. Tests start from them: the contract-wide checks, and the fuzzer that mutates them.
 * The mapped type makes a new procedure come with its example, or the build fails.
 */
import type { Input, ProcedureName } from './contract'

export interface ExampleWorld {
  applicationId: string
  policyId: string
  groupId: string
  userId: string
  alertRuleId: string
  attestationRuleId: string
  /** A rule materialised on the application. */
  ruleId: string
  /** A CSV import begun, its header and first line sent as part 0, and not yet committed. */
  importId: string
  /** The open attestation request of the policy's monthly sign-off. */
  attestationRequestId: string
  /** A report job started (an application's CSV report), finished by the time examples run. */
  reportJobId: string
  /** An API token, acting for no one. */
  tokenId: string
  /** A moment within the data window, an hour before the engine's clock. */
  recent: string
}

export type ContractExamples = { [K in ProcedureName]: Input<K> }

export function contractExamples(world: ExampleWorld): ContractExamples {
  const { applicationId: id, policyId, recent } = world
  return {
    'applications.list': { search: 'bot', tag: 'production', team: 'Support', environment: 'production', status: 'all' },
    'applications.get': { id },
    'applications.create': { name: 'Example Bot', tags: ['external-facing'], team: 'Support', environment: 'staging' },
    'applications.update': { id, name: 'Renamed Bot', tags: ['production', 'external-facing'] },
    'applications.retire': { id, dry_run: true },
    'applications.reinstate': { id },
    'applications.rules': { id },
    'applications.deleteRule': { id, rule_id: world.ruleId },
    'applications.restoreRules': { id, requirement: 'pii' },
    'applications.policies': { id },
    'audit.list': { entity_type: 'policy', entity_id: policyId, action: 'policy.created', actor_id: 'owner', since: '2020-01-01T00:00:00Z', until: recent, limit: 10 },
    'audit.export': { entity_type: 'application', entity_id: id, action: 'application.created', actor_id: 'owner', since: '2020-01-01T00:00:00Z', until: recent },
    'audit.verify': {},
    'tokens.list': {},
    'tokens.create': { name: 'nightly export', role: 'auditor', user: world.userId },
    'tokens.revoke': { id: world.tokenId },
    'users.list': {},
    'users.get': { id: world.userId },
    'users.create': { name: 'Ana Auditor', email: 'ana@example.com', role: 'auditor', group_ids: [world.groupId] },
    'users.update': { id: world.userId, name: 'Ana B. Auditor', role: 'reviewer', group_ids: [] },
    'users.deactivate': { id: world.userId, dry_run: true },
    'users.reactivate': { id: world.userId },
    'groups.list': {},
    'groups.get': { id: world.groupId },
    'groups.create': { name: 'Risk Committee', description: 'Signs off quarterly', member_ids: [world.userId] },
    'groups.update': { id: world.groupId, name: 'Governance Team', description: null, member_ids: [world.userId] },
    'metrics.list': {},
    'alertRules.list': {},
    'alertRules.create': { name: 'Toxicity above 3%', metric: 'toxicity', operator: '>', threshold: 3, severity: 'high', window_hours: 48, no_data: 'pass', recommended: false },
    'attestationRules.list': {},
    'attestationRules.create': {
      name: 'Quarterly sign-off',
      frequency: 'every_n_days',
      every_days: 90,
      reviewers: [{ type: 'group', id: world.groupId }],
      deadline_days: 14,
      escalation_path: [{ type: 'user', id: world.userId }],
      notes_required: true,
      blocking: 'warn',
    },
    'templates.list': {},
    'policies.list': { include_archived: true },
    'policies.get': { id: policyId },
    'policies.create': {
      name: 'Example Policy',
      description: 'For the examples',
      owner_group_id: world.groupId,
      enforcement_delay_days: 7,
      notification_webhook: 'https://hooks.example.com/governance',
      alert_rules: [{ alert_rule_id: world.alertRuleId, threshold: 1 }, { metric: 'coherence', operator: '<', threshold: 0.7, severity: 'medium', name: 'Coherent enough' }],
      attestation_rule_ids: [world.attestationRuleId],
      scope: { apply_to_all: false, tags: ['production'], application_ids: [id] },
      auto_apply: false,
      auto_restore: true,
      status: 'published',
      dry_run: false,
    },
    'policies.createFromTemplate': { template_id: 'performance_monitored', name: 'Quality Watch', scope: { apply_to_all: true }, status: 'draft', auto_apply: true, dry_run: false },
    'policies.update': { id: policyId, description: 'Tightened', enforcement_delay_days: 14, scope: { tags: ['production'] }, dry_run: true },
    'policies.archive': { id: policyId },
    'policies.versions': { id: policyId },
    'policies.diff': { id: policyId, from: 1, to: 2 },
    'policies.coverage': { id: policyId },
    'policies.previewScope': { id: policyId, scope: { apply_to_all: false, tags: ['production'], application_ids: [] } },
    'workspace.info': {},
    'workspace.loadSample': {},
    'session.whoami': {},
    'metrics.ingest': {
      id,
      batch_id: 'exporter-1',
      observations: [
        { metric: 'pii', timestamp: recent, count: 1, total: 200 },
        { metric: 'requests', timestamp: recent, count: 200, id: 'req-1' },
        { metric: 'latency_p95', timestamp: recent, values: [420, 880.5] },
        { metric: 'coherence', timestamp: recent, sum: 1.7, count: 2 },
        { metric: 'user_satisfaction', timestamp: recent, values: [4, 5] },
      ],
    },
    'metrics.series': { id, metric: 'pii', from: '2026-01-01T00:00:00Z', to: recent },
    'inferences.import': { id, format: 'jsonl', content: `{"timestamp": "${recent}", "latency_ms": 900, "pii": false, "coherence": 0.8}\n` },
    'inferences.begin': { id, format: 'csv', file_name: 'events.csv' },
    'inferences.append': { import_id: world.importId, part: 1, text: `${recent},true,3\n` },
    'inferences.commit': { import_id: world.importId },
    'inferences.cancel': { import_id: world.importId },
    'compliance.organization': { application_id: id, as_of: recent },
    'compliance.application': { id, as_of: recent },
    'compliance.overview': { as_of: recent, tag: 'production', team: 'Support', environment: 'production', status: 'pending' },
    'compliance.trend': { days: 7, as_of: recent },
    'compliance.evaluate': { application_id: id },
    'gaps.list': { application_id: id, policy_id: policyId, open: true, as_of: recent, limit: 20 },
    'attestations.submit': {
      id: policyId,
      policy_id: policyId,
      status: 'compliant_with_exceptions',
      notes: 'All requirements passing. PII exception tracked in JIRA-1234.',
      exceptions: [{ application_id: id, requirement: 'pii', justification: 'Accepted risk — JIRA-1234, approved by the CISO', expiry_date: daysAfter(recent, 30) }],
      request_id: world.attestationRequestId,
    },
    'attestations.list': { id: policyId },
    'attestations.inbox': { tab: 'open', policy_id: policyId, mine: false },
    'attestations.request': { id: world.attestationRequestId },
    'attestations.schedules': { id: policyId },
    'attestations.reminders': { after_id: 0, limit: 50 },
    'applications.deploymentGate': { id },
    'reports.preview': { policy_id: policyId, as_of: recent },
    'reports.compliance': { format: 'csv', application_id: id, as_of: recent },
    'reports.start': { format: 'pdf', policy_id: policyId },
    'reports.job': { id: world.reportJobId },
    'reports.cancel': { id: world.reportJobId },
    'reports.file': { id: world.reportJobId },
    'reports.history': { limit: 20 },
    'sync.changes': { after: '0', limit: 500 },
    'sync.rows': { keys: [{ table: 'policies', key: [world.policyId] }] },
    'sync.head': {
      desktop_workspace_id: 'ws_desktopexample01',
      checkpoint: { chain: 'ws_serverexample001', event_id: 1, hash: 'ab'.repeat(32), at: recent, public_key: `${'A'.repeat(43)}=`, signature: `${'A'.repeat(86)}==` },
    },
    'sync.status': {},
    'sync.connect': { url: 'https://governance.example.org', token: 'gov_example' },
    'sync.disconnect': {},
    'sync.now': {},
    'sync.resolve': { command_id: 'cmd_example', choice: 'theirs' },
  }
}

/** The calendar date `days` after a moment, as YYYY-MM-DD. */
function daysAfter(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10)
}
