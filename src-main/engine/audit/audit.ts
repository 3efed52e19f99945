/** Reading the audit trail, newest first, with the filters auditors use: a page, or all of it. */
import { sql, type Selectable } from 'kysely'
import type { AuditEvent, AuditExportFilter, AuditPage, AuditQuery } from '../../../src-shared/domain/audit'
import type { z } from 'zod'
import type { AuditEventsTable, Db } from '../db/schema'

type Filters = z.output<typeof AuditExportFilter>

/** One page, and where the next (older) one starts. */
export async function listAuditEvents(db: Db, filter: AuditQuery): Promise<AuditPage> {
  // One more than asked says whether anything older matches, without counting it.
  const rows = await selectEvents(db, filter, filter.before_id, filter.limit + 1)
  const page = rows.slice(0, filter.limit)
  return { events: await toEvents(db, page), next_before_id: rows.length > filter.limit ? page.at(-1)!.id : null }
}

/** Every event the filters select, newest first, read a thousand at a time. */
export async function* allAuditEvents(db: Db, filter: Filters): AsyncGenerator<AuditEvent[]> {
  let before: number | undefined
  for (;;) {
    const rows = await selectEvents(db, filter, before, 1000)
    if (rows.length === 0) return
    yield toEvents(db, rows)
    if (rows.length < 1000) return
    before = rows.at(-1)!.id
  }
}

function selectEvents(db: Db, filter: Filters, beforeId: number | undefined, limit: number) {
  let query = db.selectFrom('audit_events').selectAll()
  if (filter.entity_type) query = query.where('entity_type', '=', filter.entity_type)
  if (filter.entity_id) query = query.where('entity_id', '=', filter.entity_id)
  if (filter.action) query = query.where('action', '=', filter.action)
  if (filter.actor_id) query = query.where('actor_id', '=', filter.actor_id)
  if (filter.since) query = query.where('at', '>=', new Date(filter.since).toISOString())
  if (filter.until) query = query.where('at', '<', new Date(filter.until).toISOString())
  if (beforeId !== undefined) query = query.where('id', '<', beforeId)
  return query.orderBy(sql`id`, 'desc').limit(limit).execute()
}

/** The tables naming each kind of record the trail refers to. */
const NAMED_BY = {
  application: 'applications',
  policy: 'policies',
  user: 'users',
  group: 'groups',
  alert_rule: 'alert_rules',
  attestation_rule: 'attestation_rules',
  api_token: 'api_tokens',
} as const

async function toEvents(db: Db, rows: ReadonlyArray<Selectable<AuditEventsTable>>): Promise<AuditEvent[]> {
  const names = await currentNames(db, rows)
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    entity_name: names.get(`${row.entity_type}|${row.entity_id}`) ?? null,
    before: row.before_json === null ? null : JSON.parse(row.before_json),
    after: row.after_json === null ? null : JSON.parse(row.after_json),
  }))
}

/** Each record's name as the workspace knows it now; records are never deleted, only retired or archived. */
async function currentNames(db: Db, rows: ReadonlyArray<Selectable<AuditEventsTable>>): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  for (const [type, table] of Object.entries(NAMED_BY)) {
    const ids = [...new Set(rows.filter((row) => row.entity_type === type).map((row) => row.entity_id))]
    if (ids.length === 0) continue
    const found = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute()
    for (const record of found) names.set(`${type}|${record.id}`, record.name)
  }
  return names
}
