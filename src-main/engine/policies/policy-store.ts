/** Reading and writing policies: the rows behind a Policy, and the definitions versions freeze. */
import { sql } from 'kysely'
import { TemplateId, type Policy, type PolicyDefinition, type Requirement, type Scope } from '../../../src-shared/domain/policy'
import type { Actor } from '../../../src-shared/domain/common'
import { requirementFromRow } from '../db/rows'
import type { Db, Tx } from '../db/schema'
import { notFound } from '../errors'
import { listAttestationRules } from '../rules/rule-library'

export interface PolicyQuery {
  ids?: readonly string[]
  includeArchived?: boolean
}

export async function loadPolicies(db: Db, query: PolicyQuery = {}): Promise<Policy[]> {
  let policyRows = db.selectFrom('policies').selectAll()
  if (query.ids) policyRows = policyRows.where('id', 'in', query.ids.length ? query.ids : [''])
  if (!query.includeArchived) policyRows = policyRows.where('archived_at', 'is', null)
  const rows = await policyRows.orderBy(sql`lower(name)`).execute()
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)

  const [requirements, attestationLinks, tags, applications, coverage] = await Promise.all([
    db.selectFrom('policy_requirements').selectAll().where('policy_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('policy_attestation_rules').selectAll().where('policy_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('policy_scope_tags').selectAll().where('policy_id', 'in', ids).orderBy('tag').execute(),
    db.selectFrom('policy_scope_applications').selectAll().where('policy_id', 'in', ids).orderBy('application_id').execute(),
    db
      .selectFrom('policy_coverage')
      .select(['policy_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('policy_id', 'in', ids)
      .groupBy('policy_id')
      .execute(),
  ])
  const attestationRules = new Map(
    (await listAttestationRules(db, [...new Set(attestationLinks.map((link) => link.attestation_rule_id))])).map((rule) => [rule.id, rule]),
  )

  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    owner_group_id: row.owner_group_id,
    enforcement_delay_days: row.enforcement_delay_days,
    notification_webhook: row.notification_webhook,
    alert_rules: requirements.filter((r) => r.policy_id === row.id).map(requirementFromRow),
    attestation_rules: attestationLinks
      .filter((link) => link.policy_id === row.id)
      .map((link) => attestationRules.get(link.attestation_rule_id)!)
      .filter(Boolean),
    scope: {
      apply_to_all: row.apply_to_all === 1,
      tags: tags.filter((t) => t.policy_id === row.id).map((t) => t.tag),
      application_ids: applications.filter((a) => a.policy_id === row.id).map((a) => a.application_id),
    },
    auto_apply: row.auto_apply === 1,
    auto_restore: row.auto_restore === 1,
    status: row.status === 'draft' ? 'draft' : 'published',
    archived: row.archived_at !== null,
    version: row.version,
    template_id: row.template_id ? TemplateId.parse(row.template_id) : null,
    covered_application_count: Number(coverage.find((c) => c.policy_id === row.id)?.n ?? 0),
    created_at: row.created_at,
    updated_at: row.updated_at,
  }))
}

export async function getPolicy(db: Db, id: string): Promise<Policy> {
  const [policy] = await loadPolicies(db, { ids: [id], includeArchived: true })
  if (!policy) throw notFound('policy', id)
  return policy
}

export function definitionOf(policy: Policy): PolicyDefinition {
  return {
    name: policy.name,
    description: policy.description,
    owner_group_id: policy.owner_group_id,
    enforcement_delay_days: policy.enforcement_delay_days,
    notification_webhook: policy.notification_webhook,
    alert_rules: policy.alert_rules,
    attestation_rules: policy.attestation_rules,
    scope: policy.scope,
    auto_apply: policy.auto_apply,
    auto_restore: policy.auto_restore,
    status: policy.status,
    archived: policy.archived,
  }
}

/** Replaces the requirement, attestation and scope rows of a policy with these. */
export async function writeDefinitionRows(
  tx: Tx,
  policyId: string,
  definition: { requirements: readonly Requirement[]; attestationRuleIds: readonly string[]; scope: Scope },
): Promise<void> {
  await tx.deleteFrom('policy_requirements').where('policy_id', '=', policyId).execute()
  await tx.deleteFrom('policy_attestation_rules').where('policy_id', '=', policyId).execute()
  await tx.deleteFrom('policy_scope_tags').where('policy_id', '=', policyId).execute()
  await tx.deleteFrom('policy_scope_applications').where('policy_id', '=', policyId).execute()
  if (definition.requirements.length) {
    await tx
      .insertInto('policy_requirements')
      .values(
        definition.requirements.map((r, position) => ({
          policy_id: policyId,
          position,
          metric: r.metric,
          name: r.name,
          operator: r.operator,
          threshold: r.threshold,
          severity: r.severity,
          window_hours: r.window_hours,
          no_data: r.no_data,
          alert_rule_id: r.alert_rule_id,
        })),
      )
      .execute()
  }
  if (definition.attestationRuleIds.length) {
    await tx
      .insertInto('policy_attestation_rules')
      .values(definition.attestationRuleIds.map((id, position) => ({ policy_id: policyId, attestation_rule_id: id, position })))
      .execute()
  }
  if (definition.scope.tags.length) {
    await tx.insertInto('policy_scope_tags').values(definition.scope.tags.map((tag) => ({ policy_id: policyId, tag }))).execute()
  }
  if (definition.scope.application_ids.length) {
    await tx
      .insertInto('policy_scope_applications')
      .values(definition.scope.application_ids.map((application_id) => ({ policy_id: policyId, application_id })))
      .execute()
  }
}

export async function insertVersion(
  tx: Tx,
  policy: Policy,
  at: string,
  actor: Pick<Actor, 'id' | 'name'>,
  summary: string,
): Promise<void> {
  await tx
    .insertInto('policy_versions')
    .values({
      policy_id: policy.id,
      version: policy.version,
      created_at: at,
      actor_id: actor.id,
      actor_name: actor.name,
      summary,
      definition_json: JSON.stringify(definitionOf(policy)),
    })
    .execute()
}
