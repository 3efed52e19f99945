/** Read-only questions about policies: versions and their differences, coverage. */
import { MetricKey } from '../../../src-shared/domain/metrics'
import type { CoveredApplication, DefinitionChange, Policy, PolicyDefinition, PolicyVersion } from '../../../src-shared/domain/policy'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { loadApplicationFacts } from '../materialisation/active-policies'
import { diffDefinitions } from './diff'
import { getPolicy, loadPolicies } from './policy-store'

export async function listPolicyVersions(db: Db, policyId: string): Promise<PolicyVersion[]> {
  await getPolicy(db, policyId)
  const rows = await db.selectFrom('policy_versions').selectAll().where('policy_id', '=', policyId).orderBy('version', 'desc').execute()
  return rows.map((row) => ({
    policy_id: row.policy_id,
    version: row.version,
    created_at: row.created_at,
    actor: { id: row.actor_id, name: row.actor_name },
    summary: row.summary,
    definition: JSON.parse(row.definition_json) as PolicyDefinition,
  }))
}

export async function diffPolicyVersions(db: Db, policyId: string, from: number, to: number): Promise<{ from: number; to: number; changes: DefinitionChange[] }> {
  const versions = await listPolicyVersions(db, policyId)
  const find = (version: number, field: string) => {
    const found = versions.find((candidate) => candidate.version === version)
    if (!found) throw new EngineError('not_found', `Policy ${policyId} has no version ${version}`, field)
    return found.definition
  }
  return { from, to, changes: diffDefinitions(find(from, 'from'), find(to, 'to')) }
}

export async function policyCoverage(db: Db, policyId: string): Promise<CoveredApplication[]> {
  const policy = await getPolicy(db, policyId)
  const coverage = await db
    .selectFrom('policy_coverage')
    .innerJoin('applications', 'applications.id', 'policy_coverage.application_id')
    .select([
      'policy_coverage.application_id',
      'applications.name',
      'applications.team',
      'applications.environment',
      'policy_coverage.policy_version',
      'policy_coverage.applied_at',
      'policy_coverage.enforcement_starts_at',
    ])
    .where('policy_coverage.policy_id', '=', policyId)
    .orderBy('applications.name')
    .execute()
  const ids = coverage.map((row) => row.application_id)
  const [facts, missing] = await Promise.all([
    loadApplicationFacts(db, ids),
    db
      .selectFrom('gaps')
      .select(['application_id', 'requirement'])
      .where('policy_id', '=', policyId)
      .where('kind', '=', 'missing_rule')
      .where('resolved_at', 'is', null)
      .execute(),
  ])
  const tagsById = new Map(facts.map((app) => [app.id, app.tags]))
  return coverage.map((row) => {
    const missingHere = missing.filter((gap) => gap.application_id === row.application_id).map((gap) => MetricKey.parse(gap.requirement))
    return {
      application_id: row.application_id,
      application_name: row.name,
      team: row.team,
      environment: row.environment,
      tags: [...(tagsById.get(row.application_id) ?? [])].sort(),
      policy_version: row.policy_version,
      applied_at: row.applied_at,
      enforcement_starts_at: row.enforcement_starts_at,
      missing_requirements: missingHere,
      rule_count: policy.alert_rules.length - missingHere.length,
    }
  })
}

export async function policiesForApplication(db: Db, applicationId: string): Promise<Policy[]> {
  const ids = (await db.selectFrom('policy_coverage').select('policy_id').where('application_id', '=', applicationId).execute()).map((row) => row.policy_id)
  return loadPolicies(db, { ids })
}
