/**
 * What a compliance report says, gathered from the same reads as the dashboard and the API (the
 * statuses, the gaps, the trend, the attestations and exceptions), so a report can never disagree
 * with them. For a past `as_of` everything is as it stood then: the policy versions in force,
 * coverage, gaps still open then, sign-offs made by then and exceptions' state at that moment.
 */
import type { AttestationException } from '../../../src-shared/domain/attestations'
import { COMPLIANCE_STATUSES, type ComplianceStatus, type PolicyStatus, type StatusCounts } from '../../../src-shared/domain/compliance'
import { PolicyDefinition } from '../../../src-shared/domain/policy'
import type { InventoryRule, ReportData, ReportPolicy, ReportScope } from '../../../src-shared/domain/reports'
import { getApplication } from '../applications/applications'
import { loadAttestations } from '../attestations/attestation-queries'
import type { ComplianceQueries } from '../compliance/compliance-queries'
import { definitionsAt } from '../compliance/governing'
import { worstStatus } from '../compliance/judge'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import { mergeRequirements } from '../materialisation/merge'

/** The compliance-over-time chart covers the 30 days up to the report's moment. */
export const TREND_DAYS = 30
const DAY_MS = 86_400_000
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z')

const zeroCounts = (): StatusCounts => Object.fromEntries(COMPLIANCE_STATUSES.map((status) => [status, 0])) as StatusCounts

export async function gatherReport(db: Db, compliance: ComplianceQueries, scope: ReportScope): Promise<ReportData> {
  const policyRow = scope.policy_id ? await db.selectFrom('policies').select(['id', 'name']).where('id', '=', scope.policy_id).executeTakeFirst() : undefined
  if (scope.policy_id && !policyRow) throw new EngineError('not_found', `No policy with id ${scope.policy_id}`, 'policy_id')
  const application = scope.application_id ? await getApplication(db, scope.application_id).catch(() => undefined) : undefined
  if (scope.application_id && !application) throw new EngineError('not_found', `No application with id ${scope.application_id}`, 'application_id')

  // Without as_of, the statuses as last evaluated (what the dashboard shows), brought up to now.
  const { at, apps } = await compliance.statuses(scope.as_of, scope.application_id ? [scope.application_id] : undefined)
  const inScope = (status: PolicyStatus) => !scope.policy_id || status.policy_id === scope.policy_id
  const applications = apps
    .map((app) => {
      const policies = app.statuses.filter(inScope)
      return { id: app.id, name: app.name, team: app.team, environment: app.environment, tags: app.tags, status: worstStatus(policies.map((s) => s.status)), policies }
    })
    // A policy's report lists the applications it covers; the organisation's, every application.
    .filter((app) => !scope.policy_id || app.policies.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))

  // The policies in scope: the one asked for, those covering the application, or every policy live then.
  const policyIds = scope.policy_id
    ? [scope.policy_id]
    : scope.application_id
      ? [...new Set(applications.flatMap((app) => app.policies.map((s) => s.policy_id)))]
      : (await db.selectFrom('policies').select('id').execute()).map((row) => row.id)
  const live = await definitionsAt(db, at, policyIds)
  const policies = await policyVersions(db, [...live.values()].map((policy) => ({ id: policy.policyId, version: policy.version })))

  const summary = summarise(applications, policies)
  const gaps = (await compliance.gaps({ as_of: at, policy_id: scope.policy_id, application_id: scope.application_id, limit: Number.MAX_SAFE_INTEGER })).gaps
    .filter((gap) => !scope.application_id || gap.application_id === scope.application_id)
    .sort((a, b) => a.opened_at.localeCompare(b.opened_at) || a.id - b.id)

  const attestationPolicies = scope.policy_id ? [scope.policy_id] : [...live.keys()]
  const attestations = []
  for (const policyId of attestationPolicies) {
    const history = await loadAttestations(db, { id: policyId }, { id: '' }, at)
    attestations.push(...history.filter((attestation) => attestation.attested_at <= at))
  }
  attestations.sort((a, b) => b.attested_at.localeCompare(a.attested_at) || b.id.localeCompare(a.id))
  const exceptions: AttestationException[] = attestations
    .flatMap((attestation) => attestation.exceptions)
    .filter((exception) => !scope.application_id || exception.application_id === scope.application_id)
    .sort((a, b) => a.granted_at.localeCompare(b.granted_at) || a.id.localeCompare(b.id))

  // The trend counts every application under the policies in scope; an application's own report
  // reads the statuses of the others at its moment too.
  const { points: trend } = await compliance.trend({ days: TREND_DAYS, as_of: at, policy_ids: policyIds }, scope.application_id ? undefined : apps)
  return {
    format: 'governance-console-report/1',
    scope: {
      kind: scope.application_id ? 'application' : scope.policy_id ? 'policy' : 'organization',
      policy_id: policyRow?.id ?? null,
      policy_name: policyRow ? (live.get(policyRow.id)?.name ?? policyRow.name) : null,
      application_id: application?.id ?? null,
      application_name: application?.name ?? null,
    },
    as_of: at,
    // A moment in the first days of year 0000 has a period that starts with it, not before it.
    period_start: new Date(Math.max(EARLIEST_MS, Date.parse(`${at.slice(0, 10)}T00:00:00.000Z`) - (TREND_DAYS - 1) * DAY_MS)).toISOString(),
    summary: {
      ...summary,
      open_gaps: gaps.filter((gap) => gap.resolved_at === null).length,
      resolved_gaps: gaps.filter((gap) => gap.resolved_at !== null).length,
      attestations: attestations.length,
      active_exceptions: exceptions.filter((exception) => exception.state === 'active').length,
      trend,
    },
    policies,
    applications,
    gaps,
    attestations,
    exceptions,
    rule_inventory: inventory(applications, policies),
  }
}

