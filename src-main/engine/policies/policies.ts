/**
 * Policies: create (from scratch or a template), change, archive. Every change is a new immutable
 * version, and covered applications follow it in the same transaction.
 */
import type { z } from 'zod'
import { METRIC_BY_KEY } from '../../../src-shared/domain/metrics'
import { PolicyDefinition, type FromTemplate, type Policy, type PolicyDraft, type PolicyPatch, type Requirement, type RequirementInput, type Scope } from '../../../src-shared/domain/policy'
import { thresholdRangeError, type Operator } from '../../../src-shared/domain/rules'
import type { AuditAction } from '../../../src-shared/domain/audit'
import type { Impact, ScopePreview } from '../../../src-shared/domain/compliance'
import { recordAudit, recordAuditMany, type AuditEntry } from '../audit-trail'
import { listApplications } from '../applications/applications'
import { rehearseWithImpact, summarise } from '../compliance/impact'
import type { CallContext, EngineContext } from '../context'
import type { Db, PoliciesTable, Tx } from '../db/schema'
import { idFor } from '../chosen-id'
import { EditConflictError, EngineError } from '../errors'
import { keepAttestationsCurrent } from '../attestations/upkeep'
import type { WebhookDestinations } from '../webhooks/destinations'
import { syncApplications } from '../materialisation/materialise'
import { listAlertRules, listAttestationRules } from '../rules/rule-library'
import { diffDefinitions, summariseChanges } from './diff'
import { definitionOf, getPolicy, insertVersion, writeDefinitionRows } from './policy-store'
import { listPolicyVersions } from './policy-queries'
import { templateById } from './templates'

type Draft = z.output<typeof PolicyDraft>
type Patch = z.output<typeof PolicyPatch>
type TemplateRequest = z.output<typeof FromTemplate>

/** Turns what a caller asked for into the requirements a policy holds, or says which entry is wrong. */
export async function resolveRequirements(db: Db, inputs: ReadonlyArray<z.output<typeof RequirementInput>>): Promise<Requirement[]> {
  const library = new Map(
    (await listAlertRules(db, inputs.flatMap((input) => (input.alert_rule_id ? [input.alert_rule_id] : [])))).map((rule) => [rule.id, rule]),
  )
  const seen = new Map<string, number>()
  return inputs.map((input, index) => {
    const field = `alert_rules.${index}`
    const base = input.alert_rule_id ? library.get(input.alert_rule_id) : undefined
    if (input.alert_rule_id && !base) {
      throw new EngineError('invalid_input', `No alert rule with id ${input.alert_rule_id} in the library`, `${field}.alert_rule_id`)
    }
    const metric = (input.metric ?? input.requirement ?? base?.metric)!
    const operator: Operator = (input.operator ?? base?.operator)!
    const threshold = (input.threshold ?? base?.threshold)!
    if (base && metric !== base.metric) {
      throw new EngineError('invalid_input', `alert rule ${base.id} measures ${base.metric}, not ${metric}`, `${field}.metric`)
    }
    const outOfRange = thresholdRangeError(metric, threshold)
    if (outOfRange) throw new EngineError('invalid_input', outOfRange, `${field}.threshold`)
    const earlier = seen.get(metric)
    if (earlier !== undefined) {
      throw new EngineError('invalid_input', `${metric} is already required by alert_rules.${earlier}; a policy has one requirement per metric`, `${field}.metric`)
    }
    seen.set(metric, index)
    return {
      requirement: metric,
      // A library rule's name states its threshold, so it only carries over when the threshold does.
      name: input.name ?? (base && base.threshold === threshold && base.operator === operator ? base.name : METRIC_BY_KEY[metric].label),
      metric,
      operator,
      threshold,
      severity: (input.severity ?? base?.severity)!,
      window_hours: input.window_hours ?? base?.window_hours ?? 24,
      no_data: input.no_data ?? base?.no_data ?? 'pending',
      alert_rule_id: base?.id ?? null,
    }
  })
}

