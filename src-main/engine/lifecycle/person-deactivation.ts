/**
 * Deactivating a person, and reactivating them. An inactive person stays in the directory, in
 * their groups' records and in every audit event, but is no longer newly picked as reviewer,
 * owner (through a group) or escalation contact, and API tokens acting for them stop working.
 */
import type { AttestationRuleMention, DeactivationConsequences, PersonDeactivation } from '../../../src-shared/domain/lifecycle'
import { OWNER_USER_ID, type User } from '../../../src-shared/domain/people'
import { recordAudit } from '../audit-trail'
import type { Area, CallContext, EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { EngineError } from '../errors'
import { getUser, listGroups } from '../people/people'
import { listAttestationRules } from '../rules/rule-library'

/** The directory changes, and so may which tokens authenticate. */
const PERSON_CHANGE: Area[] = ['people', 'tokens']

const NOTHING: DeactivationConsequences = { groups: [], policies_owned: [], attestation_rules: [], api_tokens: [] }

/** Deactivates the person, or with `dryRun` rehearses it and answers what it touches, writing nothing. */
export function deactivateUser(engine: EngineContext, ctx: CallContext, id: string, dryRun: boolean): Promise<PersonDeactivation> {
  const work = async (tx: Tx): Promise<PersonDeactivation> => {
    const before = await getUser(tx, id)
    if (id === OWNER_USER_ID) {
      throw new EngineError('conflict', `${before.name} is the workspace owner, whom the desktop app and sign-in links act as, and cannot be deactivated`, 'id')
    }
    if (!before.active) return { user: before, dry_run: dryRun, consequences: NOTHING }
    const consequences = await deactivationConsequences(tx, before)
    const now = engine.nowIso()
    await tx
      .updateTable('users')
      .set((eb) => ({ deactivated_at: now, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .execute()
    const after = await getUser(tx, id)
    await recordAudit(tx, ctx.actor, now, { action: 'user.deactivated', entityType: 'user', entityId: id, before, after: { ...after, consequences } })
    return { user: after, dry_run: dryRun, consequences }
  }
  return dryRun ? engine.rehearse(work) : engine.mutate(PERSON_CHANGE, work)
}

/** Makes an inactive person active again; an active one is answered as they are. */
export function reactivateUser(engine: EngineContext, ctx: CallContext, id: string): Promise<User> {
  return engine.mutate(PERSON_CHANGE, async (tx) => {
    const before = await getUser(tx, id)
    if (before.active) return before
    const now = engine.nowIso()
    await tx
      .updateTable('users')
      .set((eb) => ({ deactivated_at: null, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .execute()
    const after = await getUser(tx, id)
    await recordAudit(tx, ctx.actor, now, { action: 'user.reactivated', entityType: 'user', entityId: id, before, after })
    return after
  })
}

/** What deactivating `user` touches, read before it happens. */
async function deactivationConsequences(db: Db, user: User): Promise<DeactivationConsequences> {
  const groups = await listGroups(db, user.group_ids)
  const groupNames = new Map(groups.map((group) => [group.id, group.name]))
  const owned = user.group_ids.length
    ? await db.selectFrom('policies').select(['id', 'name', 'owner_group_id']).where('owner_group_id', 'in', user.group_ids).where('archived_at', 'is', null).orderBy('name').execute()
    : []
  const tokens = await db.selectFrom('api_tokens').select(['id', 'name']).where('user_id', '=', user.id).where('revoked_at', 'is', null).orderBy('created_at').execute()
  return {
    groups: groups.map(({ id, name }) => ({ id, name })),
    policies_owned: owned.map((policy) => ({ id: policy.id, name: policy.name, group_id: policy.owner_group_id!, group_name: groupNames.get(policy.owner_group_id!) ?? policy.owner_group_id! })),
    attestation_rules: await rulesNaming(db, user.id),
    api_tokens: tokens,
  }
}

/** Attestation rules naming the person, and whether anyone active would still review each. */
async function rulesNaming(db: Db, userId: string): Promise<AttestationRuleMention[]> {
  const names = (refs: ReadonlyArray<{ type: string; id: string }>) => refs.some((ref) => ref.type === 'user' && ref.id === userId)
  const rules = (await listAttestationRules(db)).filter((rule) => names(rule.reviewers) || names(rule.escalation_path))
  if (rules.length === 0) return []
  const activeOthers = new Set(
    (await db.selectFrom('users').select('id').where('deactivated_at', 'is', null).where('id', '!=', userId).execute()).map((row) => row.id),
  )
  const groupsWithActiveMembers = new Set(
    (await db.selectFrom('group_members').select(['group_id', 'user_id']).execute()).filter((row) => activeOthers.has(row.user_id)).map((row) => row.group_id),
  )
  return rules.map((rule) => ({
    id: rule.id,
    name: rule.name,
    as_reviewer: names(rule.reviewers),
    as_escalation: names(rule.escalation_path),
    leaves_no_active_reviewer: !rule.reviewers.some((ref) => (ref.type === 'user' ? activeOthers.has(ref.id) : groupsWithActiveMembers.has(ref.id))),
  }))
}
