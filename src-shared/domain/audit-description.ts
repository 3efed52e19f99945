/**
 * Audit events in plain words, for the console's audit log and the CSV export alike: one sentence
 * per event ("Maya renamed application Fraud Scorer to Fraud Scorer v2"), and the fields an event
 * changed, for the before/after view. Pure: it reads only the event, so names are those the event
 * recorded, or the record's current name (`entity_name`) where the event recorded none.
 */
import type { AuditAction, AuditEvent } from './audit'

/** What a description reads of an event; `entity_name` may be absent in events from older answers. */
export type DescribedEvent = Pick<AuditEvent, 'action' | 'entity_type' | 'entity_id' | 'actor' | 'before' | 'after'> & { entity_name?: string | null }

type Fields = Record<string, unknown>

interface Reading {
  before: Fields
  after: Fields
  /** The record's name: as the event recorded it, else as the workspace knows it now, else its id. */
  name: string
  event: DescribedEvent
}

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A payload's field as short text, or undefined when it is missing or empty. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function count(n: unknown, one: string, many = `${one}s`): string | undefined {
  return typeof n === 'number' ? `${n} ${n === 1 ? one : many}` : undefined
}

function list(items: ReadonlyArray<string | undefined>): string {
  const present = items.filter((item): item is string => item !== undefined)
  if (present.length <= 1) return present.join('')
  return `${present.slice(0, -1).join(', ')} and ${present.at(-1)}`
}

/** An alert rule as people read it: "latency_p95 > 800". */
function condition(rule: Fields): string {
  const metric = text(rule.metric) ?? text(rule.requirement) ?? 'a metric'
  const operator = text(rule.operator)
  const threshold = text(rule.threshold)
  return operator && threshold ? `${metric} ${operator} ${threshold}` : metric
}

function scopeWords(scope: unknown): string {
  if (!isRecord(scope)) return 'nothing'
  if (scope.apply_to_all === true) return 'every application'
  const tags = Array.isArray(scope.tags) ? scope.tags.filter((tag): tag is string => typeof tag === 'string') : []
  const ids = Array.isArray(scope.application_ids) ? scope.application_ids.length : 0
  const parts = [tags.length ? `${tags.length === 1 ? 'tag' : 'tags'} ${tags.join(', ')}` : undefined, ids ? count(ids, 'named application') : undefined]
  return parts.some(Boolean) ? list(parts) : 'nothing'
}

function names(items: unknown): string[] {
  return Array.isArray(items) ? items.flatMap((item) => (isRecord(item) && text(item.name) ? [text(item.name)!] : [])) : []
}

/** A field's value in a sentence: short, lists joined, nothing as a dash. */
function brief(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length === 0 ? '—' : formatAuditValue(value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', '), 60)
  return formatAuditValue(value, 60)
}

/** "team CX → Claims; tags a → b, c": the fields changed, with values where they read simply. */
function fieldChanges(reading: Reading, skip: readonly string[] = []): string {
  return changedFields(reading.before, reading.after)
    .filter((change) => !skip.includes(change.field))
    .map((change) => (isRecord(change.before) || isRecord(change.after) ? change.field : `${change.field} ${brief(change.before)} → ${brief(change.after)}`))
    .join('; ')
}

function renamedOrChanged(kind: string, reading: Reading, skip: readonly string[] = []): string {
  const was = text(reading.before.name)
  const now = text(reading.after.name)
  const rest = fieldChanges(reading, ['name', ...skip])
  if (was && now && was !== now) return `Renamed ${kind} ${was} to ${now}${rest ? `; changed ${rest}` : ''}`
  return rest ? `Changed ${kind} ${reading.name}: ${rest}` : `Changed ${kind} ${reading.name}`
}

function application(reading: Reading): string {
  return `application ${reading.event.entity_name ?? reading.event.entity_id}`
}

const ROLE_WORDS: Record<string, string> = { org_admin: 'an org admin', governance_manager: 'a governance manager', reviewer: 'a reviewer', auditor: 'an auditor' }

const REPORT_WORDS: Readonly<Record<string, string>> = { pdf: 'the compliance report (PDF)', csv: 'the compliance report (CSV)', package: 'an audit package' }

const ATTESTATION_WORDS: Readonly<Record<string, string>> = { compliant: 'Compliant', compliant_with_exceptions: 'Compliant with exceptions', non_compliant: 'Non-Compliant' }

/** A timestamp's day, YYYY-MM-DD. */
function day(value: unknown): string | undefined {
  const at = text(value)
  return at && /^\d{4}-\d{2}-\d{2}/.test(at) ? at.slice(0, 10) : undefined
}

