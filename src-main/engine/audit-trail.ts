/**
 * Writing the append-only trail auditors read: who changed what, when, with the before and after.
 * Every mutation records its events with the transaction of the change, so both commit or neither.
 */
import type { AuditAction } from '../../src-shared/domain/audit'
import type { Actor } from '../../src-shared/domain/common'
import { chunks, rowsPerInsert } from './batch'
import type { Tx } from './db/schema'

export interface AuditEntry {
  action: AuditAction
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
}

export async function recordAudit(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entry: AuditEntry): Promise<void> {
  await recordAuditMany(tx, actor, at, [entry])
}

export async function recordAuditMany(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entries: readonly AuditEntry[]): Promise<void> {
  // SQLite caps the parameters of one statement: a large change is written in slices.
  for (const slice of chunks(entries, rowsPerInsert(8))) {
    await tx
      .insertInto('audit_events')
      .values(
        slice.map((entry) => ({
          at,
          actor_id: actor.id,
          actor_name: actor.name,
          action: entry.action,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
          after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
        })),
      )
      .execute()
  }
}
