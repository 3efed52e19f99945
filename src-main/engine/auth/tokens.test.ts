import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'

/**
 * A server answers a token it has checked without looking it up again while the workspace stands
 * still; a change made anywhere, another server process's included, must end that at once.
 */
describe('a checked token, and changes made by another process', () => {
  const folder = tempFolder()
  let serving: TestEngine
  let other: TestEngine
  beforeAll(async () => {
    serving = await openTestEngine(folder.path('tokens.sqlite'))
    // The same workspace opened again, as a second `govern serve` would.
    other = await openTestEngine(folder.path('tokens.sqlite'))
  })
  afterAll(async () => {
    await serving.engine.close()
    await other.engine.close()
    folder.remove()
  })

  const check = async (secret: string) => serving.engine.authenticate(secret, await serving.engine.generation())

  it('refuses a token on the first request after another process revoked it', async () => {
    const { token, secret } = await serving.engine.tokens.create({ name: 'pipeline', role: 'auditor' })
    expect(await check(secret)).toMatchObject({ role: 'auditor' })
    expect(await check(secret)).toMatchObject({ role: 'auditor' })
    await other.engine.tokens.revoke(token.id)
    expect(await check(secret)).toBeUndefined()
  })

  it('refuses a person’s token once another process deactivated them, and follows a change of role', async () => {
    const person = await caller(serving.engine)('users.create', { name: 'Rae Reviewer', role: 'governance_manager' })
    const { secret } = await serving.engine.tokens.create({ name: 'laptop', role: 'governance_manager', user: person.id })
    expect(await check(secret)).toMatchObject({ id: person.id, role: 'governance_manager' })
    await caller(other.engine)('users.update', { id: person.id, role: 'reviewer' })
    expect(await check(secret)).toMatchObject({ id: person.id, role: 'reviewer' })
    await caller(other.engine)('users.deactivate', { id: person.id })
    expect(await check(secret)).toBeUndefined()
  })

  it('knows no token by a secret it never issued, checked or not', async () => {
    expect(await check('gov_not-a-token-anyone-was-given')).toBeUndefined()
    expect(await check('not even the form of one')).toBeUndefined()
  })
})
