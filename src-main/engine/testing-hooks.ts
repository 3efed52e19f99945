/** Vitest hooks for engine tests: a fresh workspace file per test, all removed after the file's tests. */
import { afterAll, beforeEach } from 'vitest'
import type { ManualClock } from './clock'
import type { Engine } from './engine'
import { caller, openTestEngine, tempFolder } from './testing'

export interface EngineFixture {
  readonly engine: Engine
  readonly clock: ManualClock
  readonly call: ReturnType<typeof caller>
}

export function freshEngineForEachTest(name: string, start?: string): EngineFixture {
  const folder = tempFolder()
  let count = 0
  const state = {} as { engine: Engine; clock: ManualClock; call: ReturnType<typeof caller> }
  beforeEach(async () => {
    const opened = await openTestEngine(folder.path(`${name}-${count++}.sqlite`), start)
    Object.assign(state, opened, { call: caller(opened.engine) })
    return () => state.engine.close()
  })
  afterAll(() => folder.remove())
  return {
    get engine() {
      return state.engine
    },
    get clock() {
      return state.clock
    },
    get call() {
      return state.call
    },
  }
}
