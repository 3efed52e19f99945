import { AuditExportFilter, AuditFilter, AuditPage } from '../domain/audit'
import { CsvFile, procedure } from './procedure'

export const auditApi = {
  'audit.list': procedure({
    summary: 'The append-only audit trail, newest first, with filters, a page at a time: next_before_id continues it.',
    access: 'read',
    input: AuditFilter,
    output: AuditPage,
    rest: { method: 'GET', path: '/audit-events' },
  }),
  'audit.export': procedure({
    summary:
      'The whole audit trail the filters select, as a CSV file (RFC 4180, UTF-8): id, at, actor_id, actor, action, entity_type, entity_id, summary in plain words, before and after as JSON.',
    access: 'read',
    input: AuditExportFilter,
    output: CsvFile,
    rest: { method: 'GET', path: '/audit-events/export', produces: 'text/csv' },
  }),
}
