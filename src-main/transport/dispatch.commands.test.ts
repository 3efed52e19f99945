/**
 * Every change of the contract sent with a command id (an Idempotency-Key), through dispatch on a
 * real workspace: the answer it gives is the one kept in its change's own transaction, and a
 * retry is answered with it, changing nothing. Calls answered anew keep no key.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { contract, type ProcedureName } from '../../src-shared/api/contract'
import { contractExamples } from '../../src-shared/api/contract-examples'
import { appliedOnce } from '../engine/commands/applied-commands'
import { ENGINE_TESTS_ON_POSTGRES } from '../testing/engine-database'
import { createExampleWorld } from '../testing/example-world'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { namesResolveNowhere } from '../testing/offline-resolver'
import { asOwner } from '../testing/workspace'
import { dispatch } from './dispatch'

// No test reaches the network: the example policy's webhook names a host that resolves nowhere
// here, so its gap alerts are never sent, and the server sync.connect names is answered here.
const fixture = freshEngineForEachTest('commands', '2026-03-01T10:30:00.000Z', { webhookResolver: namesResolveNowhere })
beforeAll(() => vi.stubGlobal('fetch', async () => new Response(null, { status: 204 })))
afterAll(() => vi.unstubAllGlobals())

const KEY = 'change-1'
/** Every call but a read: the changes, and exports, which record that they were made. */
const unlessReads = (Object.keys(contract) as ProcedureName[]).filter((name) => contract[name].access !== 'read')
// Loading the sample takes near a minute on PostgreSQL: it is kept there as on a file, by the same code.
const commands = unlessReads.filter((name) => appliedOnce(name) && !(ENGINE_TESTS_ON_POSTGRES && name === 'workspace.loadSample'))

/**
 * Examples changed to make a change here: a dry run changes nothing, so records no command, and
 * the example world already holds the example person.
 */
const ADJUSTED: Partial<Record<ProcedureName, object>> = {
  'applications.retire': { dry_run: false },
  'users.deactivate': { dry_run: false },
  'policies.update': { dry_run: false },
  'users.create': { email: 'ben@example.com' },
}

async function inputFor(name: ProcedureName): Promise<unknown> {
  // The sample loads into an empty workspace only.
  if (name === 'workspace.loadSample') return {}
  const world = await createExampleWorld(fixture.call, fixture.clock)
  return { ...contractExamples(world)[name], ...ADJUSTED[name] }
}

const keptAnswer = async () =>
  (await fixture.context.db.selectFrom('applied_commands').select(['procedure', 'answer_json']).where('actor_id', '=', asOwner.actor.id).where('id', '=', KEY).executeTakeFirst()) ?? null

describe.each(commands.filter((name) => name !== 'tokens.create'))('%s with an Idempotency-Key', (name) => {
  it('answers what its transaction kept, and a retry the same, changing nothing', async () => {
    const input = await inputFor(name)
    const first = await dispatch(fixture.engine, name, input, { ...asOwner, commandId: KEY })
    if (!first.ok) throw new Error(`the example of ${name} was refused: ${first.error.message}`)
    const kept = await keptAnswer()
    expect(kept?.procedure).toBe(name)
    expect(JSON.parse(kept!.answer_json!)).toEqual(JSON.parse(JSON.stringify(first.value)))

    const auditBefore = await fixture.context.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('events')).executeTakeFirstOrThrow()
    const retry = await dispatch(fixture.engine, name, input, { ...asOwner, commandId: KEY })
    expect(retry).toEqual({ ok: true, value: first.value, replayed: true })
    const auditAfter = await fixture.context.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('events')).executeTakeFirstOrThrow()
    expect(Number(auditAfter.events)).toBe(Number(auditBefore.events))
  })
})

describe('tokens.create with an Idempotency-Key', () => {
  it('keeps the token it answered but never its secret, and refuses a retry, naming the token to revoke', async () => {
    const first = await dispatch(fixture.engine, 'tokens.create', { name: 'deploy bot', role: 'auditor' }, { ...asOwner, commandId: KEY })
    if (!first.ok) throw new Error(first.error.message)
    const { token, secret } = first.value as { token: { id: string }; secret: string }
    expect(secret).toMatch(/^gov_/)
    const kept = (await keptAnswer())!
    expect(kept.answer_json).not.toContain(secret)
    expect(JSON.parse(kept.answer_json!)).toEqual({ token, secret: null })

    const retry = await dispatch(fixture.engine, 'tokens.create', { name: 'deploy bot', role: 'auditor' }, { ...asOwner, commandId: KEY })
    expect(retry).toEqual({ ok: false, error: { error: 'conflict', message: expect.stringContaining(`(${token.id}); its secret is shown only once and was not kept`), field: 'Idempotency-Key' } })
    expect((await fixture.call('tokens.list', {})).tokens.filter((listed) => listed.name === 'deploy bot')).toHaveLength(1)
  })
})

describe.each(unlessReads.filter((name) => !appliedOnce(name)))('%s with an Idempotency-Key', (name) => {
  it('is answered anew each time, its key not kept', async () => {
    const input = await inputFor(name)
    for (let call = 0; call < 2; call++) {
      const result = await dispatch(fixture.engine, name, input, { ...asOwner, commandId: KEY })
      expect(result.ok && result.replayed).toBeFalsy()
    }
    expect(await keptAnswer()).toBeNull()
    await fixture.reports.idle()
  })
})
