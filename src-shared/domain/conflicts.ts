/**
 * A stale edit refused: the record moved on after the version the edit was made on, so the edit
 * is not applied over changes its author never saw. A policy's conflict holds both versions whole
 * (policies keep every version); any other record's holds the record as the server has it now and
 * what the edit would change, field by field, for the person to choose between.
 */
import { z } from 'zod'
import { Timestamp } from './common'
import { DefinitionChange, PolicyConflict } from './policy'

/** The records besides policies that an edit can find moved on: an application's alert rule is a `rule`. */
export const RecordKind = z.enum(['application', 'person', 'group', 'rule'])
export type RecordKind = z.infer<typeof RecordKind>

export const RecordConflict = z.object({
  kind: RecordKind,
  record_id: z.string(),
  /** As people know it on the server now: an application's, person's or group's name; a rule as "PII rate on Claims Bot". */
  record_name: z.string(),
  /** What the refused edit does: change fields, or delete the record (an application's alert rule). */
  change: z.enum(['edit', 'delete']),
  /** The version the edit was made on. */
  base_version: z.number().int(),
  current: z.object({
    version: z.number().int(),
    changed_at: Timestamp,
    /** Who made the version now, as the audit trail records it; null where it does not say. */
    changed_by: z.object({ id: z.string(), name: z.string() }).nullable(),
    /** The record's fields as they stand on the server, as its answers give them. */
    fields: z.record(z.string(), z.unknown()),
  }),
  /** What the edit would change on the version now: each field, the server's value (before) and the edit's (after). */
  your_changes: z.array(DefinitionChange),
})
export type RecordConflict = z.infer<typeof RecordConflict>

/** Either kind, as a 409's `conflict` and a sync problem carry it. */
export const EditConflict = z.union([PolicyConflict, RecordConflict])
export type EditConflict = z.infer<typeof EditConflict>

/** The version the record is at now: what an edit is sent on when its author chooses to apply it anyway. */
export function currentVersionOf(conflict: EditConflict): number {
  return conflict.current.version
}

/** The record's name on the server now. */
export function recordNameOf(conflict: EditConflict): string {
  return conflict.kind === 'policy' ? conflict.current.definition.name : conflict.record_name
}

/** The words for each kind of record, as the console names them. */
export const RECORD_WORDS: Record<EditConflict['kind'], string> = {
  policy: 'policy',
  application: 'application',
  person: 'person',
  group: 'group',
  rule: 'alert rule',
}