/**
 * Compared here rather than in SQL: SQLite's lower() folds only ASCII, so "Élan" and "élan" would
 * pass, and two "Élan"s would reach the unique index. Names written before they were kept in NFC
 * are normalised as they are read.
 */
async function assertNameFree(db: Db, name: string, exceptId?: string): Promise<void> {
  const folded = name.normalize('NFC').toLowerCase()
  const live = await db.selectFrom('policies').select(['id', 'name']).where('archived_at', 'is', null).execute()
  if (live.some((row) => row.id !== exceptId && row.name.normalize('NFC').toLowerCase() === folded)) {
    throw new EngineError('conflict', `A policy named "${name}" already exists`, 'name')
  }
}

interface Definition {
  name: string
  description: string | null
  owner_group_id: string | null
  enforcement_delay_days: number
  notification_webhook: string | null
  requirements: Requirement[]
  attestationRuleIds: string[]
  scope: Scope
  auto_apply: boolean
  auto_restore: boolean
  status: 'draft' | 'published'
}

async function validateDefinition(db: Db, definition: Definition, exceptId?: string): Promise<void> {
  await assertNameFree(db, definition.name, exceptId)
  if (definition.requirements.length === 0 && definition.attestationRuleIds.length === 0) {
    throw new EngineError('invalid_input', 'A policy requires at least one alert rule or one attestation rule', 'alert_rules')
  }
  if (definition.owner_group_id) {
    const group = await db.selectFrom('groups').select('id').where('id', '=', definition.owner_group_id).executeTakeFirst()
    if (!group) throw new EngineError('invalid_input', `No group with id ${definition.owner_group_id}`, 'owner_group_id')
  }
  const known = new Set((await listAttestationRules(db, definition.attestationRuleIds)).map((rule) => rule.id))
  const unknown = definition.attestationRuleIds.findIndex((id) => !known.has(id))
  if (unknown >= 0) {
    throw new EngineError('invalid_input', `No attestation rule with id ${definition.attestationRuleIds[unknown]}`, `attestation_rule_ids.${unknown}`)
  }
}

function policyRow(definition: Definition, previous: PoliciesTable | undefined, now: string): Omit<PoliciesTable, 'id' | 'version' | 'created_at' | 'template_id'> {
  const autoApplySince = definition.auto_apply ? (previous?.auto_apply === 1 ? previous.auto_apply_since : now) : null
  return {
    name: definition.name,
    description: definition.description,
    owner_group_id: definition.owner_group_id,
    enforcement_delay_days: definition.enforcement_delay_days,
    notification_webhook: definition.notification_webhook,
    status: definition.status,
    archived_at: previous?.archived_at ?? null,
    auto_apply: definition.auto_apply ? 1 : 0,
    auto_apply_since: autoApplySince,
    auto_restore: definition.auto_restore ? 1 : 0,
    apply_to_all: definition.scope.apply_to_all ? 1 : 0,
    updated_at: now,
  }
}

async function insertPolicy(tx: Tx, now: string, ctx: CallContext, definition: Definition, templateId: string | null, chosenId?: string): Promise<Policy> {
  await validateDefinition(tx, definition)
  const id = await idFor(tx, 'policies', 'pol', chosenId)
  await tx
    .insertInto('policies')
    .values({ id, version: 1, created_at: now, template_id: templateId, ...policyRow(definition, undefined, now) })
    .execute()
  await writeDefinitionRows(tx, id, definition)
  const created = await getPolicy(tx, id)
  await insertVersion(tx, created, now, ctx.actor, templateId ? `Created from template ${templateId}` : 'Created')
  await recordAudit(tx, ctx.actor, now, { action: 'policy.created', entityType: 'policy', entityId: id, after: created })
  await syncApplications(tx, ctx.actor, now, 'all')
  await keepAttestationsCurrent(tx, now, true)
  return getPolicy(tx, id)
}

