import { z } from 'zod'
import { DryRun } from '../domain/common'
import { PersonDeactivation } from '../domain/lifecycle'
import { Group, GroupDraft, GroupId, GroupPatch, User, UserDraft, UserId, UserPatch } from '../domain/people'
import { procedure } from './procedure'

export const peopleApi = {
  'users.list': procedure({
    summary: 'The directory of people: policy owners, reviewers, escalation contacts; everyone, active or not, with active.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ users: z.array(User) }),
    rest: { method: 'GET', path: '/users' },
  }),
  'users.create': procedure({
    summary: 'Add a person to the directory.',
    access: 'administer',
    input: UserDraft,
    output: User,
    rest: { method: 'POST', path: '/users', status: 201 },
  }),
  'users.update': procedure({
    summary: 'Change a person’s name, email, role or groups. With base_version, refused (409, both sides in `conflict`) if they changed since that version.',
    access: 'administer',
    input: UserPatch,
    output: User,
    rest: { method: 'PATCH', path: '/users/{id}' },
  }),
  'users.get': procedure({
    summary: 'One person by id.',
    access: 'read',
    input: z.strictObject({ id: UserId }),
    output: User,
    rest: { method: 'GET', path: '/users/{id}' },
  }),
  'users.deactivate': procedure({
    summary:
      'Deactivate a person: they stay on record but are no longer picked as reviewer, owner or escalation contact, and their API tokens stop working. With dry_run, what it touches and nothing written.',
    access: 'administer',
    input: z.strictObject({ id: UserId, dry_run: DryRun }),
    output: PersonDeactivation,
    rest: { method: 'POST', path: '/users/{id}/deactivate' },
  }),
  'users.reactivate': procedure({
    summary: 'Make a deactivated person active again.',
    access: 'administer',
    input: z.strictObject({ id: UserId }),
    output: User,
    rest: { method: 'POST', path: '/users/{id}/reactivate' },
  }),
  'groups.list': procedure({
    summary: 'Groups of people, such as Governance Team or app-owners.',
    access: 'read',
    input: z.strictObject({}),
    output: z.object({ groups: z.array(Group) }),
    rest: { method: 'GET', path: '/groups' },
  }),
  'groups.create': procedure({
    summary: 'Create a group.',
    access: 'administer',
    input: GroupDraft,
    output: Group,
    rest: { method: 'POST', path: '/groups', status: 201 },
  }),
  'groups.update': procedure({
    summary: 'Rename a group or change its members. With base_version, refused (409, both sides in `conflict`) if it changed since that version.',
    access: 'administer',
    input: GroupPatch,
    output: Group,
    rest: { method: 'PATCH', path: '/groups/{id}' },
  }),
  'groups.get': procedure({
    summary: 'One group by id.',
    access: 'read',
    input: z.strictObject({ id: GroupId }),
    output: Group,
    rest: { method: 'GET', path: '/groups/{id}' },
  }),
}
