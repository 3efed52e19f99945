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
import { measure, measurementKey, type MeasureRequest } from './measure'

export interface EvaluatedApplication extends Omit<Governed, 'policies'> {
  statuses: PolicyStatus[]
  /** Webhook per policy, for alerts. */
  webhooks: Map<string, string | null>
}

export async function evaluateAt(db: Db, at: string, applicationIds?: readonly string[]): Promise<EvaluatedApplication[]> {
  const governed = await governedAt(db, at, applicationIds)
  const requests: MeasureRequest[] = []
  for (const app of governed) {
    for (const policy of app.policies) {
      for (const requirement of policy.requirements) requests.push({ applicationId: app.id, metric: requirement.metric, windowHours: requirement.window_hours })
    }
  }
  const atMs = Date.parse(at)
  const [measurements, missing] = await Promise.all([measure(db, atMs, requests), missingRulesAt(db, at, governed.map((app) => app.id))])

  return governed.map((app) => {
    const webhooks = new Map<string, string | null>()
    const statuses = app.policies.map((policy): PolicyStatus => {
      webhooks.set(policy.policyId, policy.webhook)
      const results = policy.requirements.map((requirement) =>
        judgeRequirement(
          requirement,
          measurements.get(measurementKey(app.id, requirement.metric, requirement.window_hours))!,
          policy,
          missing.has(`${app.id}|${policy.policyId}|${requirement.metric}`),
        ),
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
      }
    })
    const { policies: _policies, ...facts } = app
    return { ...facts, statuses, webhooks }
  })
}

/** `app|policy|requirement` of every missing-rule gap open at `at`. */
async function missingRulesAt(db: Db, at: string, applicationIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (const slice of chunks(applicationIds, 5000)) {
    const rows = await db
      .selectFrom('gaps')
      .select(['application_id', 'policy_id', 'requirement'])
      .where('kind', '=', 'missing_rule')
      .where('application_id', 'in', slice)
      .where('opened_at', '<=', at)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', at)]))
      .execute()
    for (const row of rows) out.add(`${row.application_id}|${row.policy_id}|${row.requirement}`)
  }
  return out
}
