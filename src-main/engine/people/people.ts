/** The directory: people and groups, used for policy ownership, reviewers and escalation paths. */
import type { z } from 'zod'
import { Role, type Actor } from '../../../src-shared/domain/common'
import { OWNER_USER_ID, type Group, type GroupDraft, type GroupPatch, type User, type UserDraft, type UserPatch } from '../../../src-shared/domain/people'
import { recordAudit } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { EngineError, notFound } from '../errors'
import { idFor } from '../chosen-id'
import { countChanges, fieldChanges, isStale, staleEdit, type VersionedRecord } from '../record-versions'

type NewUser = z.output<typeof UserDraft>
type UserChange = z.output<typeof UserPatch>
type NewGroup = z.output<typeof GroupDraft>
type GroupChange = z.output<typeof GroupPatch>

export async function listUsers(db: Db, ids?: readonly string[]): Promise<User[]> {
  let query = db.selectFrom('users').selectAll()
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  const rows = await query.orderBy('name').execute()
  const memberships = await db.selectFrom('group_members').select(['group_id', 'user_id']).execute()
  return rows.map((row) => ({
    ...row,
    role: Role.parse(row.role),
    group_ids: memberships.filter((m) => m.user_id === row.id).map((m) => m.group_id).sort(),
    active: row.deactivated_at === null,
  }))
}

export async function getUser(db: Db, id: string): Promise<User> {
  const [user] = await listUsers(db, [id])
  if (!user) throw notFound('user', id)
  return user
}

export async function listGroups(db: Db, ids?: readonly string[]): Promise<Group[]> {
  let query = db.selectFrom('groups').selectAll()
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  const rows = await query.orderBy('name').execute()
  const memberships = await db.selectFrom('group_members').select(['group_id', 'user_id']).execute()
  return rows.map((row) => ({ ...row, member_ids: memberships.filter((m) => m.group_id === row.id).map((m) => m.user_id).sort() }))
}

export async function getGroup(db: Db, id: string): Promise<Group> {
  const [group] = await listGroups(db, [id])
  if (!group) throw notFound('group', id)
  return group
}

/** A person as a stale edit is judged against (record-versions.ts). */
export function versionedUser(user: User): VersionedRecord {
  const { name, email, role, group_ids, active } = user
  return {
    kind: 'person',
    id: user.id,
    name,
    version: user.version,
    updated_at: user.updated_at,
    fields: { name, email, role, group_ids, active },
    trail: { entityType: 'user', entityId: user.id, actionPrefix: 'user' },
  }
}

export function versionedGroup(group: Group): VersionedRecord {
  const { name, description, member_ids } = group
  return {
    kind: 'group',
    id: group.id,
    name,
    version: group.version,
    updated_at: group.updated_at,
    fields: { name, description, member_ids },
    trail: { entityType: 'group', entityId: group.id, actionPrefix: 'group' },
  }
}

/** A membership list as records hold it: each id once, sorted. */
const asSet = (ids: readonly string[] | undefined) => (ids ? [...new Set(ids)].sort() : undefined)

/** The ids in one list and not the other, either way: whose membership a change moves. */
const movedBetween = (before: readonly string[], after: readonly string[]) => [...before.filter((id) => !after.includes(id)), ...after.filter((id) => !before.includes(id))]

/** Every id must name an existing row; the error names the first that does not. */
export async function assertAllExist(tx: Db, table: 'users' | 'groups', ids: readonly string[], field: string): Promise<void> {
  if (ids.length === 0) return
  const found = new Set((await tx.selectFrom(table).select('id').where('id', 'in', ids).execute()).map((row) => row.id))
  const index = ids.findIndex((id) => !found.has(id))
  if (index >= 0) {
    throw new EngineError('invalid_input', `No ${table === 'users' ? 'user' : 'group'} with id ${ids[index]}`, `${field}.${index}`)
  }
}

/**
 * A deactivated person stays where they already are (a group's members, a rule's reviewers) but
 * is not newly picked: `ids` are those being added, `field` names the list they come in.
 */