/** Commits a policy change, or with dry_run rehearses it and reports its impact, writing nothing. */
function policyChange(engine: EngineContext, dryRun: boolean, policyId: string | null, work: (tx: Tx) => Promise<Policy>): Promise<Policy & { impact?: Impact }> {
  return dryRun ? rehearseWithImpact(engine, policyId, work) : engine.mutate(['policies', 'applications', 'compliance', 'attestations'], work)
}

/**
 * `webhooks` judges the webhook before the transaction: resolving its name may take a while, and
 * no write lock is held meanwhile. A dry run is judged too, so it answers as the change would.
 */
export async function createPolicy(engine: EngineContext, ctx: CallContext, draft: Draft, webhooks: WebhookDestinations): Promise<Policy & { impact?: Impact }> {
  await webhooks.checkAtSave(draft.notification_webhook)
  return policyChange(engine, draft.dry_run, null, async (tx) => {
    const requirements = await resolveRequirements(tx, draft.alert_rules)
    const { alert_rules: _inputs, attestation_rule_ids, dry_run: _dryRun, template_id, id, ...rest } = draft
    return insertPolicy(tx, engine.nowIso(), ctx, { ...rest, requirements, attestationRuleIds: attestation_rule_ids }, template_id, id)
  })
}

export async function createPolicyFromTemplate(engine: EngineContext, ctx: CallContext, request: TemplateRequest): Promise<Policy & { impact?: Impact }> {
  return policyChange(engine, request.dry_run, null, (tx) => insertPolicyFromTemplate(tx, engine.nowIso(), ctx, request))
}

/** Inside the caller's transaction, created at `now`: the sample workspace backdates its policies. */
export async function insertPolicyFromTemplate(tx: Tx, now: string, ctx: CallContext, request: Omit<TemplateRequest, 'dry_run'>): Promise<Policy> {
  const template = templateById(request.template_id)
  const name = request.name ?? template.name
  try {
    await assertNameFree(tx, name)
  } catch (error) {
    if (error instanceof EngineError && !request.name) {
      throw new EngineError('conflict', `A policy named "${name}" already exists; give this one a name`, 'name')
    }
    throw error
  }
  const definition: Definition = {
    name,
    description: `${template.purpose} Best for: ${template.best_for}`,
    owner_group_id: null,
    enforcement_delay_days: 30,
    notification_webhook: null,
    requirements: template.alert_rules.map((rule) => ({ ...rule })),
    attestationRuleIds: [],
    scope: request.scope ?? { apply_to_all: false, tags: [], application_ids: [] },
    auto_apply: request.auto_apply ?? false,
    auto_restore: false,
    status: request.status ?? 'published',
  }
  return insertPolicy(tx, now, ctx, definition, template.id, request.id)
}

export async function updatePolicy(engine: EngineContext, ctx: CallContext, patch: Patch, webhooks: WebhookDestinations): Promise<Policy & { impact?: Impact }> {
  // Only a webhook being changed is judged: an edit of anything else (which a form sends with the
  // webhook as it was) is not refused for a webhook saved before, and its sends are judged anyway.
  if (patch.notification_webhook && patch.notification_webhook !== (await storedWebhook(engine.db, patch.id))) await webhooks.checkAtSave(patch.notification_webhook)
  try {
    return await policyChange(engine, patch.dry_run, patch.id, (tx) => changePolicy(tx, engine, ctx, patch))
  } catch (error) {
    if (error instanceof StaleEdit) throw await editConflict(engine, ctx, patch, error.currentVersion)
    throw error
  }
}

async function storedWebhook(db: Db, id: string): Promise<string | null | undefined> {
  return (await db.selectFrom('policies').select('notification_webhook').where('id', '=', id).executeTakeFirst())?.notification_webhook
}

