import { z } from 'zod'
import { Timestamp } from './common'

export const AuditEvent = z.object({
  id: z.number().int(),
  at: Timestamp,
  actor: z.object({ id: z.string(), name: z.string() }),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
})
export type AuditEvent = z.infer<typeof AuditEvent>

export const AuditFilter = z.strictObject({
  entity_type: z.string().optional(),
  entity_id: z.string().optional(),
  action: z.string().optional(),
  actor_id: z.string().optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  /** Page backwards: only events older than this id. */
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
export type AuditFilter = z.input<typeof AuditFilter>
export type AuditQuery = z.output<typeof AuditFilter>