export async function assertActivePeople(tx: Db, ids: readonly string[], field: string, listed: readonly string[] = ids): Promise<void> {
  if (ids.length === 0) return
  const inactive = await tx.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).where('deactivated_at', 'is not', null).executeTakeFirst()
  if (!inactive) return
  throw new EngineError('invalid_input', `${inactive.name} (${inactive.id}) is deactivated; reactivate them or choose someone active`, `${field}.${listed.indexOf(inactive.id)}`)
}

async function assertEmailFree(tx: Tx, email: string | null, exceptId?: string): Promise<void> {
  if (!email) return
  const taken = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
  if (taken && taken.id !== exceptId) throw new EngineError('conflict', `${email} already belongs to another user`, 'email')
}

async function assertGroupNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const folded = name.normalize('NFC').toLowerCase()
  const rows = await tx.selectFrom('groups').select(['id', 'name']).execute()
  // Names written before they were kept in NFC are normalised as they are read.
  if (rows.some((row) => row.name.normalize('NFC').toLowerCase() === folded && row.id !== exceptId)) {
    throw new EngineError('conflict', `A group named "${name}" already exists`, 'name')
  }
}

export async function createUser(engine: EngineContext, ctx: CallContext, draft: NewUser): Promise<User> {
  return engine.mutate(['people'], (tx) => insertUser(tx, engine.nowIso(), ctx, draft))
}

/** The transactional core, shared with the sample workspace. */
export async function insertUser(tx: Tx, now: string, ctx: CallContext, draft: NewUser): Promise<User> {
  await assertEmailFree(tx, draft.email)
  await assertAllExist(tx, 'groups', draft.group_ids, 'group_ids')
  const id = await idFor(tx, 'users', 'usr', draft.id)
  await tx.insertInto('users').values({ id, name: draft.name, email: draft.email, role: draft.role, created_at: now, updated_at: now }).execute()
  if (draft.group_ids.length) {
    await tx.insertInto('group_members').values(draft.group_ids.map((group_id) => ({ group_id, user_id: id }))).execute()
    // Each group's members changed: an edit of them made before this is stale.
    await countChanges(tx, 'groups', draft.group_ids, now)
  }
  const user = await getUser(tx, id)
  await recordAudit(tx, ctx.actor, now, { action: 'user.created', entityType: 'user', entityId: id, after: user })
  return user
}

/**
 * Changes a person. An edit made on a version they have moved past is refused as a conflict,
 * unless they already hold what it sets; one that changes nothing writes nothing.
 */
export async function updateUser(engine: EngineContext, ctx: CallContext, patch: UserChange): Promise<User> {
  return engine.mutate(['people'], async (tx) => {
    const before = await getUser(tx, patch.id)
    const record = versionedUser(before)
    const changes = fieldChanges(record.fields, { name: patch.name, email: patch.email, role: patch.role, group_ids: asSet(patch.group_ids) })
    if (isStale(record, patch.base_version)) {
      if (changes.length === 0) return before
      throw await staleEdit(tx, record, patch.base_version!, 'edit', changes)
    }
    // An edit of nothing (empty, or the values already there) is no change: nothing recorded, updated_at kept.
    if (changes.length === 0) return before
    if (patch.email !== undefined) await assertEmailFree(tx, patch.email, patch.id)
    if (patch.group_ids) {
      await assertAllExist(tx, 'groups', patch.group_ids, 'group_ids')
      const joining = patch.group_ids.findIndex((group) => !before.group_ids.includes(group))
      if (!before.active && joining >= 0) {
        throw new EngineError('invalid_input', `${before.name} is deactivated and joins no new group; reactivate them first`, `group_ids.${joining}`)
      }
    }
    if (patch.id === OWNER_USER_ID && patch.role && patch.role !== 'org_admin') {
      throw new EngineError('invalid_input', 'The workspace owner stays an org admin', 'role')
    }
    const now = engine.nowIso()
    const fields = Object.fromEntries(
      Object.entries({ name: patch.name, email: patch.email, role: patch.role }).filter(([, value]) => value !== undefined),
    )
    await tx
      .updateTable('users')
      .set({ ...fields, updated_at: now, version: before.version + 1 })
      .where('id', '=', patch.id)
      .execute()
    if (patch.group_ids) {
      await tx.deleteFrom('group_members').where('user_id', '=', patch.id).execute()
      if (patch.group_ids.length) {
        await tx.insertInto('group_members').values([...new Set(patch.group_ids)].map((group_id) => ({ group_id, user_id: patch.id }))).execute()
      }
      // The groups they joined or left changed too: an edit of their members made before this is stale.
      await countChanges(tx, 'groups', movedBetween(before.group_ids, patch.group_ids), now)
    }
    const after = await getUser(tx, patch.id)
    await recordAudit(tx, ctx.actor, now, { action: 'user.updated', entityType: 'user', entityId: patch.id, before, after })
    return after
  })
}

