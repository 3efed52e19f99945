/**
 * The deployment gate: may this application be deployed now? Blocked by an overdue attestation of
 * a rule that blocks, or by a Non-Compliant status under a policy whose enforcement delay has
 * passed; warned by anything short of that (a Warning, Non-Compliance still in its grace period,
 * an overdue attestation that only warns). It reads the same statuses and standings as the
 * dashboard, so the two never disagree.
 */
import type { DeploymentGate, GateReason } from '../../../src-shared/domain/attestations'
import type { PolicyStatus } from '../../../src-shared/domain/compliance'
import { METRIC_BY_KEY } from '../../../src-shared/domain/metrics'
import type { Db } from '../db/schema'
import { rulesById } from './schedules'
import { standingAt } from './standing'

export async function deploymentGate(db: Db, app: { id: string; name: string }, statuses: readonly PolicyStatus[], at: string): Promise<DeploymentGate> {
  const reasons: GateReason[] = []
  const openGaps = await db
    .selectFrom('gaps')
    .select(['policy_id', 'requirement', 'opened_at'])
    .where('application_id', '=', app.id)
    .where('resolved_at', 'is', null)
    .execute()
  const gapSince = (policyId: string, requirement: string) => openGaps.find((gap) => gap.policy_id === policyId && gap.requirement === requirement)?.opened_at

  for (const status of statuses) {
    const policy = { policy_id: status.policy_id, policy_name: status.policy_name }
    const enforced = !status.in_grace_period
    if (status.attestation?.attested_non_compliant) {
      const attested = status.attestation.attested_non_compliant
      reasons.push({
        ...policy,
        decision: enforced ? 'blocked' : 'warned',
        kind: 'attested_non_compliant',
        requirement: 'attestation',
        attestation_rule_id: null,
        request_id: null,
        since: attested.attested_at,
        message: `${attested.reviewer} attested ${status.policy_name} Non-Compliant on ${attested.attested_at.slice(0, 10)}${enforced ? '' : ` (enforcement begins ${status.enforcement_starts_at.slice(0, 10)})`}`,
      })
    }
    for (const requirement of status.requirements) {
      const failing = requirement.outcome === 'breach' || requirement.outcome === 'missing_rule'
      if (!failing) continue
      const severe = requirement.outcome === 'missing_rule' || requirement.severity === 'critical' || requirement.severity === 'high'
      const blocked = severe && enforced && status.status === 'non_compliant'
      reasons.push({
        ...policy,
        decision: blocked ? 'blocked' : 'warned',
        kind: severe ? 'non_compliant' : 'warning',
        requirement: requirement.requirement,
        attestation_rule_id: null,
        request_id: null,
        since: gapSince(status.policy_id, requirement.requirement) ?? status.evaluated_at ?? at,
        message: `${METRIC_BY_KEY[requirement.requirement].label}: ${requirement.reason}${severe && !enforced ? ` (in the enforcement delay until ${status.enforcement_starts_at.slice(0, 10)})` : ''}`,
      })
    }
  }

  // Overdue sign-offs, per rule: whether they block is the rule's to say.
  const standings = await standingAt(db, at, statuses.map((status) => status.policy_id))
  const rules = await rulesById(db, [...standings.values()].flatMap((standing) => standing.overdue.map((request) => request.ruleId)))
  for (const status of statuses) {
    for (const request of standings.get(status.policy_id)?.overdue ?? []) {
      const rule = rules.get(request.ruleId)
      const blocks = rule?.blocking === 'block'
      reasons.push({
        policy_id: status.policy_id,
        policy_name: status.policy_name,
        decision: blocks ? 'blocked' : 'warned',
        kind: 'attestation_overdue',
        requirement: 'attestation',
        attestation_rule_id: request.ruleId,
        request_id: request.requestId,
        since: request.dueAt,
        message: `${rule?.name ?? 'Attestation'} for ${status.policy_name} was due ${request.dueAt.slice(0, 10)} and is not signed off${blocks ? '; this rule blocks deployments while overdue' : ''}`,
      })
    }
  }

  reasons.sort((a, b) => (a.decision === b.decision ? a.since.localeCompare(b.since) : a.decision === 'blocked' ? -1 : 1))
  const decision = reasons.some((reason) => reason.decision === 'blocked') ? 'blocked' : reasons.length ? 'warned' : 'allowed'
  return { application_id: app.id, application_name: app.name, decision, allowed: decision !== 'blocked', evaluated_at: at, reasons }
}
