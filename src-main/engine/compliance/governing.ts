/**
 * Which policies governed which applications at a moment, under which version: coverage history
 * and immutable policy versions answer for the past exactly as the live tables do for now.
 */
import { PolicyDefinition, type Requirement } from '../../../src-shared/domain/policy'
import { chunks } from '../batch'
import type { Db } from '../db/schema'

/** Policies are listed by name, in the reader's collation. */
const byName = new Intl.Collator()

export interface GoverningPolicy {
  policyId: string
  name: string
  version: number
  requirements: readonly Requirement[]
  attestationRuleIds: readonly string[]
  webhook: string | null
  appliedAt: string
  enforcementStartsAt: string
}

export interface Governed {
  id: string
  name: string
  team: string | null
  environment: string | null
  created_at: string
  policies: GoverningPolicy[]
}

/** Applications (all, or the given ones) in the portfolio at `at`, as they stood then, each with its governing policies. */
export async function governedAt(db: Db, at: string, applicationIds?: readonly string[]): Promise<Governed[]> {
  const apps: Array<{ id: string; name: string; team: string | null; environment: string | null; created_at: string }> = []
  const coverage: Array<{ policy_id: string; application_id: string; applied_at: string; enforcement_starts_at: string }> = []
  const slices = applicationIds ? chunks(applicationIds, 5000) : [undefined]
  for (const slice of slices) {
    let appQuery = db
      .selectFrom('applications')
      .select(['id', 'name', 'team', 'environment', 'created_at'])
      .where('created_at', '<=', at)
      // Not while retired: a retirement begun by then and not yet ended.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('application_retirements')
              .select('application_retirements.id')
              .whereRef('application_retirements.application_id', '=', 'applications.id')
              .where('application_retirements.retired_at', '<=', at)
              .where((inner) => inner.or([inner('application_retirements.reinstated_at', 'is', null), inner('application_retirements.reinstated_at', '>', at)])),
          ),
        ),
      )
    let coverageQuery = db
      .selectFrom('coverage_history')
      .select(['policy_id', 'application_id', 'applied_at', 'enforcement_starts_at'])
      .where('applied_at', '<=', at)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', at)]))
    if (slice) {
      appQuery = appQuery.where('id', 'in', slice)
      coverageQuery = coverageQuery.where('application_id', 'in', slice)
    }
    apps.push(...(await appQuery.orderBy('name').orderBy('id').execute()))
    coverage.push(...(await coverageQuery.execute()))
  }

  const definitions = await definitionsAt(db, at, [...new Set(coverage.map((row) => row.policy_id))])
  // Policies are listed by name: ranked once here rather than compared per application.
  const rank = new Map([...definitions.values()].sort((a, b) => byName.compare(a.name, b.name)).map((policy, index) => [policy.policyId, index]))
  const byApp = new Map<string, GoverningPolicy[]>()
  for (const row of coverage) {
    const policy = definitions.get(row.policy_id)
    if (!policy) continue
    let list = byApp.get(row.application_id)
    if (!list) byApp.set(row.application_id, (list = []))
    // A policy re-applied after leaving the scope has one open coverage row; keep the latest.
    const existing = list.findIndex((p) => p.policyId === row.policy_id)
    const entry: GoverningPolicy = {
      policyId: policy.policyId,
      name: policy.name,
      version: policy.version,
      requirements: policy.requirements,
      attestationRuleIds: policy.attestationRuleIds,
      webhook: policy.webhook,
      appliedAt: row.applied_at,
      enforcementStartsAt: row.enforcement_starts_at,
    }
    if (existing === -1) list.push(entry)
    else if (list[existing]!.appliedAt < row.applied_at) list[existing] = entry
  }
  return apps.map((app) => ({ ...app, policies: byApp.get(app.id)?.sort((a, b) => rank.get(a.policyId)! - rank.get(b.policyId)!) ?? [] }))
}

type Definition = Omit<GoverningPolicy, 'appliedAt' | 'enforcementStartsAt'>

/** Each policy's version in force at `at`, if it was then published and not archived. */
export async function definitionsAt(db: Db, at: string, policyIds: readonly string[]): Promise<Map<string, Definition>> {
  const out = new Map<string, Definition>()
  for (const slice of chunks(policyIds, 5000)) {
    const latest = await db
      .selectFrom('policy_versions')
      .select(['policy_id', (eb) => eb.fn.max('version').as('version')])
      .where('policy_id', 'in', slice)
      .where('created_at', '<=', at)
      .groupBy('policy_id')
      .execute()
    for (const { policy_id, version } of latest) {
      const row = await db.selectFrom('policy_versions').select('definition_json').where('policy_id', '=', policy_id).where('version', '=', Number(version)).executeTakeFirstOrThrow()
      const definition = PolicyDefinition.parse(JSON.parse(row.definition_json))
      if (definition.status !== 'published' || definition.archived) continue
      out.set(policy_id, {
        policyId: policy_id,
        name: definition.name,
        version: Number(version),
        requirements: definition.alert_rules,
        attestationRuleIds: definition.attestation_rules.map((rule) => rule.id),
        webhook: definition.notification_webhook,
      })
    }
  }
  return out
}
