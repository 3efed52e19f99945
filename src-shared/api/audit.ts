import { AuditFilter, AuditPage } from '../domain/audit'
import { procedure } from './procedure'

export const auditApi = {
  'audit.list': procedure({
    summary: 'The append-only audit trail, newest first, with filters, a page at a time: next_before_id continues it.',
    access: 'read',
    input: AuditFilter,
    output: AuditPage,
    rest: { method: 'GET', path: '/audit-events' },
  }),
}
