/**
 * An audit event in one plain sentence: what was done, to which record, named as people know it
 * ("Changed application “Order Status Bot”: team"), rather than an action code and an id.
 */
import type { AuditEvent } from '../../../src-shared/domain/audit'
import { METRIC_BY_KEY, type MetricKey } from '../../../src-shared/domain/metrics'
import { describeChange } from './describe-change'

/** Names of records by id (applications, policies…), for events whose payload does not carry them. */
export type RecordNames = Readonly<Record<string, string>>

const RECORD_WORDS: Record<string, string> = {
  application: 'application',
  policy: 'policy',
  alert_rule: 'library alert rule',
  attestation_rule: 'attestation rule',
  user: 'user',
  group: 'group',
  api_token: 'API token',
  workspace: 'workspace',
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A field of the payload, from after the change or, for removals, before it. */
function payload(event: AuditEvent, key: string): unknown {
  const after = isRecord(event.after) ? event.after[key] : undefined
  return after ?? (isRecord(event.before) ? event.before[key] : undefined)
}

const quoted = (name: string) => `“${name}”`

function named(id: unknown, names: RecordNames, fallback?: unknown): string {
  if (typeof id !== 'string') return typeof fallback === 'string' ? quoted(fallback) : 'a record'
  const name = names[id] ?? (typeof fallback === 'string' ? fallback : undefined)
  return name ? quoted(name) : id
}

/** The event's record: "application “Order Status Bot”". The payload names it when it is the record itself. */
function theRecord(event: AuditEvent, names: RecordNames): string {
  const own = event.action.startsWith(`${event.entity_type}.`) ? payload(event, 'name') : undefined
  return `${RECORD_WORDS[event.entity_type] ?? event.entity_type.replaceAll('_', ' ')} ${named(event.entity_id, names, own)}`
}

function theRule(event: AuditEvent): string {
  const requirement = payload(event, 'requirement') ?? payload(event, 'metric')
  return typeof requirement === 'string' && requirement in METRIC_BY_KEY ? `the ${METRIC_BY_KEY[requirement as MetricKey].label} rule` : 'a rule'
}

function thePolicy(event: AuditEvent, names: RecordNames): string {
  return `policy ${named(payload(event, 'policy_id'), names, payload(event, 'policy_name'))}`
}

/** ": team" or ": team, tags, name and 2 more": the fields a change touched. */
function changedFields(event: AuditEvent): string {
  const fields = describeChange(event.before, event.after, Number.POSITIVE_INFINITY)
    .map((line) => line.field)
    .filter(Boolean)
  const shown = fields.slice(0, 3)
  if (shown.length === 0) return ''
  return `: ${shown.join(', ')}${fields.length > shown.length ? ` and ${fields.length - shown.length} more` : ''}`
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export function eventWords(event: AuditEvent, names: RecordNames = {}): string {
  const record = theRecord(event, names)
  const verb = event.action.slice(event.action.indexOf('.') + 1)
  switch (event.action) {
    case 'policy.scope_changed':
      return `Changed which applications ${record} covers`
    case 'policy.version_created': {
      const summary = payload(event, 'summary')
      return `Saved version ${String(payload(event, 'version'))} of ${record}${typeof summary === 'string' ? `: ${summary}` : ''}`
    }
    case 'policy.attached':
      return `${upperFirst(thePolicy(event, names))} now covers ${record}`
    case 'policy.detached':
      return `${upperFirst(thePolicy(event, names))} no longer covers ${record}`
    case 'rule.materialised':
      return `Put ${theRule(event)} on ${record}`
    case 'rule.updated':
      return `Changed ${theRule(event)} on ${record}${changedFields(event)}`
    case 'rule.deleted':
      return `Deleted ${theRule(event)} from ${record}`
    case 'rule.restored':
      return `Restored ${theRule(event)} on ${record}`
    case 'rule.removed':
      return `Removed ${theRule(event)} from ${record}`
    case 'gap.opened':
      return `A gap opened on ${record}: ${theRule(event).replace(/^the | rule$/g, '')} under ${thePolicy(event, names)}`
    case 'gap.resolved':
      return `A gap closed on ${record}: ${theRule(event).replace(/^the | rule$/g, '')} under ${thePolicy(event, names)}`
    case 'inferences.imported':
      return `Imported inference data into ${record}`
    case 'metrics.ingested':
      return `Recorded metrics for ${record}`
    case 'workspace.sample_loaded':
      return 'Loaded the sample workspace'
  }
  if (verb === 'created') return `Created ${record}`
  if (verb === 'updated') return `Changed ${record}${changedFields(event)}`
  if (verb === 'archived') return `Archived ${record}`
  if (verb === 'revoked') return `Revoked ${record}`
  return `${event.action} on ${record}`
}