/** Each policy's version in force, its definition frozen then, and since when. */
async function policyVersions(db: Db, wanted: ReadonlyArray<{ id: string; version: number }>): Promise<ReportPolicy[]> {
  const out: ReportPolicy[] = []
  for (const { id, version } of wanted) {
    const row = await db.selectFrom('policy_versions').select(['created_at', 'definition_json']).where('policy_id', '=', id).where('version', '=', version).executeTakeFirstOrThrow()
    const definition = PolicyDefinition.parse(JSON.parse(row.definition_json))
    out.push({ id, name: definition.name, version, version_created_at: row.created_at, definition })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

function summarise(applications: ReadonlyArray<{ status: ComplianceStatus | null; policies: PolicyStatus[] }>, policies: readonly ReportPolicy[]) {
  const application_counts = zeroCounts()
  let notCovered = 0
  for (const app of applications) {
    if (app.status) application_counts[app.status]++
    else notCovered++
  }
  const perPolicy = policies.map((policy) => {
    const counts = zeroCounts()
    let total = 0
    for (const app of applications) {
      for (const status of app.policies) {
        if (status.policy_id !== policy.id) continue
        counts[status.status]++
        total++
      }
    }
    return { id: policy.id, name: policy.name, version: policy.version, counts, total }
  })
  return { application_counts, not_covered: notCovered, policies: perPolicy }
}

/** Per application, the alert rules its policies require then: one per metric and direction, the strictest, with every source. */
function inventory(applications: ReadonlyArray<{ id: string; name: string; policies: PolicyStatus[] }>, policies: readonly ReportPolicy[]): InventoryRule[] {
  const byId = new Map(policies.map((policy) => [policy.id, policy]))
  const out: InventoryRule[] = []
  for (const app of applications) {
    const covering = app.policies.flatMap((status) => {
      const policy = byId.get(status.policy_id)
      return policy ? [{ id: policy.id, name: policy.name, version: policy.version, requirements: policy.definition.alert_rules }] : []
    })
    const merged = mergeRequirements(covering)
    for (const rule of [...merged.values()].sort((a, b) => a.key.localeCompare(b.key))) {
      out.push({
        application_id: app.id,
        application_name: app.name,
        requirement: rule.metric,
        name: rule.name,
        operator: rule.operator,
        threshold: rule.threshold,
        severity: rule.severity,
        window_hours: rule.window_hours,
        sources: rule.sources.map((source) => ({ policy_id: source.policy_id, policy_name: source.policy_name, policy_version: byId.get(source.policy_id)!.version })),
      })
    }
  }
  return out
}
