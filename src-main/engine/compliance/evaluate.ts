/**
 * Evaluating applications at a moment: the policies that governed them then, each requirement
 * measured over its window ending then, missing rules as they stood then. Pure reading; the
 * evaluator decides what to store.
 */
import type { ComplianceStatus, PolicyStatus, RequirementOutcome } from '../../../src-shared/domain/compliance'
import type { Requirement } from '../../../src-shared/domain/policy'
import { chunks } from '../batch'
import type { Db } from '../db/schema'
import { governedAt, type Governed, type GoverningPolicy } from './governing'
import { judgeRequirement, outcomeOf, statusOf } from './judge'
import { measure, type Measurement } from './measure'

/**
 * An application's standing under one policy: each requirement's outcome and the measurement
 * behind it, in the policy's order. Words are not part of it: a full evaluation judges tens of
 * thousands of requirements and stores outcomes; readers put them in words (`describeStatus`).
 */
export interface Judged {
  policy: GoverningPolicy
  status: ComplianceStatus
  inGracePeriod: boolean
  outcomes: RequirementOutcome[]
  measurements: Measurement[]
}

export interface EvaluatedApplication extends Omit<Governed, 'policies'> {
  judged: Judged[]
}

export async function evaluateAt(db: Db, at: string, applicationIds?: readonly string[]): Promise<EvaluatedApplication[]> {
  const governed = await governedAt(db, at, applicationIds)
  // Applications share their policies' definitions: the windows to measure are theirs.
  const definitions = new Set<readonly Requirement[]>()
  for (const app of governed) for (const policy of app.policies) definitions.add(policy.requirements)
  const windows = [...definitions].flatMap((requirements) => requirements.map((rule) => ({ metric: rule.metric, windowHours: rule.window_hours })))
  const measurements = measure(db, Date.parse(at), windows, applicationIds)
  const missing = await missingRulesAt(db, at, governed.map((app) => app.id))

  return governed.map(({ policies, ...app }) => {
    const missingHere = missing.get(app.id)
    const judged = policies.map((policy): Judged => {
      const rules = policy.requirements
      const measured = new Array<Measurement>(rules.length)
      const outcomes = new Array<RequirementOutcome>(rules.length)
      for (let index = 0; index < rules.length; index++) {
        const rule = rules[index]!
        const m = (measured[index] = measurements.get(app.id, rule.metric, rule.window_hours))
        outcomes[index] = outcomeOf(rule, m, missingHere?.has(`${policy.policyId}|${rule.metric}`) ?? false)
      }
      // Attestation sign-offs are not tracked yet, so none can be overdue.
      return { policy, status: statusOf(outcomes, rules, false), inGracePeriod: at < policy.enforcementStartsAt, outcomes, measurements: measured }
    })
    return { ...app, judged }
  })
}

/** A judged status as the API and console show it, every requirement in words. */
export function describeStatus(app: { id: string; name: string }, judged: Judged, at: string): PolicyStatus {
  const { policy } = judged
  return {
    application_id: app.id,
    application_name: app.name,
    policy_id: policy.policyId,
    policy_name: policy.name,
    policy_version: policy.version,
    status: judged.status,
    enforcement_starts_at: policy.enforcementStartsAt,
    in_grace_period: judged.inGracePeriod,
    evaluated_at: at,
    requirements: policy.requirements.map((rule, index) => judgeRequirement(rule, judged.measurements[index]!, policy, judged.outcomes[index] === 'missing_rule')),
  }
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
