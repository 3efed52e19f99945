/** The audit log as a CSV file: every event the filters select, newest first, each in plain words too. */
import type { z } from 'zod'
import type { AuditExportFilter } from '../../../src-shared/domain/audit'
import { describeAuditEvent } from '../../../src-shared/domain/audit-description'
import type { Db } from '../db/schema'
import { csvFileName, toCsv, type CsvCell } from '../export/csv'
import { allAuditEvents } from './audit'

export const AUDIT_CSV_HEADER = ['id', 'at', 'actor_id', 'actor', 'action', 'entity_type', 'entity_id', 'summary', 'before', 'after'] as const

export async function exportAuditLog(db: Db, filter: z.output<typeof AuditExportFilter>, now: string): Promise<{ filename: string; csv: string }> {
  const rows: CsvCell[][] = []
  for await (const events of allAuditEvents(db, filter)) {
    for (const event of events) {
      rows.push([
        event.id,
        event.at,
        event.actor.id,
        event.actor.name,
        event.action,
        event.entity_type,
        event.entity_id,
        describeAuditEvent(event),
        event.before === null ? null : JSON.stringify(event.before),
        event.after === null ? null : JSON.stringify(event.after),
      ])
    }
  }
  return { filename: csvFileName('audit-log', now), csv: toCsv(AUDIT_CSV_HEADER, rows) }
}