/** Thrown inside the edit's transaction, where the version is read under the write lock. */
class StaleEdit extends Error {
  constructor(readonly currentVersion: number) {
    super(`stale edit: the policy is at version ${currentVersion}`)
  }
}

/**
 * Both sides of a stale edit: what others changed since its base version, and what the edit would
 * change if applied to the version now (rehearsed, so it is exactly what applying would do).
 */
async function editConflict(engine: EngineContext, ctx: CallContext, patch: Patch, currentVersion: number): Promise<EditConflictError> {
  const versions = await listPolicyVersions(engine.db, patch.id)
  const at = (version: number) => versions.find((candidate) => candidate.version === version)
  const base = at(patch.base_version!)
  const current = at(currentVersion)
  if (!base || !current) throw new Error(`Policy ${patch.id} has no record of version ${base ? currentVersion : patch.base_version}`)
  const applied = await policyChange(engine, true, patch.id, (tx) => changePolicy(tx, engine, ctx, { ...patch, base_version: undefined, dry_run: true }))
  return new EditConflictError(
    `${current.actor.name} changed policy ${current.definition.name} (to version ${current.version}, at ${current.created_at}) after version ${base.version}, which this edit was made on; nothing was saved. Review both versions, then apply your edit to version ${current.version} or keep it as it is.`,
    {
      kind: 'policy',
      policy_id: patch.id,
      base,
      current,
      their_changes: diffDefinitions(base.definition, current.definition),
      your_changes: diffDefinitions(current.definition, PolicyDefinition.parse(applied)),
    },
  )
}

/**
 * Which applications a scope would cover, and the status each would then have: applying the scope
 * rehearsed (exactly as `policies.update` with that scope runs), so the preview is what applying does.
 */
export async function previewScope(engine: EngineContext, ctx: CallContext, id: string, scope: Scope): Promise<ScopePreview> {
  const { impact } = await rehearseWithImpact(engine, id, (tx) => changePolicy(tx, engine, ctx, { id, scope, dry_run: true }))
  const entries = impact.applications.filter((entry) => entry.coverage !== 'unchanged')
  const details = new Map((await listApplications(engine.db, {}, entries.map((entry) => entry.application_id))).map((app) => [app.id, app]))
  const applications = entries.map((entry) => {
    const app = details.get(entry.application_id)
    return {
      application_id: entry.application_id,
      application_name: entry.application_name,
      team: app?.team ?? null,
      environment: app?.environment ?? null,
      tags: app?.tags ?? [],
      change: entry.coverage as 'added' | 'kept' | 'removed',
      status_before: entry.status_before,
      status_after: entry.status_after,
      policy_status_after: entry.policy_status_after,
      in_grace_period: entry.in_grace_period,
    }
  })
  applications.sort((a, b) => a.application_name.localeCompare(b.application_name))
  const count = (change: 'added' | 'kept' | 'removed') => applications.filter((entry) => entry.change === change).length
  return { applications, added: count('added'), kept: count('kept'), removed: count('removed'), summary: summarise(entries) }
}

async function changePolicy(tx: Tx, engine: EngineContext, ctx: CallContext, patch: Patch): Promise<Policy> {
  const before = await getPolicy(tx, patch.id)
  if (before.archived) throw new EngineError('conflict', `Policy ${patch.id} is archived and cannot be changed`, 'id')
  if (patch.base_version !== undefined && patch.base_version > before.version) {
    throw new EngineError('invalid_input', `Policy ${patch.id} is at version ${before.version}; there is no version ${patch.base_version} to edit`, 'base_version')
  }
  if (patch.base_version !== undefined && patch.base_version !== before.version) throw new StaleEdit(before.version)
  const definition: Definition = {
    name: patch.name ?? before.name,
    description: patch.description !== undefined ? patch.description : before.description,
    owner_group_id: patch.owner_group_id !== undefined ? patch.owner_group_id : before.owner_group_id,
    enforcement_delay_days: patch.enforcement_delay_days ?? before.enforcement_delay_days,
    notification_webhook: patch.notification_webhook !== undefined ? patch.notification_webhook : before.notification_webhook,
    requirements: patch.alert_rules ? await resolveRequirements(tx, patch.alert_rules) : before.alert_rules,
    attestationRuleIds: patch.attestation_rule_ids ?? before.attestation_rules.map((rule) => rule.id),
    scope: patch.scope ?? before.scope,
    auto_apply: patch.auto_apply ?? before.auto_apply,
    auto_restore: patch.auto_restore ?? before.auto_restore,
    status: patch.status ?? before.status,
  }
  return saveNewVersion(tx, engine, ctx, before, definition, 'policy.updated')
}

