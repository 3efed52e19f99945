import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine/engine'
import { asOwner, openTestEngine, tempFolder } from '../testing/workspace'
import { dispatch } from './dispatch'

const folder = tempFolder()
let engine: Engine
beforeAll(async () => {
  engine = (await openTestEngine(folder.path('dispatch.sqlite'))).engine
})
afterAll(async () => {
  await engine.close()
  folder.remove()
})

const quiet = () => undefined

describe('dispatch', () => {
  it('runs a procedure with parsed input and returns its output', async () => {
    const result = await dispatch(engine, 'applications.create', { name: 'Bot', tags: ['A'] }, asOwner, quiet)
    expect(result).toMatchObject({ ok: true, value: { name: 'Bot', tags: ['a'] } })
  })

  it('names the field at fault when the input fails its schema, and changes nothing', async () => {
    const before = await dispatch(engine, 'applications.list', {}, asOwner, quiet)
    const result = await dispatch(engine, 'applications.create', { name: 'Bot', tags: 'not-a-list' }, asOwner, quiet)
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ error: 'invalid_input', field: 'tags', message: expect.stringContaining('tags') }),
    })
    expect(await dispatch(engine, 'applications.list', {}, asOwner, quiet)).toEqual(before)
  })

  it('names an unknown field rather than silently dropping it', async () => {
    const result = await dispatch(engine, 'applications.create', { name: 'Bot', enviroment: 'prod' }, asOwner, quiet)
    expect(result).toMatchObject({ ok: false, error: { error: 'invalid_input', field: 'enviroment', message: 'enviroment is not a field of this request' } })
  })

  it('refuses unknown procedures, including names from the prototype chain', async () => {
    for (const name of ['applications.drop', 'toString', '__proto__', 42]) {
      expect(await dispatch(engine, name, {}, asOwner, quiet)).toMatchObject({ ok: false, error: { error: 'unknown_procedure' } })
    }
  })

  it('lets read-only roles read but not write', async () => {
    const auditor = { actor: { id: 'tok_a', name: 'Auditor', role: 'auditor' as const } }
    expect(await dispatch(engine, 'applications.list', {}, auditor, quiet)).toMatchObject({ ok: true })
    expect(await dispatch(engine, 'applications.create', { name: 'Sneaky' }, auditor, quiet)).toMatchObject({
      ok: false,
      error: { error: 'forbidden' },
    })
  })

  it('turns an unexpected failure into a plain message, never a stack trace', async () => {
    const logged: unknown[] = []
    const broken = { ...engine, handlers: { ...engine.handlers, 'applications.list': async () => { throw new Error('disk on fire at /secret/path') } } }
    const result = await dispatch(broken, 'applications.list', {}, asOwner, (_m, e) => logged.push(e))
    expect(result).toEqual({ ok: false, error: { error: 'internal', message: expect.not.stringContaining('secret') } })
    expect(logged).toHaveLength(1)
  })
})
