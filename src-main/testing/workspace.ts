/** Helpers for tests: real workspace files in a temporary folder, removed after each test file. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Input, Output, ProcedureName } from '../../src-shared/api/contract'
import { ApiError } from '../../src-shared/api/errors'
import type { Actor } from '../../src-shared/domain/common'
import { dispatch } from '../transport/dispatch'
import { ManualClock } from '../engine/clock'
import type { CallContext } from '../engine/context'
import { openEngineParts, type Engine, type EngineOptions, type EngineParts } from '../engine/engine'
import { ENGINE_TESTS_WITH_WORKERS, testWorkspaceLocation } from './engine-database'

export const TEST_OWNER: Actor = { id: 'owner', name: 'Olivia Owner', role: 'org_admin' }
export const asOwner: CallContext = { actor: TEST_OWNER }

export function tempFolder(): { path: (name: string) => string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'govern-test-'))
  return { path: (name) => join(folder, name), remove: () => rmSync(folder, { recursive: true, force: true }) }
}

/** An engine on a real workspace file, with a clock the test moves, and its inner parts in reach. */
export interface TestEngine extends EngineParts {
  clock: ManualClock
}

/** On PostgreSQL when the suite runs there (engine-database.ts): `file` then names a database of the test's own. */
export async function openTestEngine(file: string, start = '2026-01-15T09:00:00.000Z', options: EngineOptions = {}): Promise<TestEngine> {
  const clock = new ManualClock(start)
  return { ...(await openEngineParts(await testWorkspaceLocation(file), { evaluateInWorker: ENGINE_TESTS_WITH_WORKERS, ...options, clock })), clock }
}

/** A desktop's engine: always on its SQLite file, whichever database the server's tests run on. */
export async function openDesktopTestEngine(file: string, start = '2026-01-15T09:00:00.000Z', options: EngineOptions = {}): Promise<TestEngine> {
  const clock = new ManualClock(start)
  return { ...(await openEngineParts(file, { evaluateInWorker: ENGINE_TESTS_WITH_WORKERS, ...options, clock })), clock }
}

/**
 * Calls a procedure as a transport would (input parsed by the contract, errors as values) and
 * unwraps the result, so tests read like API use: `await call('policies.create', {...})`.
 */
export function caller(engine: Engine, ctx: CallContext = asOwner) {
  return async <K extends ProcedureName>(procedure: K, input: Input<K>): Promise<Output<K>> => {
    const result = await dispatch(engine, procedure, input, ctx, (message, error) => console.error(message, error))
    if (!result.ok) throw new ApiError(result.error)
    return result.value as Output<K>
  }
}
