import { z } from 'zod'
import { AuditEvent, AuditFilter } from '../domain/audit'
import { procedure } from './procedure'

export const auditApi = {
  'audit.list': procedure({
    summary: 'The append-only audit trail, newest first, with filters.',
    access: 'read',
    input: AuditFilter,
    output: z.object({ events: z.array(AuditEvent) }),
    rest: { method: 'GET', path: '/audit-events' },
  }),
}
