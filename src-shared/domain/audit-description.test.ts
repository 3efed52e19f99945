import { describe, expect, it } from 'vitest'
import { AUDIT_ACTIONS, type AuditAction } from './audit'
import { changedFields, describeAuditEvent, describeChange, type DescribedEvent } from './audit-description'

const maya = { id: 'usr_maya', name: 'Maya' }

function event(action: string, fields: Partial<DescribedEvent> = {}): DescribedEvent {
  return { action, entity_type: 'application', entity_id: 'app_1', entity_name: 'Fraud Scorer', actor: maya, before: null, after: null, ...fields }
}

const system = { actor: { id: 'system', name: 'Governance Console' } }

const rule = { metric: 'latency_p95', operator: '>', threshold: 800, severity: 'high', name: 'Response latency (p95)' }

/** An event of each action, shaped as the engine records it. */
const RECORDED: Record<AuditAction, Partial<DescribedEvent>> = {
  'application.created': { after: { name: 'Fraud Scorer', environment: 'production' } },
  'application.updated': { before: { name: 'Fraud Scorer', team: 'Risk' }, after: { name: 'Fraud Scorer', team: 'Fraud' } },
  'application.retired': { before: { name: 'Fraud Scorer' }, after: { name: 'Fraud Scorer', policies: [{ id: 'pol_1', name: 'PII' }], rules_removed: 3, gaps_closed: 1 } },
  'application.reinstated': { after: { name: 'Fraud Scorer', policies: [{ id: 'pol_1', name: 'PII' }], rules_materialised: 3 } },
  'policy.created': { entity_type: 'policy', after: { name: 'PII' } },
  'policy.updated': { entity_type: 'policy', before: { name: 'PII', enforcement_delay_days: 30 }, after: { name: 'PII', enforcement_delay_days: 7 } },
  'policy.archived': { entity_type: 'policy', before: { name: 'Sensitive Data' }, after: { name: 'Sensitive Data', archived: true } },
  'policy.version_created': { entity_type: 'policy', entity_name: 'PII', after: { version: 3, summary: 'Threshold of pii 2 → 1' } },
  'policy.scope_changed': { entity_type: 'policy', entity_name: 'PII', before: { apply_to_all: false, tags: ['external-facing'], application_ids: [] }, after: { apply_to_all: true, tags: [], application_ids: [] } },
  'policy.attached': { after: { policy_name: 'PII', policy_id: 'pol_1' } },
  'policy.detached': { before: { policy_name: 'PII', policy_id: 'pol_1' } },
  'rule.materialised': { after: rule },
  'rule.updated': { before: rule, after: { ...rule, threshold: 600, severity: 'critical' } },
  'rule.removed': { before: rule },
  'rule.deleted': { before: rule },
  'rule.restored': { after: { ...rule, reason: 'restored on request' } },
  'gap.opened': { actor: { id: 'system', name: 'Governance Console' }, after: { requirement: 'pii', severity: 'critical', reason: 'PII detection rate was 3%' } },
  'gap.resolved': { actor: { id: 'system', name: 'Governance Console' }, after: { gap_id: 4, requirement: 'pii' } },
  'user.created': { entity_type: 'user', after: { name: 'Ana Ortiz', role: 'reviewer' } },
  'user.updated': { entity_type: 'user', before: { name: 'Ana Ortiz', role: 'reviewer' }, after: { name: 'Ana Ortiz', role: 'auditor' } },
  'user.deactivated': { entity_type: 'user', before: { name: 'Ana Ortiz', active: true }, after: { name: 'Ana Ortiz', active: false } },
  'user.reactivated': { entity_type: 'user', before: { name: 'Ana Ortiz', active: false }, after: { name: 'Ana Ortiz', active: true } },
  'group.created': { entity_type: 'group', after: { name: 'Risk Committee', member_ids: ['usr_a', 'usr_b'] } },
  'group.updated': { entity_type: 'group', before: { name: 'Risk Committee', member_ids: ['usr_a'] }, after: { name: 'Risk Committee', member_ids: ['usr_a', 'usr_b'] } },
  'alert_rule.created': { entity_type: 'alert_rule', after: { ...rule, name: 'Latency above 800ms' } },
  'attestation_rule.created': { entity_type: 'attestation_rule', after: { name: 'Quarterly sign-off', frequency: 'every_n_days' } },
  'token.created': { entity_type: 'api_token', after: { name: 'ci-pipeline', role: 'governance_manager' } },
  'token.revoked': { entity_type: 'api_token', before: { name: 'ci-pipeline' }, after: { name: 'ci-pipeline', revoked_at: '2026-03-01T10:00:00.000Z' } },
  'metrics.ingested': { after: { accepted: 120, duplicates: 0 } },
  'inferences.imported': { after: { events: 5000, source: 'events.csv' } },
  'workspace.sample_loaded': { entity_type: 'workspace', entity_id: 'workspace', entity_name: null, after: { applications: 39, policies: 4, history_days: 90 } },
  'attestation.requested': { ...system, entity_type: 'policy', entity_name: 'PII', after: { rule_name: 'Monthly sign-off', due_at: '2026-03-08T09:00:00.000Z', reviewers: [{ type: 'user', id: 'usr_ana', name: 'Ana Ortiz', members: [] }] } },
  'attestation.withdrawn': { ...system, entity_type: 'policy', entity_name: 'PII', after: { period_start: '2026-03-01T09:00:00.000Z', reason: 'the policy was archived' } },
  'attestation.reminder_sent': { ...system, entity_type: 'policy', entity_name: 'PII', after: { kind: 'due_soon', title: 'Sign-off due 2026-03-08: PII', recipients: [{ id: 'usr_ana', name: 'Ana Ortiz' }] } },
  'attestation.submitted': { entity_type: 'policy', entity_name: 'PII', after: { status: 'compliant_with_exceptions', notes: 'JIRA-1234', exceptions: [{ application_id: 'app_1', requirement: 'pii' }] } },
  'attestation.overdue': { ...system, entity_type: 'policy', entity_name: 'PII', after: { due_at: '2026-03-08T09:00:00.000Z' } },
  'attestation.escalated': { ...system, entity_type: 'policy', entity_name: 'PII', after: { escalation_path: [{ type: 'user', id: 'usr_ciso', name: 'Chris CISO', members: [] }] } },
  'exception.granted': { after: { requirement: 'pii', policy_name: 'PII', expiry_date: '2026-06-01', justification: 'Accepted risk — JIRA-1234' } },
  'exception.expiring': { ...system, after: { requirement: 'pii', expiry_date: '2026-06-01', days_left: 7 } },
  'exception.expired': { ...system, after: { requirement: 'pii', expiry_date: '2026-06-01' } },
  'sync.connected': { entity_type: 'workspace', entity_id: 'ws_1', entity_name: null, after: { server_url: 'https://governance.example.org', server_workspace_id: 'ws_2' } },
  'sync.disconnected': { entity_type: 'workspace', entity_id: 'ws_1', entity_name: null, before: { server_url: 'https://governance.example.org' } },
  'sync.resolved': { entity_type: 'sync_command', entity_id: 'cmd_1', entity_name: null, before: { procedure: 'policies.update', state: 'conflict' }, after: { choice: 'theirs' } },
  'audit.signing_key_added': { ...system, entity_type: 'audit_key', entity_id: 'ab'.repeat(32), entity_name: null, after: { public_key: 'A'.repeat(43) + '=', fingerprint: 'ab'.repeat(32) } },
  'audit.unsigned_events_found': { ...system, entity_type: 'audit_trail', entity_id: 'ws_1', entity_name: null, after: { from_id: 13, to_id: 13, signed_head_id: 12 } },
  'report.exported': { entity_type: 'report', entity_id: 'rpj_1', entity_name: null, after: { format: 'package', scope: { kind: 'policy', policy_name: 'PII' }, as_of: '2026-03-01T10:00:00.000Z', sha256: 'ab'.repeat(32) } },
}