export async function createGroup(engine: EngineContext, ctx: CallContext, draft: NewGroup): Promise<Group> {
  return engine.mutate(['people'], (tx) => insertGroup(tx, engine.nowIso(), ctx, draft))
}

export async function insertGroup(tx: Tx, now: string, ctx: CallContext, draft: NewGroup): Promise<Group> {
  await assertGroupNameFree(tx, draft.name)
  await assertAllExist(tx, 'users', draft.member_ids, 'member_ids')
  await assertActivePeople(tx, draft.member_ids, 'member_ids')
  const id = await idFor(tx, 'groups', 'grp', draft.id)
  await tx.insertInto('groups').values({ id, name: draft.name, description: draft.description, created_at: now, updated_at: now }).execute()
  if (draft.member_ids.length) {
    await tx.insertInto('group_members').values([...new Set(draft.member_ids)].map((user_id) => ({ group_id: id, user_id }))).execute()
    // Each member's groups changed: an edit of them made before this is stale.
    await countChanges(tx, 'users', draft.member_ids, now)
  }
  const group = await getGroup(tx, id)
  await recordAudit(tx, ctx.actor, now, { action: 'group.created', entityType: 'group', entityId: id, after: group })
  return group
}

/**
 * Changes a group. An edit made on a version it has moved past is refused as a conflict, unless
 * it already holds what it sets; one that changes nothing writes nothing.
 */
export async function updateGroup(engine: EngineContext, ctx: CallContext, patch: GroupChange): Promise<Group> {
  return engine.mutate(['people'], async (tx) => {
    const before = await getGroup(tx, patch.id)
    const record = versionedGroup(before)
    const changes = fieldChanges(record.fields, { name: patch.name, description: patch.description, member_ids: asSet(patch.member_ids) })
    if (isStale(record, patch.base_version)) {
      if (changes.length === 0) return before
      throw await staleEdit(tx, record, patch.base_version!, 'edit', changes)
    }
    // Members listed in another order, or twice, are the same members.
    if (changes.length === 0) return before
    if (patch.name !== undefined) await assertGroupNameFree(tx, patch.name, patch.id)
    if (patch.member_ids) {
      await assertAllExist(tx, 'users', patch.member_ids, 'member_ids')
      // Members already in the group stay, deactivated or not; only newcomers must be active.
      await assertActivePeople(tx, patch.member_ids.filter((member) => !before.member_ids.includes(member)), 'member_ids', patch.member_ids)
    }
    const now = engine.nowIso()
    const fields = Object.fromEntries(
      Object.entries({ name: patch.name, description: patch.description }).filter(([, value]) => value !== undefined),
    )
    await tx
      .updateTable('groups')
      .set({ ...fields, updated_at: now, version: before.version + 1 })
      .where('id', '=', patch.id)
      .execute()
    if (patch.member_ids) {
      await tx.deleteFrom('group_members').where('group_id', '=', patch.id).execute()
      if (patch.member_ids.length) {
        await tx.insertInto('group_members').values([...new Set(patch.member_ids)].map((user_id) => ({ group_id: patch.id, user_id }))).execute()
      }
      // The people who joined or left changed too: an edit of their groups made before this is stale.
      await countChanges(tx, 'users', movedBetween(before.member_ids, patch.member_ids), now)
    }
    const after = await getGroup(tx, patch.id)
    await recordAudit(tx, ctx.actor, now, { action: 'group.updated', entityType: 'group', entityId: patch.id, before, after })
    return after
  })
}

/** The person at this computer, as the directory knows them (renamed in Settings → People). */
export async function ownerActor(db: Db): Promise<Actor> {
  const owner = await getUser(db, OWNER_USER_ID)
  return { id: owner.id, name: owner.name, role: owner.role }
}
