import { z } from 'zod'
import { BaseVersion, Role, Timestamp } from './common'
import { nameText } from './names'

export const UserId = z.string().regex(/^usr_[A-Za-z0-9_-]+$/, 'must be a user id such as usr_…')
export const GroupId = z.string().regex(/^grp_[A-Za-z0-9_-]+$/, 'must be a group id such as grp_…')

/** The workspace owner: the person at this computer, an org admin of the local workspace. */
export const OWNER_USER_ID = 'usr_owner'

export const User = z.object({
  id: UserId,
  name: z.string(),
  email: z.string().nullable(),
  role: Role,
  group_ids: z.array(GroupId),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** False once deactivated: still on record, no longer picked as reviewer, owner or escalation contact. */
  active: z.boolean(),
  deactivated_at: Timestamp.nullable(),
  /** Counts their changes (their groups' too), from 1: an edit sent with an older base_version is refused as a conflict. */
  version: z.number().int(),
})
export type User = z.infer<typeof User>

const PersonName = nameText(200)
/** Bounded so a membership is written in one statement (SQLite takes at most 32,766 values in one). */
const GroupIds = z.array(GroupId).max(1000, 'a person belongs to at most 1,000 groups')
const MemberIds = z.array(UserId).max(10_000, 'a group has at most 10,000 members')
const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('email must be an email address such as ana@example.com'))
  .nullable()

export const UserDraft = z.strictObject({
  /** Optional: an id the sender chooses (usr_…); generated when absent. */
  id: UserId.optional(),
  name: PersonName,
  email: Email.default(null),
  role: Role.default('reviewer'),
  group_ids: GroupIds.default([]),
})
export type UserDraft = z.input<typeof UserDraft>

export const UserPatch = z.strictObject({
  id: UserId,
  base_version: BaseVersion,
  name: PersonName.optional(),
  email: Email.optional(),
  role: Role.optional(),
  group_ids: GroupIds.optional(),
})

export const Group = z.object({
  id: GroupId,
  name: z.string(),
  description: z.string().nullable(),
  member_ids: z.array(UserId),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** Counts its changes (its members' comings and goings too), from 1: an edit sent with an older base_version is refused as a conflict. */
  version: z.number().int(),
})
export type Group = z.infer<typeof Group>

const GroupName = nameText(100)
const Description = z.string().trim().max(2000, 'description is at most 2000 characters').nullable()

export const GroupDraft = z.strictObject({
  /** Optional: an id the sender chooses (grp_…); generated when absent. */
  id: GroupId.optional(),
  name: GroupName,
  description: Description.default(null),
  member_ids: MemberIds.default([]),
})
export type GroupDraft = z.input<typeof GroupDraft>

export const GroupPatch = z.strictObject({
  id: GroupId,
  base_version: BaseVersion,
  name: GroupName.optional(),
  description: Description.optional(),
  member_ids: MemberIds.optional(),
})

/** Someone a rule points at: a user or a whole group. */
export const PrincipalRef = z.object({ type: z.enum(['user', 'group']), id: z.string().min(1) })
export type PrincipalRef = z.infer<typeof PrincipalRef>