describe('audit events in plain words', () => {
  it.each(AUDIT_ACTIONS)('describes %s, its actor first', (action) => {
    const sentence = describeAuditEvent(event(action, RECORDED[action]))
    const actor = RECORDED[action].actor?.name ?? 'Maya'
    expect(sentence.startsWith(`${actor} `)).toBe(true)
    expect(sentence).not.toMatch(/^\S+ recorded /)
    expect(sentence).not.toMatch(/undefined|null|\[object|NaN/)
  })

  it.each(AUDIT_ACTIONS)('describes %s even when its event recorded nothing before or after', (action) => {
    const sentence = describeAuditEvent(event(action))
    expect(sentence).not.toMatch(/undefined|\[object|NaN/)
    expect(sentence.length).toBeGreaterThan(10)
  })

  it('reads as the console says it', () => {
    expect(describeAuditEvent(event('application.updated', { before: { name: 'Fraud Scorer' }, after: { name: 'Fraud Scorer v2' } }))).toBe('Maya renamed application Fraud Scorer to Fraud Scorer v2')
    expect(describeAuditEvent(event('policy.archived', RECORDED['policy.archived']), { actor: false })).toBe('Archived policy Sensitive Data')
    expect(describeAuditEvent(event('rule.deleted', RECORDED['rule.deleted']))).toBe('Maya deleted alert rule latency_p95 > 800 on application Fraud Scorer')
    expect(describeAuditEvent(event('application.updated', RECORDED['application.updated']))).toBe('Maya changed application Fraud Scorer: team Risk → Fraud')
    expect(describeAuditEvent(event('application.retired', RECORDED['application.retired']))).toBe('Maya retired application Fraud Scorer (left 1 policy, removed 3 alert rules and closed 1 open gap)')
    expect(describeAuditEvent(event('policy.scope_changed', RECORDED['policy.scope_changed']))).toBe('Maya changed the scope of policy PII from tag external-facing to every application')
    expect(describeAuditEvent(event('group.updated', RECORDED['group.updated']))).toBe('Maya changed group Risk Committee: added 1 member')
    expect(describeAuditEvent(event('user.deactivated', RECORDED['user.deactivated']))).toBe('Maya deactivated Ana Ortiz')
    expect(describeAuditEvent(event('attestation.submitted', RECORDED['attestation.submitted']))).toBe('Maya signed off policy PII as Compliant with exceptions, with 1 exception: JIRA-1234')
    expect(describeAuditEvent(event('attestation.escalated', RECORDED['attestation.escalated']))).toBe('Governance Console escalated the missed sign-off of policy PII to Chris CISO')
    expect(describeAuditEvent(event('audit.unsigned_events_found', RECORDED['audit.unsigned_events_found']))).toBe('Governance Console found event 13 in the audit trail without a signature: it was added without the workspace’s key')
    expect(describeAuditEvent(event('exception.granted', RECORDED['exception.granted']))).toBe('Maya granted an exception for pii on application Fraud Scorer under PII until 2026-06-01: Accepted risk — JIRA-1234')
  })

  it('names a record by what the event recorded, else its current name, else its id', () => {
    expect(describeAuditEvent(event('policy.attached', { entity_name: null, after: { policy_id: 'pol_1' } }))).toBe('Maya applied policy pol_1 to application app_1')
    expect(describeAuditEvent(event('user.reactivated', { entity_type: 'user', entity_id: 'usr_x', entity_name: 'Ana Ortiz' }))).toBe('Maya reactivated Ana Ortiz')
    expect(describeAuditEvent(event('something.new', { entity_type: 'alert_rule' }))).toBe('Maya recorded something.new on alert rule Fraud Scorer')
  })
})

describe('the fields an event changed', () => {
  it('lists each changed field with its value before and after, bookkeeping left out', () => {
    expect(changedFields({ name: 'A', team: 'CX', tags: ['x'], updated_at: '1' }, { name: 'A', team: null, tags: ['x', 'y'], updated_at: '2' })).toEqual([
      { field: 'team', before: 'CX', after: null },
      { field: 'tags', before: ['x'], after: ['x', 'y'] },
    ])
    expect(changedFields({ version: 1, updated_at: '1' }, { version: 2, updated_at: '2' })).toEqual([
      { field: 'version', before: 1, after: 2 },
      { field: 'updated_at', before: '1', after: '2' },
    ])
  })

  it('lists what a creation created and a removal removed, and a bare value as one change', () => {
    expect(changedFields(null, { name: 'A', team: 'CX' })).toEqual([
      { field: 'name', before: undefined, after: 'A' },
      { field: 'team', before: undefined, after: 'CX' },
    ])
    expect(changedFields({ name: 'A' }, null)).toEqual([{ field: 'name', before: 'A', after: undefined }])
    expect(changedFields(1, 2)).toEqual([{ field: '', before: 1, after: 2 }])
    expect(changedFields(null, null)).toEqual([])
  })

  it('gives the console its short lines, as before the move to src-shared', () => {
    expect(describeChange({ team: 'CX', updated_at: '1' }, { team: 'Claims', updated_at: '2' })).toEqual([{ field: 'team', before: 'CX', after: 'Claims' }])
    expect(describeChange(null, { name: 'A' })).toEqual([{ field: '', after: '{"name":"A"}' }])
    expect(describeChange({ name: 'A' }, null)).toEqual([{ field: '', before: '{"name":"A"}' }])
    expect(describeChange(null, null)).toEqual([])
  })
})
