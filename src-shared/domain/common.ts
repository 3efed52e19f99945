import { z } from 'zod'

const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z')
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * Timestamps travel as ISO 8601 strings in UTC, e.g. 2026-11-24T18:00:00.000Z. An offset may carry
 * one past year 9999 or before year 0000 in UTC (9999-12-31T23:59:59-23:59), which has no
 * four-digit form: stored or compared as text it would sort before every other time.
 */
export const Timestamp = z.iso.datetime({ offset: true }).refine((text) => {
  const ms = Date.parse(text)
  return ms >= EARLIEST_MS && ms <= LATEST_MS
}, 'must fall between the years 0000 and 9999 in UTC')

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

/** Work out what a change would do, on current data, and write nothing. Also as ?dry_run=true. */
export const DryRun = z.stringbool().or(z.boolean()).default(false)

/**
 * The version of a record an edit was made on: when the record has moved on since, the edit is
 * refused as a conflict showing both sides, rather than applied over changes its author never saw.
 * Optional, for scripts that mean to change whatever version is current.
 */
export const BaseVersion = z.number().int().min(1).optional()

export const Role = z.enum(['org_admin', 'governance_manager', 'reviewer', 'auditor'])
export type Role = z.infer<typeof Role>


export const Actor = z.object({ id: z.string(), name: z.string(), role: Role })
export type Actor = z.infer<typeof Actor>