const DESCRIPTIONS: Record<AuditAction, (reading: Reading) => string> = {
  'application.created': ({ after, name }) => `Created application ${name}${text(after.environment) ? ` in ${text(after.environment)}` : ''}`,
  'application.updated': (reading) => renamedOrChanged('application', reading),
  'application.retired': ({ after, name }) => {
    const policies = names(after.policies).length
    const rules = typeof after.rules_removed === 'number' ? after.rules_removed : 0
    const gaps = typeof after.gaps_closed === 'number' ? after.gaps_closed : 0
    const what = list([policies ? `left ${count(policies, 'policy', 'policies')}` : undefined, rules ? `removed ${count(rules, 'alert rule')}` : undefined, gaps ? `closed ${count(gaps, 'open gap')}` : undefined])
    return `Retired application ${name}${what ? ` (${what})` : ''}`
  },
  'application.reinstated': ({ after, name }) => {
    const policies = names(after.policies)
    return `Reinstated application ${name}${policies.length ? ` (covered again by ${list(policies)})` : ''}`
  },
  'policy.created': ({ name }) => `Created policy ${name}`,
  'policy.updated': (reading) => renamedOrChanged('policy', reading, ['version']),
  'policy.archived': ({ name }) => `Archived policy ${name}`,
  'policy.version_created': ({ after, name }) => `Saved version ${text(after.version) ?? '?'} of policy ${name}${text(after.summary) ? `: ${text(after.summary)}` : ''}`,
  'policy.scope_changed': ({ event, name }) => `Changed the scope of policy ${name} from ${scopeWords(event.before)} to ${scopeWords(event.after)}`,
  'policy.attached': (reading) => `Applied policy ${text(reading.after.policy_name) ?? text(reading.after.policy_id) ?? 'a policy'} to ${application(reading)}`,
  'policy.detached': (reading) => `Removed policy ${text(reading.before.policy_name) ?? text(reading.before.policy_id) ?? 'a policy'} from ${application(reading)}`,
  'rule.materialised': (reading) => `Added alert rule ${condition(reading.after)} to ${application(reading)}`,
  'rule.updated': (reading) => {
    const severity = text(reading.before.severity) !== text(reading.after.severity) ? ` (${text(reading.before.severity) ?? '—'} → ${text(reading.after.severity) ?? '—'})` : ''
    return `Changed alert rule ${condition(reading.before)} to ${condition(reading.after)}${severity} on ${application(reading)}`
  },
  'rule.removed': (reading) => `Removed alert rule ${condition(reading.before)} from ${application(reading)}`,
  'rule.deleted': (reading) => `Deleted alert rule ${condition(reading.before)} on ${application(reading)}`,
  'rule.restored': (reading) => `Restored alert rule ${condition(reading.after)} on ${application(reading)}${text(reading.after.reason) ? ` (${text(reading.after.reason)})` : ''}`,
  'gap.opened': (reading) => {
    const gap = ['a', text(reading.after.severity), text(reading.after.requirement), 'gap'].filter(Boolean).join(' ')
    const reason = text(reading.after.reason)
    return `Opened ${gap} on ${application(reading)}${reason ? `: ${reason}` : ''}`
  },
  'gap.resolved': (reading) => `Resolved the ${[text(reading.after.requirement), 'gap'].filter(Boolean).join(' ')} on ${application(reading)}`,
  'user.created': ({ after, name }) => `Added ${name} to the directory${ROLE_WORDS[text(after.role) ?? ''] ? ` as ${ROLE_WORDS[text(after.role)!]}` : ''}`,
  'user.updated': (reading) => renamedOrChanged('person', reading),
  'user.deactivated': ({ name }) => `Deactivated ${name}`,
  'user.reactivated': ({ name }) => `Reactivated ${name}`,
  'group.created': ({ after, name }) => `Created group ${name}${Array.isArray(after.member_ids) && after.member_ids.length ? ` with ${count(after.member_ids.length, 'member')}` : ''}`,
  'group.updated': (reading) => {
    const before = new Set(Array.isArray(reading.before.member_ids) ? reading.before.member_ids : [])
    const after = new Set(Array.isArray(reading.after.member_ids) ? reading.after.member_ids : [])
    const added = [...after].filter((id) => !before.has(id)).length
    const removed = [...before].filter((id) => !after.has(id)).length
    const members = list([added ? `added ${count(added, 'member')}` : undefined, removed ? `removed ${count(removed, 'member')}` : undefined])
    const rest = renamedOrChanged('group', reading, ['member_ids'])
    if (!members) return rest
    return rest === `Changed group ${reading.name}` ? `Changed group ${reading.name}: ${members}` : `${rest}; ${members}`
  },
  'alert_rule.created': ({ after, name }) => `Added alert rule ${name} (${condition(after)}) to the library`,
  'attestation_rule.created': ({ after, name }) => `Added attestation rule ${name}${text(after.frequency) ? ` (${text(after.frequency)!.replaceAll('_', ' ')})` : ''} to the library`,
  'token.created': ({ after, name }) => `Created API token ${name}${text(after.role) ? ` (${text(after.role)})` : ''}`,
  'token.revoked': ({ name }) => `Revoked API token ${name}`,
  'metrics.ingested': (reading) => `Sent ${count(reading.after.accepted, 'observation') ?? 'observations'} for ${application(reading)}`,
  'inferences.imported': (reading) => {
    const source = text(reading.after.source)
    return `Imported ${count(reading.after.events, 'inference event') ?? 'inference events'} for ${application(reading)}${source && source !== 'api' && source !== 'upload' ? ` from ${source}` : ''}`
  },
  'attestation.requested': ({ after, name }) => {
    const reviewers = names(after.reviewers)
    return `Requested sign-off of policy ${name}${text(after.rule_name) ? ` (${text(after.rule_name)})` : ''}${reviewers.length ? ` from ${list(reviewers)}` : ''}${day(after.due_at) ? `, due ${day(after.due_at)}` : ''}`
  },
  'attestation.withdrawn': ({ after, name }) => `Withdrew the sign-off request of policy ${name}${day(after.period_start) ? ` for the period from ${day(after.period_start)}` : ''}${text(after.reason) ? ` (${text(after.reason)})` : ''}`,
  'attestation.reminder_sent': ({ after, name }) => {
    const recipients = names(after.recipients)
    return `Reminded ${recipients.length ? list(recipients) : 'nobody'} about policy ${name}${text(after.title) ? `: ${text(after.title)}` : ''}`
  },
  'attestation.submitted': ({ after, name }) => {
    const status = ATTESTATION_WORDS[text(after.status) ?? ''] ?? text(after.status) ?? 'signed off'
    const exceptions = Array.isArray(after.exceptions) && after.exceptions.length ? `, with ${count(after.exceptions.length, 'exception')}` : ''
    return `Signed off policy ${name} as ${status}${exceptions}${text(after.notes) ? `: ${formatAuditValue(after.notes, 120)}` : ''}`
  },
  'attestation.overdue': ({ after, name }) => `Sign-off of policy ${name} is overdue${day(after.due_at) ? ` (due ${day(after.due_at)})` : ''}`,
  'attestation.escalated': ({ after, name }) => {
    const to = names(after.escalation_path)
    return `Escalated the missed sign-off of policy ${name}${to.length ? ` to ${list(to)}` : ' (no escalation path set)'}`
  },
  'exception.granted': (reading) => `Granted an exception for ${text(reading.after.requirement) ?? 'a requirement'} on ${application(reading)}${text(reading.after.policy_name) ? ` under ${text(reading.after.policy_name)}` : ''} until ${text(reading.after.expiry_date) ?? '—'}${text(reading.after.justification) ? `: ${formatAuditValue(reading.after.justification, 120)}` : ''}`,
  'exception.expiring': (reading) => `The exception for ${text(reading.after.requirement) ?? 'a requirement'} on ${application(reading)} expires on ${text(reading.after.expiry_date) ?? '—'}`,
  'exception.expired': (reading) => `The exception for ${text(reading.after.requirement) ?? 'a requirement'} on ${application(reading)} expired; the requirement counts again`,
  'report.exported': ({ after }) => {
    const format = REPORT_WORDS[text(after.format) ?? ''] ?? 'a report'
    const scope = isRecord(after.scope) ? text(after.scope.policy_name) ?? text(after.scope.application_name) ?? 'the organisation' : 'the organisation'
    const sha = text(after.sha256)
    return `Exported ${format} for ${scope}${day(after.as_of) ? ` as of ${day(after.as_of)}` : ''}${sha ? ` (SHA-256 ${sha.slice(0, 12)}…)` : ''}`
  },
  'sync.connected': ({ after }) => `Connected this workspace to the server ${text(after.server_url) ?? ''}`.trim(),
  'sync.disconnected': ({ before }) => `Disconnected this workspace from the server ${text(before.server_url) ?? ''}`.trim(),
  'sync.resolved': ({ before, after }) =>
    after.choice === 'mine'
      ? `Sent a change the server refused (${text(before.procedure) ?? 'a change'}) again, over the server’s version`
      : `Kept the server’s version over a change it refused (${text(before.procedure) ?? 'a change'})`,
  'audit.signing_key_added': ({ after }) => {
    const fingerprint = text(after.fingerprint)
    return `Began signing this audit trail with a key kept outside the workspace${fingerprint ? ` (fingerprint ${fingerprint.slice(0, 16)}…)` : ''}`
  },
  'audit.unsigned_events_found': ({ after }) => {
    const from = text(after.from_id)
    const to = text(after.to_id)
    const signedBy = text(after.signed_by)
    if (signedBy) return `Found ${from && to && from !== to ? `events ${from} to ${to}` : `event ${from ?? ''}`.trim()} in the audit trail signed with another key (fingerprint ${signedBy.slice(0, 16)}…), not one kept on this computer`
    if (from && to && from === to) return `Found event ${from} in the audit trail without a signature: it was added without the workspace’s key`
    return `Found ${from && to ? `events ${from} to ${to}` : 'events'} in the audit trail without a signature: they were added without the workspace’s key`
  },
  'workspace.sample_loaded': ({ after }) => {
    const what = list([count(after.applications, 'application'), count(after.policies, 'policy', 'policies'), count(after.history_days, 'day')?.concat(' of history')])
    return `Loaded the sample workspace${what ? `: ${what}` : ''}`
  },
}

