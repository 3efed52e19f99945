/** Helpers for tests: real workspace files in a temporary folder, removed after each test file. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Actor } from '../../src-shared/domain/common'
import { ManualClock } from './clock'
import type { CallContext } from './context'
import { openEngine, type Engine } from './engine'

export const TEST_OWNER: Actor = { id: 'owner', name: 'Olivia Owner', role: 'org_admin' }
export const asOwner: CallContext = { actor: TEST_OWNER }

export function tempFolder(): { path: (name: string) => string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'govern-test-'))
  return { path: (name) => join(folder, name), remove: () => rmSync(folder, { recursive: true, force: true }) }
}

export async function openTestEngine(file: string, start = '2026-01-15T09:00:00.000Z'): Promise<{ engine: Engine; clock: ManualClock }> {
  const clock = new ManualClock(start)
  const engine = await openEngine(file, { clock })
  return { engine, clock }
}
