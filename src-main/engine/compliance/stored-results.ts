/**
 * How a stored status keeps its requirements: per requirement, its outcome and measurement. The
 * words and the requirement's terms are rebuilt on reading from the policy version, so a full
 * evaluation writes a few bytes per requirement rather than paragraphs.
 */
import type { RequirementOutcome, RequirementResult } from '../../../src-shared/domain/compliance'
import type { Requirement } from '../../../src-shared/domain/policy'
import type { Judged } from './evaluate'
import { judgeRequirement, type PolicyRef } from './judge'
import { windowStartOf } from './measure'

type CompactResult = [outcome: RequirementOutcome, value: number | null, volume: number, last: number | null, prior: number | null]

/** A judged status's requirements, as stored. */
export function encodeResults(judged: Judged): string {
  const compact = judged.outcomes.map((outcome, index): CompactResult => {
    const m = judged.measurements[index]!
    return [outcome, m.value, m.volume, m.last ?? null, m.prior ?? null]
  })
  return JSON.stringify(compact)
}

/** Each requirement's outcome alone, in the policy's order, without putting anything in words. */
export function storedOutcomes(json: string): RequirementOutcome[] {
  return (JSON.parse(json) as CompactResult[]).map(([outcome]) => outcome)
}

/** Stored requirements in words again, under the policy version they were judged by. */
export function decodeResults(json: string, requirements: readonly Requirement[], policy: PolicyRef, evaluatedAt: string): RequirementResult[] {
  const compact = JSON.parse(json) as CompactResult[]
  const atMs = Date.parse(evaluatedAt)
  return requirements.map((requirement, index) => {
    const [outcome, value, volume, last, prior] = compact[index]!
    const measurement = { value, volume, last: last ?? undefined, prior: prior ?? undefined, windowStart: windowStartOf(requirement.metric, requirement.window_hours, atMs), windowEnd: evaluatedAt }
    return judgeRequirement(requirement, measurement, policy, outcome === 'missing_rule')
  })
}
