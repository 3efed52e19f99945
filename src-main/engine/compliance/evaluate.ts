/**
 * Evaluating applications at a moment: the policies that governed them then, each requirement
 * measured over its window ending then, missing rules as they stood then. Pure reading; the
 * evaluator decides what to store.
 */
import type { PolicyStatus } from '../../../src-shared/domain/compliance'
import { chunks } from '../batch'
import type { Db } from '../db/schema'
import { governedAt, type Governed } from './governing'
import { judgeRequirement, statusOf } from './judge'
import { measure, type MeasureRequest, type Measurement } from './measure'

/** A status with the measurements behind each requirement, in the same order. */
export interface EvaluatedStatus extends PolicyStatus {
  measurements: Measurement[]
}

export interface EvaluatedApplication extends Omit<Governed, 'policies'> {
  statuses: EvaluatedStatus[]
  /** Webhook per policy, for alerts. */
  webhooks: Map<string, string | null>
}

/** `reasons: 'failures'` leaves passing requirements without words, for bulk runs that store measurements. */
export async function evaluateAt(db: Db, at: string, applicationIds?: readonly string[], reasons: 'all' | 'failures' = 'all'): Promise<EvaluatedApplication[]> {
  const governed = await governedAt(db, at, applicationIds)
  const requests: MeasureRequest[] = []
  for (const app of governed) {
    for (const policy of app.policies) {
      for (const requirement of policy.requirements) requests.push({ applicationId: app.id, metric: requirement.metric, windowHours: requirement.window_hours })
    }
  }
  const atMs = Date.parse(at)
  const [measurements, missing] = await Promise.all([measure(db, atMs, requests, applicationIds), missingRulesAt(db, at, governed.map((app) => app.id))])

  return governed.map((app) => {
    const webhooks = new Map<string, string | null>()
    const statuses = app.policies.map((policy): EvaluatedStatus => {
      webhooks.set(policy.policyId, policy.webhook)
      const measured = policy.requirements.map((requirement) => measurements.get(app.id, requirement.metric, requirement.window_hours)!)
      const missingHere = missing.get(app.id)
      const results = policy.requirements.map((requirement, index) =>
        judgeRequirement(requirement, measured[index]!, policy, missingHere?.has(`${policy.policyId}|${requirement.metric}`) ?? false, reasons),
      )
      return {
        application_id: app.id,
        application_name: app.name,
        policy_id: policy.policyId,
        policy_name: policy.name,
        policy_version: policy.version,
        // Attestation sign-offs are not tracked yet, so none can be overdue.
        status: statusOf(results, false),
        enforcement_starts_at: policy.enforcementStartsAt,
        in_grace_period: at < policy.enforcementStartsAt,
        evaluated_at: at,
        requirements: results,
        measurements: measured,
      }
    })
    const { policies: _policies, ...facts } = app
    return { ...facts, statuses, webhooks }
  })
}

/** Per application, `policy|requirement` of every missing-rule gap open at `at`. */
async function missingRulesAt(db: Db, at: string, applicationIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>()
  for (const slice of chunks(applicationIds, 5000)) {
    const rows = await db
      .selectFrom('gaps')
      .select(['application_id', 'policy_id', 'requirement'])
      .where('kind', '=', 'missing_rule')
      .where('application_id', 'in', slice)
      .where('opened_at', '<=', at)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', at)]))
      .execute()
    for (const row of rows) {
      const own = out.get(row.application_id)
      if (own) own.add(`${row.policy_id}|${row.requirement}`)
      else out.set(row.application_id, new Set([`${row.policy_id}|${row.requirement}`]))
    }
  }
  return out
}
