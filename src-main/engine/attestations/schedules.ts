/**
 * Attestation schedules: one per attestation rule of each published policy, counted from the
 * moment the rule began to apply (the policy's publication, or the rule joining it). Reconciled
 * inside every policy change and every upkeep, so a rule removed or a policy archived withdraws
 * its open requests in the same transaction, with an audit event.
 */
import type { AttestationRule } from '../../../src-shared/domain/rules'
import { PolicyDefinition } from '../../../src-shared/domain/policy'
import type { AuditEntry } from '../audit-trail'
import type { Tx, Db } from '../db/schema'
import { newId } from '../ids'
import { listAttestationRules } from '../rules/rule-library'
import type { Cadence } from './periods'

export interface RunningSchedule {
  id: string
  policy_id: string
  attestation_rule_id: string
  anchor_at: string
  rule: AttestationRule
}

export function cadenceOf(rule: Pick<AttestationRule, 'frequency' | 'every_days' | 'deadline_days'>): Cadence {
  return { frequency: rule.frequency, every_days: rule.every_days, deadline_days: rule.deadline_days }
}

export async function rulesById(db: Db, ids: readonly string[]): Promise<Map<string, AttestationRule>> {
  return new Map((await listAttestationRules(db, [...new Set(ids)])).map((rule) => [rule.id, rule]))
}

export async function runningSchedules(db: Db, policyIds?: readonly string[]): Promise<RunningSchedule[]> {
  let query = db.selectFrom('attestation_schedules').select(['id', 'policy_id', 'attestation_rule_id', 'anchor_at']).where('ended_at', 'is', null)
  if (policyIds) {
    if (policyIds.length === 0) return []
    query = query.where('policy_id', 'in', policyIds)
  }
  const rows = await query.orderBy('policy_id').orderBy('anchor_at').execute()
  const rules = await rulesById(db, rows.map((row) => row.attestation_rule_id))
  return rows.map((row) => ({ ...row, rule: rules.get(row.attestation_rule_id)! }))
}

/**
 * When a rule began to apply to a policy: the first version of the policy's latest unbroken run of
 * published versions that include it. Read from the immutable version history, so a workspace
 * that predates attestations gets the anchors it would have had.
 */
async function anchorOf(db: Db, policyId: string, ruleId: string, fallback: string): Promise<string> {
  const versions = await db.selectFrom('policy_versions').select(['created_at', 'definition_json']).where('policy_id', '=', policyId).orderBy('version', 'desc').execute()
  let anchor: string | undefined
  for (const version of versions) {
    const definition = PolicyDefinition.parse(JSON.parse(version.definition_json))
    const applies = definition.status === 'published' && !definition.archived && definition.attestation_rules.some((rule) => rule.id === ruleId)
    if (!applies) break
    anchor = version.created_at
  }
  return anchor ?? fallback
}

/** Starts the schedules of rules that now apply and ends those that no longer do, withdrawing their open requests. */
export async function reconcileSchedules(tx: Tx, at: string): Promise<{ audit: AuditEntry[]; changedPolicies: string[] }> {
  const wanted = await tx
    .selectFrom('policy_attestation_rules')
    .innerJoin('policies', 'policies.id', 'policy_attestation_rules.policy_id')
    .select(['policy_attestation_rules.policy_id', 'policy_attestation_rules.attestation_rule_id'])
    .where('policies.status', '=', 'published')
    .where('policies.archived_at', 'is', null)
    .execute()
  const running = await tx.selectFrom('attestation_schedules').select(['id', 'policy_id', 'attestation_rule_id']).where('ended_at', 'is', null).execute()
  const key = (row: { policy_id: string; attestation_rule_id: string }) => `${row.policy_id}|${row.attestation_rule_id}`
  const wantedKeys = new Set(wanted.map(key))
  const runningKeys = new Set(running.map(key))

  for (const row of wanted) {
    if (runningKeys.has(key(row))) continue
    const anchor = await anchorOf(tx, row.policy_id, row.attestation_rule_id, at)
    await tx
      .insertInto('attestation_schedules')
      .values({ id: newId('ats'), policy_id: row.policy_id, attestation_rule_id: row.attestation_rule_id, anchor_at: anchor, ended_at: null })
      .execute()
  }

  const audit: AuditEntry[] = []
  const changedPolicies = new Set<string>()
  const ending = running.filter((row) => !wantedKeys.has(key(row)))
  if (ending.length === 0) return { audit, changedPolicies: [] }
  await tx.updateTable('attestation_schedules').set({ ended_at: at }).where('id', 'in', ending.map((row) => row.id)).execute()
  const policies = await tx.selectFrom('policies').select(['id', 'status', 'archived_at']).where('id', 'in', ending.map((row) => row.policy_id)).execute()
  const withdrawn = await tx
    .updateTable('attestation_requests')
    .set({ withdrawn_at: at })
    .where('schedule_id', 'in', ending.map((row) => row.id))
    .where('closed_at', 'is', null)
    .where('withdrawn_at', 'is', null)
    .returning(['id', 'policy_id', 'attestation_rule_id', 'period_start', 'due_at'])
    .execute()
  for (const request of withdrawn) {
    const policy = policies.find((p) => p.id === request.policy_id)
    const reason = policy?.archived_at ? 'the policy was archived' : policy?.status !== 'published' ? 'the policy is no longer published' : 'the attestation rule was removed from the policy'
    audit.push({ action: 'attestation.withdrawn', entityType: 'policy', entityId: request.policy_id, after: { request_id: request.id, attestation_rule_id: request.attestation_rule_id, period_start: request.period_start, due_at: request.due_at, reason } })
    changedPolicies.add(request.policy_id)
  }
  return { audit, changedPolicies: [...changedPolicies] }
}
