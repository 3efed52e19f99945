import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { HTTP_STATUS } from '../../src-shared/api/errors'
import { withRawWorkspace } from '../testing/engine-database'
import { asOwner } from '../testing/workspace'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { dispatch } from './dispatch'

const fixture = freshEngineForEachTest('dispatch-clean-input', '2026-03-01T10:30:00.000Z')
const quiet = () => undefined
const send = (procedure: string, input: unknown) => dispatch(fixture.engine, procedure, input, asOwner, quiet)

describe('text that is not valid Unicode', () => {
  it('refuses a lone surrogate in a name every time, naming the field, and stores nothing', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await send('groups.create', { name: '\ud800' })).toEqual({
        ok: false,
        error: {
          error: 'invalid_input',
          field: 'name',
          message: 'name contains a lone UTF-16 surrogate (half of a character); send valid Unicode text',
          issues: [{ field: 'name', message: expect.any(String) }],
        },
      })
    }
    expect(await send('groups.list', {})).toEqual({ ok: true, value: { groups: [] } })
  })

  it('names the field of a lone surrogate however deep it is, in any procedure', async () => {
    await send('applications.create', { id: 'app_a', name: 'Assistant' })
    const cases: Array<[string, object, string]> = [
      ['policies.create', { name: 'Watch', alert_rules: [{ alert_rule_id: 'ar_pii' }], scope: { tags: ['ok', 'a\udc00b'] } }, 'scope.tags.1'],
      ['metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: '2026-03-01T09:00:00Z', count: 1, id: 'x\ud83d' }] }, 'observations.0.id'],
      ['inferences.import', { id: 'app_a', format: 'jsonl', content: '{"timestamp": "2026-03-01T09:00:00Z", "note": "\ud800"}' }, 'content'],
      ['applications.list', { search: '\udfff' }, 'search'],
    ]
    for (const [procedure, input, field] of cases) {
      expect(await send(procedure, input), procedure).toMatchObject({ ok: false, error: { error: 'invalid_input', field } })
    }
  })

  it('refuses a lone surrogate in a field name, naming that field', async () => {
    const result = await send('applications.create', { name: 'Bot', 'team\ud800': 'x' })
    expect(result).toMatchObject({ ok: false, error: { error: 'invalid_input', field: 'team\ud800', message: expect.stringContaining('the field name contains a lone UTF-16 surrogate') } })
  })

  it('refuses the NUL character, which text cannot hold, naming the field', async () => {
    const result = await send('applications.create', { name: 'Bot\u0000', team: 'x' })
    expect(result).toMatchObject({ ok: false, error: { error: 'invalid_input', field: 'name', message: expect.stringContaining('name contains a NUL character (U+0000)') } })
  })

  it('takes characters outside the Basic Multilingual Plane, whose surrogates come in pairs', async () => {
    expect(await send('groups.create', { name: '🤖 Bots 𝔊' })).toMatchObject({ ok: true, value: { name: '🤖 Bots 𝔊' } })
  })
})

describe('a uniqueness index that refuses a write', () => {
  it('answers 409 conflict rather than an internal error, and logs it', async () => {
    const logged: unknown[] = []
    // A create that forgot its name check: only the index on lower(name) stands in the way.
    const createUnchecked = async () => {
      const id = await withRawWorkspace(fixture.engine.path, async (db) => {
        const next = `grp_${(await sql<{ n: number }>`SELECT count(*) AS n FROM groups`.execute(db)).rows[0]!.n}`
        await sql`INSERT INTO groups (id, name, created_at, updated_at) VALUES (${next}, 'Twins', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')`.execute(db)
        return next
      })
      return fixture.engine.handlers['groups.get']({ id }, asOwner)
    }
    const slipping = { ...fixture.engine, handlers: { ...fixture.engine.handlers, 'groups.create': createUnchecked } }
    expect(await dispatch(slipping as never, 'groups.create', { name: 'Twins' }, asOwner, quiet)).toMatchObject({ ok: true })
    const result = await dispatch(slipping as never, 'groups.create', { name: 'Twins' }, asOwner, (_message, error) => logged.push(error))
    expect(result).toEqual({ ok: false, error: { error: 'conflict', message: 'A name or id in this request is already taken.' } })
    expect(HTTP_STATUS.conflict).toBe(409)
    expect(logged).toHaveLength(1)
  })
})