export async function archivePolicy(engine: EngineContext, ctx: CallContext, id: string): Promise<Policy> {
  return engine.mutate(['policies', 'applications', 'compliance', 'attestations'], async (tx) => {
    const before = await getPolicy(tx, id)
    if (before.archived) return before
    const now = engine.nowIso()
    await tx.updateTable('policies').set({ archived_at: now, version: before.version + 1, updated_at: now }).where('id', '=', id).execute()
    const after = await getPolicy(tx, id)
    await insertVersion(tx, after, now, ctx.actor, 'Archived')
    await recordAudit(tx, ctx.actor, now, { action: 'policy.archived', entityType: 'policy', entityId: id, before, after })
    await syncApplications(tx, ctx.actor, now, 'all')
    // Its schedules end and their open requests are withdrawn.
    await keepAttestationsCurrent(tx, now, true)
    return getPolicy(tx, id)
  })
}

async function saveNewVersion(tx: Tx, engine: EngineContext, ctx: CallContext, before: Policy, definition: Definition, action: AuditAction): Promise<Policy> {
  await validateDefinition(tx, definition, before.id)
  const attestationRules = await listAttestationRules(tx, definition.attestationRuleIds)
  const proposed: PolicyDefinition = {
    name: definition.name,
    description: definition.description,
    owner_group_id: definition.owner_group_id,
    enforcement_delay_days: definition.enforcement_delay_days,
    notification_webhook: definition.notification_webhook,
    alert_rules: definition.requirements,
    attestation_rules: definition.attestationRuleIds.map((id) => attestationRules.find((rule) => rule.id === id)!),
    scope: definition.scope,
    auto_apply: definition.auto_apply,
    auto_restore: definition.auto_restore,
    status: definition.status,
    archived: false,
  }
  const changes = diffDefinitions(definitionOf(before), proposed)
  if (changes.length === 0) return before

  const now = engine.nowIso()
  const previousRow = await tx.selectFrom('policies').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow()
  await tx
    .updateTable('policies')
    .set({ ...policyRow(definition, previousRow, now), version: before.version + 1 })
    .where('id', '=', before.id)
    .execute()
  await writeDefinitionRows(tx, before.id, definition)
  const after = await getPolicy(tx, before.id)
  const summary = summariseChanges(changes)
  await insertVersion(tx, after, now, ctx.actor, summary)
  const entries: AuditEntry[] = [
    { action, entityType: 'policy', entityId: before.id, before, after },
    { action: 'policy.version_created', entityType: 'policy', entityId: before.id, after: { version: after.version, summary } },
  ]
  if (changes.some((change) => change.path.startsWith('scope.'))) {
    entries.push({ action: 'policy.scope_changed', entityType: 'policy', entityId: before.id, before: before.scope, after: after.scope })
  }
  await recordAuditMany(tx, ctx.actor, now, entries)
  await syncApplications(tx, ctx.actor, now, 'all')
  // A rule added starts its schedule now; one removed (or the policy unpublished) withdraws its requests.
  await keepAttestationsCurrent(tx, now, true)
  return getPolicy(tx, before.id)
}
