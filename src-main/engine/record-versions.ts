/**
 * Versions of the records besides policies that people edit, offline too: applications, people,
 * groups and an application's alert rules. Every change counts one up. An edit sent with the
 * version it was made on (base_version) is refused as a conflict once the record has moved past
 * that version, unless it would change nothing there: two desktops editing one record offline end
 * with a conflict to choose from, never with one edit silently overwriting the other.
 */
import type { RecordConflict, RecordKind } from '../../src-shared/domain/conflicts'
import { RECORD_WORDS } from '../../src-shared/domain/conflicts'
import type { DefinitionChange } from '../../src-shared/domain/policy'
import { chunks } from './batch'
import type { Db, Tx } from './db/schema'
import { EditConflictError, EngineError } from './errors'

/** A record as a stale edit is judged against: its version, and the fields an edit may set. */
export interface VersionedRecord {
  kind: RecordKind
  id: string
  name: string
  version: number
  updated_at: string
  fields: Record<string, unknown>
  /** Where the audit trail records its changes, to say who made the version now. */
  trail: { entityType: string; entityId: string; actionPrefix: string }
}

/**
 * Counts a change of each record in `ids` made as a side of another record's change (a group a
 * person joined or left), in the caller's transaction.
 */
export async function countChanges(tx: Tx, table: 'users' | 'groups', ids: readonly string[], now: string): Promise<void> {
  const unique = [...new Set(ids)]
  for (const slice of chunks(unique, 5000)) {
    // Both tables key their rows by a text id and count changes alike; the one type stands for both.
    await tx
      .updateTable(table as 'users')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', 'in', slice)
      .execute()
  }
}

/**
 * The fields `wanted` sets to something other than what `current` holds, each as the record's
 * value (before) and the wanted one (after). Lists compare as JSON: callers give sets sorted.
 */
export function fieldChanges(current: Record<string, unknown>, wanted: Record<string, unknown>): DefinitionChange[] {
  return Object.entries(wanted)
    .filter(([field, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(current[field]))
    .map(([field, value]) => ({ path: field, before: current[field], after: value }))
}

/**
 * Whether an edit made on `base` finds the record moved on since. Without a base it never does
 * (scripts that mean to change whatever is current); a version the record never reached is refused.
 */
export function isStale(record: VersionedRecord, base: number | undefined): boolean {
  if (base === undefined) return false
  if (base > record.version) {
    throw new EngineError('invalid_input', `${capitalised(RECORD_WORDS[record.kind])} ${record.id} is at version ${record.version}; there is no version ${base} to edit`, 'base_version')
  }
  return base !== record.version
}

/** The refusal of a stale edit (409): the record as the server has it now, and what the edit would change on it. */
export async function staleEdit(db: Db, record: VersionedRecord, base: number, change: RecordConflict['change'], yourChanges: DefinitionChange[]): Promise<EditConflictError> {
  const changedBy = await whoMadeVersionNow(db, record)
  const what = `${RECORD_WORDS[record.kind]} ${record.name}`
  const yours = change === 'delete' ? 'deletion' : 'edit'
  return new EditConflictError(
    `${changedBy?.name ?? 'Someone'} changed ${what} (to version ${record.version}, at ${record.updated_at}) after version ${base}, which this ${yours} was made on; nothing was saved. Review both, then send your ${yours} over version ${record.version} or keep the ${RECORD_WORDS[record.kind]} as it is.`,
    {
      kind: record.kind,
      record_id: record.id,
      record_name: record.name,
      change,
      base_version: base,
      current: { version: record.version, changed_at: record.updated_at, changed_by: changedBy, fields: record.fields },
      your_changes: yourChanges,
    },
  )
}

/**
 * The actor of the trail's latest event on the record, if it is the change that made the version
 * now (recorded at the moment the record was last changed); null where the trail does not say, as
 * for a group whose version moved when a person joined it (that event names the person).
 */
async function whoMadeVersionNow(db: Db, record: VersionedRecord): Promise<{ id: string; name: string } | null> {
  const latest = await db
    .selectFrom('audit_events')
    .select(['actor_id', 'actor_name', 'at'])
    .where('entity_type', '=', record.trail.entityType)
    .where('entity_id', '=', record.trail.entityId)
    .where('action', 'like', `${record.trail.actionPrefix}.%`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return latest && latest.at === record.updated_at ? { id: latest.actor_id, name: latest.actor_name } : null
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
