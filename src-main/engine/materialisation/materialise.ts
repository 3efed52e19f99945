/**
 * Keeping applications in step with policies. Given the applications whose policies, scope, tags
 * or rules may have changed, work out which policies cover each one and which concrete alert rules
 * that requires, then write the difference (coverage, rules, missing-rule gaps) with an audit
 * event for each change — all inside the caller's transaction.
 */
import type { Actor } from '../../../src-shared/domain/common'
import { directionOf } from '../../../src-shared/domain/rules'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { chunks, rowsPerInsert } from '../batch'
import type { ApplicationRulesTable, Db, PolicyCoverageTable, Tx } from '../db/schema'
import { queueEvaluation } from '../evaluation-queue'
import { newId } from '../ids'
import { inScope, loadActivePolicies, loadApplicationFacts, type ActivePolicy, type ApplicationFacts } from './active-policies'
import { mergeRequirements, ruleKey, type DesiredRule } from './merge'

const DAY_MS = 86_400_000

export interface SyncReport {
  attached: number
  detached: number
  materialised: number
  updated: number
  removed: number
}

export type SyncTarget = readonly string[] | 'all'

async function selectByApplication<T>(target: SyncTarget, query: (ids: readonly string[] | undefined) => Promise<T[]>): Promise<T[]> {
  if (target === 'all') return query(undefined)
  const rows: T[] = []
  for (const slice of chunks(target, 5000)) rows.push(...(await query(slice)))
  return rows
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const list = groups.get(key(row))
    if (list) list.push(row)
    else groups.set(key(row), [row])
  }
  return groups
}

export function enforcementStart(appliedAt: string, delayDays: number): string {
  return new Date(Date.parse(appliedAt) + delayDays * DAY_MS).toISOString()
}

function ruleRow(app: ApplicationFacts, rule: DesiredRule, now: string, id: string, createdAt = now, version = 1): ApplicationRulesTable {
  return {
    id,
    application_id: app.id,
    metric: rule.metric,
    direction: rule.direction,
    name: rule.name,
    operator: rule.operator,
    threshold: rule.threshold,
    severity: rule.severity,
    window_hours: rule.window_hours,
    no_data: rule.no_data,
    sources_json: JSON.stringify(rule.sources),
    created_at: createdAt,
    updated_at: now,
    version,
  }
}

const COMPARED: ReadonlyArray<keyof ApplicationRulesTable> = ['name', 'operator', 'threshold', 'severity', 'window_hours', 'no_data', 'sources_json']

export function ruleView(row: ApplicationRulesTable) {
  return {
    id: row.id,
    application_id: row.application_id,
    requirement: row.metric,
    metric: row.metric,
    direction: row.direction,
    name: row.name,
    operator: row.operator,
    threshold: row.threshold,
    severity: row.severity,
    window_hours: row.window_hours,
    no_data: row.no_data,
    sources: JSON.parse(row.sources_json) as unknown,
  }
}

export interface SyncOptions {
  /**
   * Record an audit event for each attachment and rule (the default). A change that records
   * itself as one event listing what it did (retiring an application) turns this off.
   */
  audit?: boolean
}

