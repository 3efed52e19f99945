/**
 * Evaluating applications at a moment: the policies that governed them then, each requirement
 * measured over its window ending then, missing rules as they stood then. Pure reading; the
 * evaluator decides what to store.
 */
import type { ComplianceStatus, PolicyStatus, RequirementOutcome } from '../../../src-shared/domain/compliance'
import type { Requirement } from '../../../src-shared/domain/policy'
import { exceptionsAt, standingAt, type AttestationStanding, type ExceptionHeld } from '../attestations/standing'
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
  /** Per requirement, the exception holding for it, if any. */
  exceptions: Array<ExceptionHeld | null>
  /** The policy's sign-off at that moment; null when it asks for none and none was given. */
  attestation: AttestationStanding | null
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
  const measurements = await measure(db, Date.parse(at), windows, applicationIds)
  const missing = await missingRulesAt(db, at, governed.map((app) => app.id))
  const policyIds = [...new Set(governed.flatMap((app) => app.policies.map((policy) => policy.policyId)))]
  const [standings, exceptions] = await Promise.all([standingAt(db, at, policyIds), exceptionsAt(db, at, policyIds, applicationIds)])

  return governed.map(({ policies, ...app }) => {
    const missingHere = missing.get(app.id)
    const judged = policies.map((policy): Judged => {
      const rules = policy.requirements
      const measured = new Array<Measurement>(rules.length)
      const outcomes = new Array<RequirementOutcome>(rules.length)
      const excepted = new Array<ExceptionHeld | null>(rules.length)
      for (let index = 0; index < rules.length; index++) {
        const rule = rules[index]!
        const m = (measured[index] = measurements.get(app.id, rule.metric, rule.window_hours))
        const exception = (excepted[index] = exceptions.size ? (exceptions.get(`${app.id}|${policy.policyId}|${rule.metric}`) ?? null) : null)
        outcomes[index] = outcomeOf(rule, m, missingHere?.has(`${policy.policyId}|${rule.metric}`) ?? false, exception)
      }
      const standing = standings.get(policy.policyId) ?? (policy.attestationRuleIds.length ? NOT_DUE : null)
      // A reviewer's word that the policy is not met weighs as a failed critical check.
      const status = standing?.nonCompliant ? 'non_compliant' : statusOf(outcomes, rules, standing?.overdueSince != null)
      return { policy, status, inGracePeriod: at < policy.enforcementStartsAt, outcomes, measurements: measured, exceptions: excepted, attestation: standing }
    })
    return { ...app, judged }
  })
}

const NOT_DUE: AttestationStanding = Object.freeze({ overdueSince: null, overdue: [], nonCompliant: null })

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
    requirements: policy.requirements.map((rule, index) => judgeRequirement(rule, judged.measurements[index]!, policy, judged.outcomes[index] === 'missing_rule', judged.exceptions[index])),
    attestation: judged.attestation && { overdue_since: judged.attestation.overdueSince, attested_non_compliant: judged.attestation.nonCompliant },
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
