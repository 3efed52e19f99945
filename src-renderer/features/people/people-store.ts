/** The directory of people and groups: owners, reviewers and escalation contacts for policies. */
import { create } from 'zustand'
import type { Input } from '../../../src-shared/api/contract'
import type { PersonDeactivation } from '../../../src-shared/domain/lifecycle'
import type { Group, GroupDraft, PrincipalRef, User, UserDraft } from '../../../src-shared/domain/people'
import { client } from '../../api/client'

interface PeopleState {
  users: User[]
  groups: Group[]
  error?: string
  load(): Promise<void>
  createUser(draft: UserDraft): Promise<User>
  updateUser(patch: Input<'users.update'>): Promise<User>
  createGroup(draft: GroupDraft): Promise<Group>
  updateGroup(patch: Input<'groups.update'>): Promise<Group>
  /** What deactivating would touch; writes nothing. */
  rehearseDeactivation(id: string): Promise<PersonDeactivation>
  deactivate(id: string): Promise<PersonDeactivation>
  reactivate(id: string): Promise<User>
}

export const usePeople = create<PeopleState>((set, get) => ({
  users: [],
  groups: [],
  async load() {
    try {
      const [users, groups] = await Promise.all([client.call('users.list', {}), client.call('groups.list', {})])
      set({ users: users.users, groups: groups.groups, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
  // Membership lives on both sides (user.group_ids, group.member_ids), so every change reloads both lists.
  async createUser(draft) {
    const created = await client.call('users.create', draft)
    await get().load()
    return created
  },
  async updateUser(patch) {
    const updated = await client.call('users.update', patch)
    await get().load()
    return updated
  },
  async createGroup(draft) {
    const created = await client.call('groups.create', draft)
    await get().load()
    return created
  },
  async updateGroup(patch) {
    const updated = await client.call('groups.update', patch)
    await get().load()
    return updated
  },
  rehearseDeactivation: (id) => client.call('users.deactivate', { id, dry_run: true }),
  async deactivate(id) {
    const deactivation = await client.call('users.deactivate', { id })
    await get().load()
    return deactivation
  },
  async reactivate(id) {
    const reactivated = await client.call('users.reactivate', { id })
    await get().load()
    return reactivated
  },
}))

export function groupName(groups: readonly Group[], id: string | null | undefined): string {
  if (!id) return '—'
  return groups.find((group) => group.id === id)?.name ?? id
}

export function principalName(ref: PrincipalRef, users: readonly User[], groups: readonly Group[]): string {
  if (ref.type === 'group') return groups.find((group) => group.id === ref.id)?.name ?? ref.id
  return users.find((user) => user.id === ref.id)?.name ?? ref.id
}
