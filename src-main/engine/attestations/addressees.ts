/**
 * Who an attestation request is addressed to. A rule names people and groups; a request keeps the
 * group on record with the members it had when the request was issued, so a later change to the
 * group neither takes the request from someone nor hands it to someone new.
 */
import type { Addressee } from '../../../src-shared/domain/attestations'
import type { PrincipalRef } from '../../../src-shared/domain/people'
import type { Db } from '../db/schema'

export interface Addressed {
  addressees: Addressee[]
  /** Every active person addressed, directly or through a group. */
  userIds: string[]
}

export async function resolveAddressees(db: Db, refs: readonly PrincipalRef[]): Promise<Addressed> {
  const userRefs = refs.filter((ref) => ref.type === 'user').map((ref) => ref.id)
  const groupRefs = refs.filter((ref) => ref.type === 'group').map((ref) => ref.id)
  const groups = groupRefs.length ? await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', groupRefs).execute() : []
  const memberships = groupRefs.length ? await db.selectFrom('group_members').select(['group_id', 'user_id']).where('group_id', 'in', groupRefs).execute() : []
  const userIds = [...new Set([...userRefs, ...memberships.map((m) => m.user_id)])]
  const users = userIds.length ? await db.selectFrom('users').select(['id', 'name', 'deactivated_at']).where('id', 'in', userIds).execute() : []
  const active = new Map(users.filter((user) => user.deactivated_at === null).map((user) => [user.id, user.name]))
  const names = new Map(users.map((user) => [user.id, user.name]))

  const addressees: Addressee[] = refs.map((ref) => {
    if (ref.type === 'user') return { type: 'user', id: ref.id, name: names.get(ref.id) ?? ref.id, members: [] }
    const members = memberships
      .filter((m) => m.group_id === ref.id && active.has(m.user_id))
      .map((m) => ({ id: m.user_id, name: active.get(m.user_id)! }))
      .sort((a, b) => a.name.localeCompare(b.name))
    return { type: 'group', id: ref.id, name: groups.find((group) => group.id === ref.id)?.name ?? ref.id, members }
  })
  return { addressees, userIds: userIds.filter((id) => active.has(id)) }
}
