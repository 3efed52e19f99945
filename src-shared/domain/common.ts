import { z } from 'zod'

/** Timestamps travel as ISO 8601 strings in UTC, e.g. 2026-11-24T18:00:00.000Z. */
export const Timestamp = z.iso.datetime({ offset: true })

/** Optional free text that people clear by sending "" or null; stored as null. */
export function optionalText(label: string, max: number) {
  return z
    .string()
    .trim()
    .normalize('NFC')
    .max(max, `${label} is at most ${max} characters`)
    .nullable()
    .transform((value) => (value ? value : null))
}

export const Role = z.enum(['org_admin', 'governance_manager', 'reviewer', 'auditor'])
export type Role = z.infer<typeof Role>

/** Roles that may change the workspace; the others read (and, later, attest). */
export const WRITING_ROLES: ReadonlySet<Role> = new Set(['org_admin', 'governance_manager'])

export const Actor = z.object({ id: z.string(), name: z.string(), role: Role })
export type Actor = z.infer<typeof Actor>
