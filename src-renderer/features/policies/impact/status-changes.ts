/**
 * Statuses in an impact preview, read honestly: an application outside the policy is "Not
 * covered"; one the policy covers but the engine did not judge is "Not evaluated", never "Not
 * covered"; and the summary counts every application whose status moves, by where it moves.
 */
import { STATUS_LABELS, type ComplianceStatus, type ImpactEntry } from '../../../../src-shared/domain/compliance'

export type StatusWord = ComplianceStatus | 'not_covered' | 'not_evaluated'

export const NOT_COVERED = 'Not covered'
export const NOT_EVALUATED = 'Not evaluated'

export function statusBefore(entry: ImpactEntry): StatusWord {
  if (entry.status_before) return entry.status_before
  return entry.coverage === 'added' || entry.coverage === 'unchanged' ? 'not_covered' : 'not_evaluated'
}

export function statusAfter(entry: ImpactEntry): StatusWord {
  if (entry.status_after) return entry.status_after
  return entry.coverage === 'removed' || entry.coverage === 'unchanged' ? 'not_covered' : 'not_evaluated'
}

export function statusWordLabel(word: StatusWord): string {
  if (word === 'not_covered') return NOT_COVERED
  if (word === 'not_evaluated') return NOT_EVALUATED
  return STATUS_LABELS[word]
}

export interface StatusChange {
  from: StatusWord
  to: StatusWord
  applications: number
}

/** Each distinct move ("Not covered → Pending") with how many applications make it, largest first. */
export function statusChanges(entries: readonly ImpactEntry[]): StatusChange[] {
  const counts = new Map<string, StatusChange>()
  for (const entry of entries) {
    const from = statusBefore(entry)
    const to = statusAfter(entry)
    if (from === to) continue
    const key = `${from}>${to}`
    const change = counts.get(key) ?? { from, to, applications: 0 }
    change.applications++
    counts.set(key, change)
  }
  return [...counts.values()].sort((a, b) => b.applications - a.applications)
}
