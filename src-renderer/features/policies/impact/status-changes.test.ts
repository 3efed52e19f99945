import { describe, expect, it } from 'vitest'
import type { ImpactEntry } from '../../../../src-shared/domain/compliance'
import { statusAfter, statusBefore, statusChanges } from './status-changes'

function entry(coverage: ImpactEntry['coverage'], status_before: ImpactEntry['status_before'], status_after: ImpactEntry['status_after']): ImpactEntry {
  return { application_id: 'app_1', application_name: 'One', coverage, rules_added: [], rules_changed: [], rules_removed: [], status_before, status_after, failing_after: [] }
}

describe('statuses in an impact preview', () => {
  it('reads a newly covered application as going from Not covered to its new status', () => {
    const added = entry('added', null, 'pending')
    expect([statusBefore(added), statusAfter(added)]).toEqual(['not_covered', 'pending'])
  })

  it('never calls a covered application without a status "Not covered"', () => {
    expect(statusAfter(entry('added', null, null))).toBe('not_evaluated')
    expect(statusAfter(entry('kept', 'compliant', null))).toBe('not_evaluated')
    expect(statusAfter(entry('removed', 'compliant', null))).toBe('not_covered')
  })

  it('counts each move once per application, largest first, and leaves out applications that keep their status', () => {
    const changes = statusChanges([
      entry('added', null, 'pending'),
      entry('added', null, 'pending'),
      entry('kept', 'compliant', 'non_compliant'),
      entry('kept', 'compliant', 'compliant'),
      entry('removed', 'warning', null),
    ])
    expect(changes).toEqual([
      { from: 'not_covered', to: 'pending', applications: 2 },
      { from: 'compliant', to: 'non_compliant', applications: 1 },
      { from: 'warning', to: 'not_covered', applications: 1 },
    ])
  })
})
