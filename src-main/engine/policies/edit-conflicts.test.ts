/**
 * Two people editing one policy: an edit made on a version the policy has since moved past is
 * refused with both versions to choose from, never applied over changes its author did not see.
 */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src-shared/api/errors'
import { caller } from '../../testing/workspace'
import { freshEngineForEachTest } from '../../testing/fresh-engine'

const fixture = freshEngineForEachTest('edit-conflicts')

async function twoEditors() {
  const ana = await fixture.call('users.create', { name: 'Ana Admin', role: 'governance_manager' })
  const call = fixture.call
  const asAna = caller(fixture.engine, { actor: { id: ana.id, name: ana.name, role: 'governance_manager' } })
  const policy = await call('policies.create', { name: 'Customer data', alert_rules: [{ metric: 'pii', operator: '>', threshold: 2, severity: 'critical' }], scope: { apply_to_all: true } })
  return { call, asAna, policy }
}

describe('a stale policy edit', () => {
  it('is refused with 409 and both versions: what others changed since, and what the edit would change now', async () => {
    const { call, asAna, policy } = await twoEditors()
    // Ana saves first, on version 1.
    await asAna('policies.update', { id: policy.id, base_version: 1, name: 'Customer data (EU)', scope: { apply_to_all: false, tags: ['eu'], application_ids: [] } })
    // The owner's edit, also made on version 1, arrives second.
    const refused = await call('policies.update', { id: policy.id, base_version: 1, alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }] }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ApiError)
    const error = refused as ApiError
    expect(error.code).toBe('conflict')
    expect(error.field).toBe('base_version')
    expect(error.message).toContain('Ana Admin changed policy Customer data (EU) (to version 2')
    expect(error.conflict).toMatchObject({
      kind: 'policy',
      policy_id: policy.id,
      base: { version: 1, definition: { name: 'Customer data', scope: { apply_to_all: true } } },
      current: { version: 2, actor: { name: 'Ana Admin' }, definition: { name: 'Customer data (EU)' } },
    })
    const conflict = error.conflict
    if (conflict?.kind !== 'policy') throw new Error('expected a policy’s conflict')
    expect(conflict.their_changes.map((change) => change.path)).toEqual(['name', 'scope.apply_to_all', 'scope.tags'])
    expect(conflict.your_changes).toEqual([{ path: 'alert_rules.pii.threshold', before: 2, after: 1 }])
    // Nothing was written: still Ana's version 2, with its threshold of 2.
    const now = await call('policies.get', { id: policy.id })
    expect(now).toMatchObject({ version: 2, name: 'Customer data (EU)', alert_rules: [{ threshold: 2 }] })
    expect((await call('policies.versions', { id: policy.id })).versions).toHaveLength(2)
  })

  it('applies once made on the version now, keeping what others changed that it does not touch', async () => {
    const { call, asAna, policy } = await twoEditors()
    await asAna('policies.update', { id: policy.id, base_version: 1, name: 'Customer data (EU)' })
    await expect(call('policies.update', { id: policy.id, base_version: 1, description: 'PII under 1%' })).rejects.toMatchObject({ code: 'conflict' })
    const applied = await call('policies.update', { id: policy.id, base_version: 2, description: 'PII under 1%' })
    expect(applied).toMatchObject({ version: 3, name: 'Customer data (EU)', description: 'PII under 1%' })
  })

  it('is not checked without a base version (scripts that mean to overwrite), and a version that never was is refused', async () => {
    const { call, asAna, policy } = await twoEditors()
    await asAna('policies.update', { id: policy.id, name: 'Renamed' })
    expect(await call('policies.update', { id: policy.id, description: 'Whatever the version' })).toMatchObject({ version: 3 })
    await expect(call('policies.update', { id: policy.id, base_version: 9, description: 'x' })).rejects.toMatchObject({ code: 'invalid_input', field: 'base_version' })
  })

  it('is refused in a dry run too, so a preview never shows an edit that could not be saved', async () => {
    const { call, asAna, policy } = await twoEditors()
    await asAna('policies.update', { id: policy.id, name: 'Renamed' })
    await expect(call('policies.update', { id: policy.id, base_version: 1, description: 'x', dry_run: true })).rejects.toMatchObject({ code: 'conflict' })
  })
})
