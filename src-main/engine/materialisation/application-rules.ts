/**
 * The alert rules on one application: listing them, deleting one (which leaves the application
 * non-compliant for every policy requiring it, unless a policy restores it automatically), and
 * restoring deleted ones.
 */
import { MetricKey } from '../../../src-shared/domain/metrics'
import type { MaterialisedRule, MissingRule } from '../../../src-shared/domain/policy'
import { NoDataPolicy, Operator, Severity } from '../../../src-shared/domain/rules'
import { getApplication } from '../applications/applications'
import { recordAudit } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { ApplicationRulesTable, Db } from '../db/schema'
import { EngineError } from '../errors'
import { isStale, staleEdit, type VersionedRecord } from '../record-versions'
import { loadActivePolicies } from './active-policies'
import { syncApplications } from './materialise'
import { ruleKey, type RuleSource } from './merge'

function toMaterialisedRule(row: ApplicationRulesTable): MaterialisedRule {
  const metric = MetricKey.parse(row.metric)
  return {
    id: row.id,
    application_id: row.application_id,
    requirement: metric,
    name: row.name,
    metric,
    operator: Operator.parse(row.operator),
    threshold: row.threshold,
    severity: Severity.parse(row.severity),
    window_hours: row.window_hours,
    no_data: NoDataPolicy.parse(row.no_data),
    sources: JSON.parse(row.sources_json) as RuleSource[],
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  }
}

/** An application's alert rule as a stale deletion is judged against (record-versions.ts). */
function versionedRule(rule: MaterialisedRule, applicationName: string): VersionedRecord {
  const { name, metric, operator, threshold, severity, window_hours, no_data } = rule
  return {
    kind: 'rule',
    id: rule.id,
    name: `${name} on ${applicationName}`,
    version: rule.version,
    updated_at: rule.updated_at,
    fields: { name, metric, operator, threshold, severity, window_hours, no_data },
    trail: { entityType: 'application', entityId: rule.application_id, actionPrefix: 'rule' },
  }
}

export async function applicationRules(db: Db, applicationId: string): Promise<{ alert_rules: MaterialisedRule[]; missing: MissingRule[] }> {
  await getApplication(db, applicationId)
  const [rows, deleted, gaps] = await Promise.all([
    db.selectFrom('application_rules').selectAll().where('application_id', '=', applicationId).orderBy('metric').execute(),
    db.selectFrom('deleted_rules').selectAll().where('application_id', '=', applicationId).orderBy('metric').execute(),
    db
      .selectFrom('gaps')
      .select(['policy_id', 'requirement'])
      .where('application_id', '=', applicationId)
      .where('kind', '=', 'missing_rule')
      .where('resolved_at', 'is', null)
      .execute(),
  ])
  return {
    alert_rules: rows.map(toMaterialisedRule),
    missing: deleted.map((row) => ({
      requirement: MetricKey.parse(row.metric),
      direction: row.direction === 'below' ? 'below' : 'above',
      policy_ids: gaps.filter((gap) => gap.requirement === row.metric).map((gap) => gap.policy_id).sort(),
      deleted_at: row.deleted_at,
      deleted_by: row.deleted_by,
    })),
  }
}

/**
 * Deletes a rule from an application. Made on a version of the rule that a policy change has
 * since moved past (`baseVersion`), it is refused as a conflict: the rule deleted is not the one seen.
 */
export async function deleteApplicationRule(
  engine: EngineContext,
  ctx: CallContext,
  applicationId: string,
  ruleId: string,
  baseVersion?: number,
): Promise<{ deleted: MaterialisedRule; restored: MaterialisedRule | null }> {
  return engine.mutate(['applications', 'policies', 'compliance'], async (tx) => {
    const application = await getApplication(tx, applicationId)
    const row = await tx.selectFrom('application_rules').selectAll().where('id', '=', ruleId).where('application_id', '=', applicationId).executeTakeFirst()
    if (!row) throw new EngineError('not_found', `Application ${applicationId} has no alert rule ${ruleId}`, 'rule_id')
    const deleted = toMaterialisedRule(row)
    const record = versionedRule(deleted, application.name)
    if (isStale(record, baseVersion)) throw await staleEdit(tx, record, baseVersion!, 'delete', [])
    const now = engine.nowIso()
    await tx.deleteFrom('application_rules').where('id', '=', ruleId).execute()
    await tx
      .insertInto('deleted_rules')
      .values({ application_id: applicationId, metric: row.metric, direction: row.direction, deleted_at: now, deleted_by: ctx.actor.name })
      .execute()
    await recordAudit(tx, ctx.actor, now, { action: 'rule.deleted', entityType: 'application', entityId: applicationId, before: deleted })

    const sourceIds = new Set(deleted.sources.map((source) => source.policy_id))
    const restoring = (await loadActivePolicies(tx)).filter((policy) => sourceIds.has(policy.id) && policy.autoRestore)
    if (restoring.length === 0) {
      await syncApplications(tx, ctx.actor, now, [applicationId])
      return { deleted, restored: null }
    }
    // The deletion is still on the record as a gap that opened and closed at once.
    await tx
      .insertInto('gaps')
      .values(
        deleted.sources.map((source) => ({
          application_id: applicationId,
          policy_id: source.policy_id,
          requirement: deleted.requirement,
          kind: 'missing_rule',
          severity: source.severity,
          value: null,
          threshold: source.threshold,
          reason: `A required alert rule was deleted and automatically restored (${restoring.map((p) => p.name).join(', ')})`,
          opened_at: now,
          resolved_at: now,
        })),
      )
      .execute()
    const [restored] = await restore(tx, engine, ctx, applicationId, [ruleKey(row.metric, row.direction)], `auto-restore by ${restoring.map((p) => p.name).join(', ')}`)
    return { deleted, restored: restored ?? null }
  })
}

export async function restoreApplicationRules(engine: EngineContext, ctx: CallContext, applicationId: string, requirement?: string): Promise<{ restored: MaterialisedRule[] }> {
  return engine.mutate(['applications', 'policies', 'compliance'], async (tx) => {
    await getApplication(tx, applicationId)
    let query = tx.selectFrom('deleted_rules').selectAll().where('application_id', '=', applicationId)
    if (requirement) query = query.where('metric', '=', requirement)
    const keys = (await query.execute()).map((row) => ruleKey(row.metric, row.direction))
    if (keys.length === 0) return { restored: [] }
    return { restored: await restore(tx, engine, ctx, applicationId, keys, 'restored on request') }
  })
}

async function restore(
  tx: Parameters<typeof syncApplications>[0],
  engine: EngineContext,
  ctx: CallContext,
  applicationId: string,
  keys: readonly string[],
  reason: string,
): Promise<MaterialisedRule[]> {
  const now = engine.nowIso()
  for (const key of keys) {
    const [metric, direction] = key.split('|') as [string, string]
    await tx.deleteFrom('deleted_rules').where('application_id', '=', applicationId).where('metric', '=', metric).where('direction', '=', direction).execute()
  }
  await syncApplications(tx, ctx.actor, now, [applicationId])
  const rows = await tx.selectFrom('application_rules').selectAll().where('application_id', '=', applicationId).execute()
  const restored = rows.filter((row) => keys.includes(ruleKey(row.metric, row.direction))).map(toMaterialisedRule)
  for (const rule of restored) {
    await recordAudit(tx, ctx.actor, now, { action: 'rule.restored', entityType: 'application', entityId: applicationId, after: { ...rule, reason } })
  }
  return restored
}
