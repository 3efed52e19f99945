/**
 * What the property-based tests of the contract found, kept as plain tests so each stays fixed
 * however the generated inputs change. (Findings about monitoring data sit in
 * engine/metrics/clean-data.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { asOwner } from '../testing/workspace'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { dispatch } from './dispatch'

const fixture = freshEngineForEachTest('fuzz-findings', '2026-03-01T10:30:00.000Z')
const send = (procedure: string, input: unknown) => dispatch(fixture.engine, procedure, input, asOwner, () => undefined)

describe('found by fuzzing the contract', () => {
  it('refuses an as_of whose offset carries it past year 9999 in UTC, rather than failing or reading it as the past', async () => {
    await send('applications.create', { id: 'app_a', name: 'Assistant' })
    for (const [procedure, input] of [
      ['compliance.overview', {}],
      ['compliance.application', { id: 'app_a' }],
      ['compliance.organization', {}],
      ['gaps.list', {}],
      ['compliance.trend', {}],
    ] as const) {
      for (const as_of of ['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+01:00']) {
        expect(await send(procedure, { ...input, as_of }), `${procedure} ${as_of}`).toMatchObject({
          ok: false,
          error: { error: 'invalid_input', field: 'as_of', message: 'as_of: must fall between the years 0000 and 9999 in UTC' },
        })
      }
    }
  })

  it('refuses lists longer than one SQL statement can carry, naming the field, rather than failing', async () => {
    const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}_${index}`)
    const cases: Array<[string, object, string]> = [
      ['policies.create', { name: 'Everyone', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: { application_ids: ids('app', 40_000) } }, 'scope.application_ids'],
      ['policies.create', { name: 'Tagged', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: { tags: ids('t', 40_000) } }, 'scope.tags'],
      ['groups.create', { name: 'Everyone', member_ids: ids('usr', 40_000) }, 'member_ids'],
      ['users.create', { name: 'Joiner', group_ids: ids('grp', 40_000) }, 'group_ids'],
      ['attestationRules.create', { name: 'Sign-off', frequency: 'monthly', reviewers: ids('usr', 101).map((id) => ({ type: 'user', id })) }, 'reviewers'],
    ]
    for (const [procedure, input, field] of cases) {
      expect(await send(procedure, input), procedure).toMatchObject({ ok: false, error: { error: 'invalid_input', field } })
    }
  })

  it('names an unknown field whose name is empty', async () => {
    expect(await send('users.list', { '': false })).toMatchObject({
      ok: false,
      error: { error: 'invalid_input', field: '""', message: '"" (an empty name) is not a field of this request' },
    })
  })
})
