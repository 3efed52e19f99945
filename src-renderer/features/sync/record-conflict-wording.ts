/**
 * A stale edit of an application, person, group or rule in words: each field as the server holds
 * it now beside the value the edit sets, with people and groups named rather than numbered.
 */
import { RECORD_WORDS, type RecordConflict } from '../../../src-shared/domain/conflicts'
import { formatValue } from '../../components/format'

const FIELD_LABEL: Record<string, string> = {
  name: 'Name',
  tags: 'Tags',
  team: 'Team',
  environment: 'Environment',
  retired_at: 'Retired since',
  email: 'Email',
  role: 'Role',
  group_ids: 'Groups',
  active: 'Active',
  description: 'Description',
  member_ids: 'Members',
  metric: 'Metric',
  operator: 'Operator',
  threshold: 'Threshold',
  severity: 'Severity',
  window_hours: 'Window (hours)',
  no_data: 'With no data',
}

export interface RecordConflictRow {
  field: string
  label: string
  /** As the server holds it now. */
  theirs: string
  /** What the edit sets, or undefined where it leaves the server's value as it is. */
  yours: string | undefined
}

/** A value as a person reads it; ids of people and groups by name where `names` knows them. */
export function describeValue(value: unknown, names: ReadonlyMap<string, string>): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((item) => (typeof item === 'string' ? (names.get(item) ?? item) : formatValue(item))).join(', ')
  return formatValue(value, 200)
}

/** Every field the record has, the server's value and the edit's, in the order the record gives them. */
export function recordConflictRows(conflict: RecordConflict, names: ReadonlyMap<string, string> = new Map()): RecordConflictRow[] {
  const yours = new Map(conflict.your_changes.map((change) => [change.path, change.after]))
  return Object.entries(conflict.current.fields).map(([field, value]) => ({
    field,
    label: FIELD_LABEL[field] ?? field,
    theirs: describeValue(value, names),
    yours: yours.has(field) ? describeValue(yours.get(field), names) : undefined,
  }))
}

/** The dialog's title: who changed what on the server meanwhile. */
export function recordConflictTitle(conflict: RecordConflict): string {
  return `${conflict.current.changed_by?.name ?? 'Someone'} changed this ${RECORD_WORDS[conflict.kind]} on the server meanwhile`
}

/** What the person did here and what the server holds now, in a sentence; moments written by `when`. */
export function recordConflictStory(conflict: RecordConflict, madeAt: string, when: (iso: string) => string): string {
  const word = RECORD_WORDS[conflict.kind]
  const yours = conflict.change === 'delete' ? `You deleted ${word} ${conflict.record_name}` : `You changed ${word} ${conflict.record_name}`
  const who = conflict.current.changed_by ? ` by ${conflict.current.changed_by.name}` : ''
  return `${yours} at ${when(madeAt)}, on version ${conflict.base_version}. The server has version ${conflict.current.version}, saved${who} at ${when(conflict.current.changed_at)}. Your change is kept on this computer until you choose.`
}
