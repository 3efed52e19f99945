import { z } from 'zod'
import { BaseVersion, Timestamp, optionalText } from './common'
import { nameText } from './names'

export const APPLICATION_ID_PATTERN = /^app_[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

export const ApplicationId = z
  .string()
  .regex(APPLICATION_ID_PATTERN, 'must be an application id such as app_001 (app_ followed by letters, digits, - or _)')

export const ApplicationName = nameText(200)

/** Tags match case-insensitively, so they are kept in lower case, as a sorted set. */
export const Tag = z
  .string()
  .trim()
  .normalize('NFC')
  .toLowerCase()
  .min(1, 'a tag cannot be empty')
  .max(64, 'a tag is at most 64 characters')
  .regex(/^[^,]+$/, 'a tag cannot contain a comma')

export const Tags = z
  .array(Tag)
  .max(50, 'an application has at most 50 tags')
  .transform((tags) => [...new Set(tags)].sort())

export const Team = optionalText('team', 100)
export const Environment = optionalText('environment', 50).transform((value) => value?.toLowerCase() ?? null)

/** Environments the console suggests; any other name is accepted too. */
export const SUGGESTED_ENVIRONMENTS = ['production', 'staging', 'development', 'test'] as const

export const Application = z.object({
  id: ApplicationId,
  name: z.string(),
  tags: z.array(z.string()),
  team: z.string().nullable(),
  environment: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** Since when it is retired: out of lists, coverage and compliance, its history kept. Null while active. */
  retired_at: Timestamp.nullable(),
  /** Counts its changes, from 1: an edit sent with an older base_version is refused as a conflict. */
  version: z.number().int(),
})
export type Application = z.infer<typeof Application>

export const ApplicationDraft = z.strictObject({
  /** Optional: lets an inventory keep its own ids (app_001); generated when absent. */
  id: ApplicationId.optional(),
  name: ApplicationName,
  tags: Tags.default([]),
  team: Team.default(null),
  environment: Environment.default(null),
})
export type ApplicationDraft = z.input<typeof ApplicationDraft>

export const ApplicationPatch = z.strictObject({
  id: ApplicationId,
  base_version: BaseVersion,
  name: ApplicationName.optional(),
  tags: Tags.optional(),
  team: Team.optional(),
  environment: Environment.optional(),
})
export type ApplicationPatch = z.input<typeof ApplicationPatch>

/** Filters compare with stored values, which are in NFC. */
export const ApplicationFilter = z.strictObject({
  search: z.string().trim().normalize('NFC').max(200).optional(),
  tag: Tag.optional(),
  team: z.string().trim().normalize('NFC').max(100).optional(),
  environment: z.string().trim().normalize('NFC').toLowerCase().max(50).optional(),
})
export type ApplicationFilter = z.input<typeof ApplicationFilter>

export const APPLICATION_STATUSES = ['active', 'retired', 'all'] as const

/** What applications.list takes: the filters, and whether retired applications are listed too. */
export const ApplicationListFilter = ApplicationFilter.extend({
  /** Active applications unless asked otherwise; retired ones are listed on request. */
  status: z.enum(APPLICATION_STATUSES, { error: `status must be one of ${APPLICATION_STATUSES.join(', ')}` }).default('active'),
})
export type ApplicationListFilter = z.input<typeof ApplicationListFilter>
