import { z } from 'zod'
import { AuditChainVerification, AuditExportFilter, AuditFilter, AuditPage } from '../domain/audit'
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
    access: 'export',
    input: AuditExportFilter,
    output: CsvFile,
    rest: { method: 'GET', path: '/audit-events/export', produces: 'text/csv' },
  }),
  'audit.verify': procedure({
    summary:
      'Checks the whole audit trail against its hash chain: intact, with the number of events and the head hash, or the first event that was altered, removed or inserted, named in words.',
    access: 'read',
    input: z.strictObject({}),
    output: AuditChainVerification,
    rest: { method: 'GET', path: '/audit-events/verify' },
  }),
}
