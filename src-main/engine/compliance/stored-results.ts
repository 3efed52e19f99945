/**
 * How a stored status keeps its requirements: per requirement, its outcome and measurement (and
 * the exception holding for it), with the policy's sign-off standing. The words and the
 * requirement's terms are rebuilt on reading from the policy version, so a full evaluation writes
 * a few bytes per requirement rather than paragraphs.
 */
import type { PolicyStatus, RequirementOutcome, RequirementResult } from '../../../src-shared/domain/compliance'
import type { Requirement } from '../../../src-shared/domain/policy'
import type { AttestationStanding, ExceptionHeld } from '../attestations/standing'
import type { Judged } from './evaluate'
import { judgeRequirement, type PolicyRef } from './judge'
import { windowStartOf } from './measure'

type CompactResult = [outcome: RequirementOutcome, value: number | null, volume: number, last: number | null, prior: number | null, exception?: ExceptionHeld]

/** As stored since attestations: the requirements, and the standing when the policy asks for sign-off. Before, the array alone. */
interface Stored {
  r: CompactResult[]
  a?: Pick<AttestationStanding, 'overdueSince' | 'nonCompliant'>
}

/** A judged status's requirements, as stored. */
export function encodeResults(judged: Judged): string {
  const compact = judged.outcomes.map((outcome, index): CompactResult => {
    const m = judged.measurements[index]!
    const exception = judged.exceptions[index]
    const result: CompactResult = [outcome, m.value, m.volume, m.last ?? null, m.prior ?? null]
    if (exception) result.push(exception)
    return result
  })
  const stored: Stored = { r: compact }
  if (judged.attestation) stored.a = { overdueSince: judged.attestation.overdueSince, nonCompliant: judged.attestation.nonCompliant }
  return JSON.stringify(stored)
}

function parse(json: string): Stored {
  const value = JSON.parse(json) as Stored | CompactResult[]
  return Array.isArray(value) ? { r: value } : value
}

/** Each requirement's outcome alone, in the policy's order, without putting anything in words. */
export function storedOutcomes(json: string): RequirementOutcome[] {
  return parse(json).r.map(([outcome]) => outcome)
}

/** Stored requirements in words again, under the policy version they were judged by, with the sign-off standing. */
export function decodeResults(json: string, requirements: readonly Requirement[], policy: PolicyRef, evaluatedAt: string): Pick<PolicyStatus, 'requirements' | 'attestation'> {
  const stored = parse(json)
  const atMs = Date.parse(evaluatedAt)
  const results = requirements.map((requirement, index): RequirementResult => {
    const [outcome, value, volume, last, prior, exception] = stored.r[index]!
    const measurement = { value, volume, last: last ?? undefined, prior: prior ?? undefined, windowStart: windowStartOf(requirement.metric, requirement.window_hours, atMs), windowEnd: evaluatedAt }
    return judgeRequirement(requirement, measurement, policy, outcome === 'missing_rule', outcome === 'excepted' || exception ? (exception ?? null) : null)
  })
  return { requirements: results, attestation: stored.a ? { overdue_since: stored.a.overdueSince, attested_non_compliant: stored.a.nonCompliant } : null }
}