export function isDescribedAction(action: string): action is AuditAction {
  return Object.hasOwn(DESCRIPTIONS, action)
}

/**
 * The event in one sentence, its actor first unless `actor: false`: "Maya archived policy
 * Sensitive Data". An action this version does not know is still put in words, plainly.
 */
export function describeAuditEvent(event: DescribedEvent, options: { actor?: boolean } = {}): string {
  const before = isRecord(event.before) ? event.before : {}
  const after = isRecord(event.after) ? event.after : {}
  const name = text(after.name) ?? text(before.name) ?? event.entity_name ?? event.entity_id
  const reading: Reading = { before, after, name, event }
  const sentence = isDescribedAction(event.action) ? DESCRIPTIONS[event.action](reading) : `Recorded ${event.action} on ${event.entity_type.replaceAll('_', ' ')} ${name}`
  if (options.actor === false) return sentence
  return `${event.actor.name} ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`
}

/** One field an event changed, for a before/after view; values as recorded. */
export interface FieldChange {
  field: string
  before: unknown
  after: unknown
}

// Bookkeeping fields change on every write and would drown the real change.
const NOISE = new Set(['updated_at', 'version'])

/**
 * The fields that differ between an event's before and after. A creation lists what was created,
 * a removal what was removed; a value that is not a set of fields is one change with no field
 * name. Bookkeeping fields are left out unless nothing else changed.
 */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const absent = (value: unknown) => value === null || value === undefined
  if (absent(before) && absent(after)) return []
  if (!isRecord(before) || !isRecord(after)) {
    if (absent(before) && isRecord(after)) return Object.entries(after).map(([field, value]) => ({ field, before: undefined, after: value }))
    if (absent(after) && isRecord(before)) return Object.entries(before).map(([field, value]) => ({ field, before: value, after: undefined }))
    return [{ field: '', before: before ?? undefined, after: after ?? undefined }]
  }
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
  const changed = fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
  const meaningful = changed.filter((field) => !NOISE.has(field))
  return (meaningful.length ? meaningful : changed).map((field) => ({ field, before: before[field], after: after[field] }))
}

/** An audit event's before and after, reduced to the fields that changed, one short line each. */
export interface ChangeLine {
  field: string
  before?: string
  after?: string
}

export function describeChange(before: unknown, after: unknown, maxLines = 6): ChangeLine[] {
  if (isRecord(before) && isRecord(after)) {
    return changedFields(before, after)
      .slice(0, maxLines)
      .map((change) => ({ field: change.field, before: formatAuditValue(change.before, 60), after: formatAuditValue(change.after, 60) }))
  }
  if (before === null || before === undefined) {
    if (after === null || after === undefined) return []
    return [{ field: '', after: formatAuditValue(after, 160) }]
  }
  if (after === null || after === undefined) return [{ field: '', before: formatAuditValue(before, 160) }]
  return [{ field: '', before: formatAuditValue(before, 80), after: formatAuditValue(after, 80) }]
}

/** Any JSON value on one short line. */
export function formatAuditValue(value: unknown, max = 120): string {
  if (value === undefined) return '—'
  const line = typeof value === 'string' ? value : JSON.stringify(value)
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
