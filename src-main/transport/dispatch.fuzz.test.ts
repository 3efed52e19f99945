/**
 * Property-based tests of every procedure of the contract, through dispatch, on a real engine and
 * workspace file: whatever a caller sends, the answer is never an internal error, a refusal of
 * invalid input names a field the caller sent (or one they had to), and a refused change leaves
 * every row of the workspace as it was.
 *
 * FUZZ_RUNS sets the inputs per procedure (default 100, about 15 s in all). FUZZ_SEED fixes the
 * seed (default 20260301, so CI is repeatable); FUZZ_SEED=random explores anew. A failure prints
 * the seed, the path to replay it and the smallest counterexample found.
 */
import * as fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { contract, type ProcedureName } from '../../src-shared/api/contract'
import { contractExamples } from '../../src-shared/api/contract-examples'
import type { ApiErrorBody } from '../../src-shared/api/errors'
import { asOwner } from '../testing/workspace'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { namesResolveNowhere } from '../testing/offline-resolver'
import { createExampleWorld } from '../testing/example-world'
import { edgeValue, fieldKey, inferenceFiles, mutationsOf } from '../testing/fuzz-inputs'
import { ENGINE_TESTS_ON_POSTGRES } from '../testing/engine-database'
import { workspaceDigestOf } from '../testing/workspace-digest'
import { dispatch } from './dispatch'

// On PostgreSQL each refused change is checked by reading every table over the network: the
// same seed's first 20 inputs there, the full 100 on a SQLite file.
const RUNS = Number(process.env.FUZZ_RUNS ?? (ENGINE_TESTS_ON_POSTGRES ? 20 : 100))
const SEED = process.env.FUZZ_SEED === 'random' ? undefined : Number(process.env.FUZZ_SEED ?? 20260301)

// No test reaches the network: policies' webhooks name hosts that resolve nowhere here, so their
// gap alerts are never sent, and the server sync.connect names is answered here.
const fixture = freshEngineForEachTest('fuzz', '2026-03-01T10:30:00.000Z', { webhookResolver: namesResolveNowhere })
beforeAll(() => vi.stubGlobal('fetch', async () => new Response(null, { status: 204 })))
afterAll(() => vi.unstubAllGlobals())

/** The fields a procedure's input schema declares. */
function declaredFields(name: ProcedureName): string[] {
  const input = contract[name].input as unknown as { shape?: Record<string, unknown> }
  return input.shape ? Object.keys(input.shape) : []
}

/**
 * True when `field` names something in `input`, or a field missing from it that the caller had to
 * send: every segment but the last must be there, and a missing top-level one must be declared.
 * Field names may themselves hold dots, so each way of reading the path is tried.
 */
function isAccountedFor(input: unknown, segments: readonly string[], declared: readonly string[], depth = 0): boolean {
  if (segments.length === 0) return true
  for (let take = segments.length; take >= 1; take--) {
    const written = segments.slice(0, take).join('.')
    const key = written === '""' ? '' : written
    if (typeof input === 'object' && input !== null && Object.hasOwn(input, key)) {
      if (isAccountedFor((input as Record<string, unknown>)[key], segments.slice(take), declared, depth + 1)) return true
    }
  }
  return segments.length === 1 && (depth > 0 || declared.includes(segments[0]!))
}

/** Per-inference files name the line of the content at fault, not a field of the input. */
const namesAFileLine = (name: ProcedureName, field: string) => name.startsWith('inferences.') && /^line \d+(\.|$)/.test(field)

const FILE_FIELDS = ['content', 'text']

function withSalt(example: object, salt: number): object {
  const fields = example as Record<string, unknown>
  const salted: Record<string, unknown> = { ...fields }
  if (typeof fields.name === 'string') salted.name = `${fields.name} ${salt}`
  if (typeof fields.email === 'string') salted.email = `${salt}.${fields.email}`
  if (typeof fields.batch_id === 'string') salted.batch_id = `${fields.batch_id}-${salt}`
  return salted
}

/** Nothing left running in the background: evaluations, deliveries, and reports an earlier input started, which record what they made when done. */
async function settled(): Promise<void> {
  await fixture.evaluator.drain()
  await fixture.notifier.idle()
  await fixture.reports.idle()
}

function checkRefusal(name: ProcedureName, input: unknown, error: ApiErrorBody, logged: unknown[]): void {
  expect(error.error, `internal error, logged: ${logged.map(String).join('; ')}`).not.toBe('internal')
  if (error.error !== 'invalid_input') return
  // Input that is not an object of fields at all has no field to name.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return
  expect(error.field, `invalid_input without a field: ${error.message}`).toBeTruthy()
  const field = error.field!
  const accounted = namesAFileLine(name, field) || isAccountedFor(input, field.split('.'), declaredFields(name))
  expect(accounted, `the field ${JSON.stringify(field)} is neither in the input nor one it had to send (${error.message})`).toBe(true)
}

describe.each(Object.keys(contract) as ProcedureName[])('%s, whatever it is sent', (name) => {
  it('never fails internally, names the field it refuses, and a refused change writes nothing', async () => {
    const world = await createExampleWorld(fixture.call, fixture.clock)
    const example = contractExamples(world)[name] as object
    const worldStrings = [world.applicationId, world.policyId, world.groupId, world.userId, world.alertRuleId, world.attestationRuleId, world.ruleId, world.importId, world.recent]
    const known = [...new Set([...declaredFields(name), ...Object.keys(example)])]
    const anyValue = edgeValue(worldStrings)
    const now = fixture.clock.now().getTime()
    // Each run's names, email and batch id made its own, so creates do not all clash with the first.
    const salted = fc.nat({ max: 999_999 }).map((salt) => withSalt(example, salt))
    const inputs = fc.oneof(
      { weight: 6, arbitrary: salted.chain((base) => mutationsOf(base, worldStrings, known, now)) },
      { weight: 1, arbitrary: salted },
      // Files of per-inference events in the procedures that take one.
      ...FILE_FIELDS.filter((field) => field in example).map((field) => ({
        weight: 4,
        arbitrary: fc.tuple(salted, inferenceFiles(now)).map(([base, file]) => ({ ...base, [field]: file })),
      })),
      { weight: 2, arbitrary: fc.dictionary(fieldKey(known), anyValue, { maxKeys: 5 }) },
      { weight: 1, arbitrary: anyValue },
    )
    const writes = contract[name].access !== 'read'

    await fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        await settled()
        const before = writes ? await workspaceDigestOf(fixture.engine.path) : ''
        const logged: unknown[] = []
        const result = await dispatch(fixture.engine, name, input, asOwner, (_message, error) => logged.push(error))
        if (result.ok) return
        checkRefusal(name, input, result.error, logged)
        if (writes) {
          await settled()
          expect(await workspaceDigestOf(fixture.engine.path), `a refused ${name} changed the workspace: ${result.error.message}`).toBe(before)
        }
      }),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    )
  }, Math.max(20_000, RUNS * 250))
})
