import { describe, expect, it } from 'vitest'
import type { RecordConflict } from '../../../src-shared/domain/conflicts'
import { recordConflictRows, recordConflictStory, recordConflictTitle } from './record-conflict-wording'

const teamEdit: RecordConflict = {
  kind: 'application',
  record_id: 'app_claims',
  record_name: 'Claims Bot',
  change: 'edit',
  base_version: 1,
  current: { version: 2, changed_at: '2026-03-02T09:30:00.000Z', changed_by: { id: 'usr_ana', name: 'Ana Ortiz' }, fields: { name: 'Claims Bot', tags: ['governed'], team: 'Payments', environment: null, retired_at: null } },
  your_changes: [{ path: 'team', before: 'Payments', after: 'Claims' }],
}

describe('a stale edit of a record in words', () => {
  it('shows every field as the server holds it, and the edit’s value where it sets one', () => {
    expect(recordConflictRows(teamEdit)).toEqual([
      { field: 'name', label: 'Name', theirs: 'Claims Bot', yours: undefined },
      { field: 'tags', label: 'Tags', theirs: 'governed', yours: undefined },
      { field: 'team', label: 'Team', theirs: 'Payments', yours: 'Claims' },
      { field: 'environment', label: 'Environment', theirs: '—', yours: undefined },
      { field: 'retired_at', label: 'Retired since', theirs: '—', yours: undefined },
    ])
  })

  it('names people and groups rather than numbering them, and says yes or no', () => {
    const personEdit: RecordConflict = {
      ...teamEdit,
      kind: 'person',
      record_id: 'usr_ben',
      record_name: 'Ben Okafor',
      current: { ...teamEdit.current, changed_by: null, fields: { group_ids: ['grp_risk'], active: true } },
      your_changes: [{ path: 'group_ids', before: ['grp_risk'], after: [] }],
    }
    expect(recordConflictRows(personEdit, new Map([['grp_risk', 'Risk Committee']]))).toEqual([
      { field: 'group_ids', label: 'Groups', theirs: 'Risk Committee', yours: '—' },
      { field: 'active', label: 'Active', theirs: 'yes', yours: undefined },
    ])
    expect(recordConflictTitle(personEdit)).toBe('Someone changed this person on the server meanwhile')
  })

  it('tells who saved the version now, and what was done here on which version', () => {
    expect(recordConflictTitle(teamEdit)).toBe('Ana Ortiz changed this application on the server meanwhile')
    expect(recordConflictStory({ ...teamEdit, kind: 'rule', record_name: 'PII rate on Claims Bot', change: 'delete', your_changes: [] }, '2026-03-02T09:10:00.000Z', (iso) => iso.slice(11, 16))).toBe(
      'You deleted alert rule PII rate on Claims Bot at 09:10, on version 1. The server has version 2, saved by Ana Ortiz at 09:30. Your change is kept on this computer until you choose.',
    )
  })
})