export async function syncApplications(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, now: string, target: SyncTarget, options: SyncOptions = {}): Promise<SyncReport> {
  const report: SyncReport = { attached: 0, detached: 0, materialised: 0, updated: 0, removed: 0 }
  if (target !== 'all' && target.length === 0) return report
  const db: Db = tx
  const [policies, apps] = await Promise.all([loadActivePolicies(db), loadApplicationFacts(db, target === 'all' ? undefined : target)])

  const [coverageRows, ruleRows, deletedRows, openMissing] = await Promise.all([
    selectByApplication(target, (ids) => {
      let q = db.selectFrom('policy_coverage').selectAll()
      if (ids) q = q.where('application_id', 'in', ids)
      return q.execute()
    }),
    selectByApplication(target, (ids) => {
      let q = db.selectFrom('application_rules').selectAll()
      if (ids) q = q.where('application_id', 'in', ids)
      return q.execute()
    }),
    selectByApplication(target, (ids) => {
      let q = db.selectFrom('deleted_rules').selectAll()
      if (ids) q = q.where('application_id', 'in', ids)
      return q.execute()
    }),
    selectByApplication(target, (ids) => {
      let q = db.selectFrom('gaps').select(['id', 'application_id', 'policy_id', 'requirement']).where('kind', '=', 'missing_rule').where('resolved_at', 'is', null)
      if (ids) q = q.where('application_id', 'in', ids)
      return q.execute()
    }),
  ])
  const coverageByApp = groupBy(coverageRows, (row) => row.application_id)
  // Detached policies are named in the trail, as attached ones are (an archived one is no longer active).
  const detachedIds = [...new Set(coverageRows.map((row) => row.policy_id))].filter((id) => !policies.some((policy) => policy.id === id))
  const policyNames = new Map(policies.map((policy) => [policy.id, policy.name]))
  for (const slice of chunks(detachedIds, 5000)) {
    for (const row of await db.selectFrom('policies').select(['id', 'name']).where('id', 'in', slice).execute()) policyNames.set(row.id, row.name)
  }
  const rulesByApp = groupBy(ruleRows, (row) => row.application_id)
  const deletedByApp = groupBy(deletedRows, (row) => row.application_id)
  const missingByApp = groupBy(openMissing, (row) => row.application_id)

  const audit: AuditEntry[] = []
  const coverageInserts: PolicyCoverageTable[] = []
  const coverageUpdates: PolicyCoverageTable[] = []
  const coverageDeletes: Array<{ policy_id: string; application_id: string }> = []
  const ruleInserts: ApplicationRulesTable[] = []
  const ruleUpdates: ApplicationRulesTable[] = []
  const ruleDeletes: string[] = []
  const deletedCleanup: Array<{ application_id: string; metric: string; direction: string }> = []
  const gapInserts: Array<{ application_id: string; policy_id: string; requirement: string; severity: string; threshold: number }> = []
  const gapResolves: number[] = []

  for (const app of apps) {
    const covering = policies.filter((policy) => inScope(policy, app))
    const coveringIds = new Set(covering.map((policy) => policy.id))

    // Coverage: which policies apply to this application, since when, at which version.
    const existingCoverage = new Map((coverageByApp.get(app.id) ?? []).map((row) => [row.policy_id, row]))
    for (const policy of covering) {
      const current = existingCoverage.get(policy.id)
      if (!current) {
        const row = { policy_id: policy.id, application_id: app.id, policy_version: policy.version, applied_at: now, enforcement_starts_at: enforcementStart(now, policy.enforcementDelayDays) }
        coverageInserts.push(row)
        audit.push({ action: 'policy.attached', entityType: 'application', entityId: app.id, after: { policy_name: policy.name, ...row } })
        report.attached++
      } else {
        const enforcement = enforcementStart(current.applied_at, policy.enforcementDelayDays)
        if (current.policy_version !== policy.version || current.enforcement_starts_at !== enforcement) {
          coverageUpdates.push({ ...current, policy_version: policy.version, enforcement_starts_at: enforcement })
        }
      }
    }
    for (const [policyId, row] of existingCoverage) {
      if (coveringIds.has(policyId)) continue
      coverageDeletes.push({ policy_id: policyId, application_id: app.id })
      const name = policyNames.get(policyId)
      audit.push({ action: 'policy.detached', entityType: 'application', entityId: app.id, before: name === undefined ? row : { policy_name: name, ...row } })
      report.detached++
    }

    // Rules: one per (metric, direction) across the covering policies; deleted ones stay missing.
    const desired = mergeRequirements(covering)
    const deleted = new Set((deletedByApp.get(app.id) ?? []).map((row) => ruleKey(row.metric, row.direction)))
    const existingRules = new Map((rulesByApp.get(app.id) ?? []).map((row) => [ruleKey(row.metric, row.direction), row]))
    for (const [key, rule] of desired) {
      if (deleted.has(key)) continue
      const current = existingRules.get(key)
      if (!current) {
        const row = ruleRow(app, rule, now, newId('rule'))
        ruleInserts.push(row)
        audit.push({ action: 'rule.materialised', entityType: 'application', entityId: app.id, after: ruleView(row) })
        report.materialised++
        continue
      }
      // A rule changed under a policy counts as a new version of it: a deletion made on the old one is stale.
      const row = ruleRow(app, rule, now, current.id, current.created_at, current.version + 1)
      if (COMPARED.some((field) => row[field] !== current[field])) {
        ruleUpdates.push(row)
        audit.push({ action: 'rule.updated', entityType: 'application', entityId: app.id, before: ruleView(current), after: ruleView(row) })
        report.updated++
      }
    }
    for (const [key, row] of existingRules) {
      if (desired.has(key)) continue
      ruleDeletes.push(row.id)
      audit.push({ action: 'rule.removed', entityType: 'application', entityId: app.id, before: ruleView(row) })
      report.removed++
    }
    for (const row of deletedByApp.get(app.id) ?? []) {
      if (!desired.has(ruleKey(row.metric, row.direction))) deletedCleanup.push(row)
    }

    // Missing-rule gaps: open for each covering policy whose required rule was deleted, close the rest.
    const shouldBeMissing = new Map<string, { policy: ActivePolicy; severity: string; threshold: number }>()
    for (const policy of covering) {
      for (const requirement of policy.requirements) {
        const key = ruleKey(requirement.metric, directionOf(requirement.operator))
        if (deleted.has(key)) shouldBeMissing.set(`${policy.id}|${requirement.metric}`, { policy, severity: requirement.severity, threshold: requirement.threshold })
      }
    }
    const alreadyOpen = new Set<string>()
    for (const gap of missingByApp.get(app.id) ?? []) {
      const id = `${gap.policy_id}|${gap.requirement}`
      if (shouldBeMissing.has(id)) alreadyOpen.add(id)
      else gapResolves.push(gap.id)
    }
    for (const [id, missing] of shouldBeMissing) {
      if (alreadyOpen.has(id)) continue
      gapInserts.push({ application_id: app.id, policy_id: missing.policy.id, requirement: id.split('|')[1]!, severity: missing.severity, threshold: missing.threshold })
    }
  }

  for (const slice of chunks(coverageInserts, rowsPerInsert(5))) await tx.insertInto('policy_coverage').values(slice).execute()
  for (const slice of chunks(coverageInserts, rowsPerInsert(5))) {
    await tx
      .insertInto('coverage_history')
      .values(slice.map(({ policy_id, application_id, applied_at, enforcement_starts_at }) => ({ policy_id, application_id, applied_at, enforcement_starts_at, ended_at: null })))
      .execute()
  }
  for (const row of coverageUpdates) {
    await tx
      .updateTable('policy_coverage')
      .set({ policy_version: row.policy_version, enforcement_starts_at: row.enforcement_starts_at })
      .where('policy_id', '=', row.policy_id)
      .where('application_id', '=', row.application_id)
      .execute()
    await tx
      .updateTable('coverage_history')
      .set({ enforcement_starts_at: row.enforcement_starts_at })
      .where('policy_id', '=', row.policy_id)
      .where('application_id', '=', row.application_id)
      .where('ended_at', 'is', null)
      .execute()
  }
  for (const row of coverageDeletes) {
    await tx.deleteFrom('policy_coverage').where('policy_id', '=', row.policy_id).where('application_id', '=', row.application_id).execute()
    await tx
      .updateTable('coverage_history')
      .set({ ended_at: now })
      .where('policy_id', '=', row.policy_id)
      .where('application_id', '=', row.application_id)
      .where('ended_at', 'is', null)
      .execute()
  }
  // Whatever a sync touched is due for evaluation.
  await queueEvaluation(tx, now, apps.map((app) => app.id))
  for (const slice of chunks(ruleInserts, rowsPerInsert(14))) await tx.insertInto('application_rules').values(slice).execute()
  for (const row of ruleUpdates) {
    const { id, ...fields } = row
    await tx.updateTable('application_rules').set(fields).where('id', '=', id).execute()
  }
  for (const slice of chunks(ruleDeletes, 5000)) await tx.deleteFrom('application_rules').where('id', 'in', slice).execute()
  for (const row of deletedCleanup) {
    await tx
      .deleteFrom('deleted_rules')
      .where('application_id', '=', row.application_id)
      .where('metric', '=', row.metric)
      .where('direction', '=', row.direction)
      .execute()
  }
  for (const slice of chunks(gapInserts, rowsPerInsert(9))) {
    await tx
      .insertInto('gaps')
      .values(slice.map((gap) => ({ ...gap, kind: 'missing_rule', value: null, reason: 'A required alert rule was deleted from the application', opened_at: now, resolved_at: null })))
      .execute()
  }
  for (const slice of chunks(gapResolves, 5000)) await tx.updateTable('gaps').set({ resolved_at: now }).where('id', 'in', slice).execute()
  if (options.audit !== false) for (const slice of chunks(audit, rowsPerInsert(8))) await recordAuditMany(tx, actor, now, slice)
  return report
}
