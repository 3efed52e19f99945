/** Reading the audit trail, newest first, with the filters auditors use. */
import { sql } from 'kysely'
import type { AuditEvent, AuditQuery } from '../../../src-shared/domain/audit'
import type { Db } from '../db/schema'

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
