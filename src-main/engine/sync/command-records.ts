/**
 * The records a desktop's command changes, and the version an edit among them was made on. Both
 * are read here, on the desktop, as the command is recorded: the server is sent the version the
 * edit was made on, so it refuses the edit if the record moved on meanwhile; and the records are
 * noted with the command, so a later edit of one of them, made here on top of a change the server
 * then refused, waits as a conflict rather than land on a version the server never had.
 */
import type { ProcedureName } from '../../../src-shared/api/contract'
import type { Db } from '../db/schema'

/** A record as "table:id", the way the outbox notes it. */
export type RecordKey = string

type VersionedTable = 'policies' | 'applications' | 'users' | 'groups' | 'application_rules'

/** Edits that carry base_version, each with the table of the record it edits and the field naming it. */
export const VERSIONED_EDITS: Partial<Record<ProcedureName, { table: VersionedTable; idField: 'id' | 'rule_id' }>> = {
  'policies.update': { table: 'policies', idField: 'id' },
  'applications.update': { table: 'applications', idField: 'id' },
  'applications.deleteRule': { table: 'application_rules', idField: 'rule_id' },
  'users.update': { table: 'users', idField: 'id' },
  'groups.update': { table: 'groups', idField: 'id' },
}

/** Changes whose own record is named by their `id`: creates, lifecycle steps and edits alike. */
const OWN_RECORD: Partial<Record<ProcedureName, VersionedTable>> = {
  'policies.create': 'policies',
  'policies.createFromTemplate': 'policies',
  'policies.update': 'policies',
  'policies.archive': 'policies',
  'applications.create': 'applications',
  'applications.update': 'applications',
  'applications.retire': 'applications',
  'applications.reinstate': 'applications',
  'users.create': 'users',
  'users.update': 'users',
  'users.deactivate': 'users',
  'users.reactivate': 'users',
  'groups.create': 'groups',
  'groups.update': 'groups',
}

/** The record an edit carrying base_version is of, or undefined for any other change. */
export function editedRecord(procedure: string, input: Record<string, unknown>): RecordKey | undefined {
  const edit = VERSIONED_EDITS[procedure as ProcedureName]
  const id = edit ? input[edit.idField] : undefined
  return edit && typeof id === 'string' ? `${edit.table}:${id}` : undefined
}

/** The version this workspace holds of the record an edit is of, which the edit is made on. */
export async function heldVersion(db: Db, procedure: ProcedureName, input: Record<string, unknown>): Promise<number | undefined> {
  const edit = VERSIONED_EDITS[procedure]
  const id = edit ? input[edit.idField] : undefined
  if (!edit || typeof id !== 'string') return undefined
  // Each of these tables keys its rows by a text id and counts versions alike; the one type stands for them all.
  const held = await db
    .selectFrom(edit.table as 'applications')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirst()
  return held?.version
}

/**
 * The records a change makes here, read before it runs: its own, and for a change of a person's
 * groups or a group's members, the groups or people on the other side whose versions it moves.
 */
export async function recordsChanged(db: Db, procedure: ProcedureName, input: Record<string, unknown>): Promise<RecordKey[]> {
  const keys = new Set<RecordKey>()
  const own = OWN_RECORD[procedure]
  if (own && typeof input.id === 'string') keys.add(`${own}:${input.id}`)
  const rule = editedRecord(procedure, input)
  if (rule) keys.add(rule)
  if ((procedure === 'users.create' || procedure === 'users.update') && Array.isArray(input.group_ids)) {
    const held = procedure === 'users.update' && typeof input.id === 'string' ? await membershipsOf(db, 'user_id', input.id) : []
    for (const group of movedBetween(held, idsIn(input.group_ids))) keys.add(`groups:${group}`)
  }
  if ((procedure === 'groups.create' || procedure === 'groups.update') && Array.isArray(input.member_ids)) {
    const held = procedure === 'groups.update' && typeof input.id === 'string' ? await membershipsOf(db, 'group_id', input.id) : []
    for (const user of movedBetween(held, idsIn(input.member_ids))) keys.add(`users:${user}`)
  }
  return [...keys]
}

/** The ids in one list and not the other, either way: whose membership a change moves. */
function movedBetween(before: readonly string[], after: readonly string[]): string[] {
  return [...before.filter((id) => !after.includes(id)), ...after.filter((id) => !before.includes(id))]
}

/**
 * For a command noted before its records were (records_json null): its own record, from its input.
 * The other side of a membership change is not known for those.
 */
export function recordsFromInput(procedure: string, input: Record<string, unknown>): RecordKey[] {
  const own = OWN_RECORD[procedure as ProcedureName]
  const keys = own && typeof input.id === 'string' ? [`${own}:${input.id}`] : []
  const rule = editedRecord(procedure, input)
  return rule ? [...keys, rule] : keys
}

async function membershipsOf(db: Db, column: 'user_id' | 'group_id', id: string): Promise<string[]> {
  const other = column === 'user_id' ? 'group_id' : 'user_id'
  const rows = await db.selectFrom('group_members').select(other).where(column, '=', id).execute()
  return rows.map((row) => (row as Record<string, string>)[other]!)
}

function idsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []
}
