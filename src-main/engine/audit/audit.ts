/** The append-only trail auditors read: who changed what, when, with the before and after. */
import { sql } from 'kysely'
import type { Actor } from '../../../src-shared/domain/common'
import type { AuditEvent, AuditQuery } from '../../../src-shared/domain/audit'
import { chunks, rowsPerInsert } from '../batch'
import type { Db, Tx } from '../db/schema'

export interface AuditEntry {
  action: string
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
}

/** Must be called with the transaction of the change it describes, so both commit or neither. */
export async function recordAudit(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entry: AuditEntry): Promise<void> {
  await recordAuditMany(tx, actor, at, [entry])
}

export async function recordAuditMany(
  tx: Tx,
  actor: Pick<Actor, 'id' | 'name'>,
  at: string,
  entries: readonly AuditEntry[],
): Promise<void> {
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

export async function listAuditEvents(db: Db, filter: AuditQuery): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll()
  if (filter.entity_type) query = query.where('entity_type', '=', filter.entity_type)
  if (filter.entity_id) query = query.where('entity_id', '=', filter.entity_id)
  if (filter.action) query = query.where('action', '=', filter.action)
  if (filter.actor_id) query = query.where('actor_id', '=', filter.actor_id)
  if (filter.since) query = query.where('at', '>=', new Date(filter.since).toISOString())
  if (filter.until) query = query.where('at', '<', new Date(filter.until).toISOString())
  if (filter.before_id) query = query.where('id', '<', filter.before_id)
  const rows = await query.orderBy(sql`id`, 'desc').limit(filter.limit).execute()
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
  }))
}
