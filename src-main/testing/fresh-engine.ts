/** Vitest hooks for engine tests: a fresh workspace file per test, all removed after the file's tests. */
import { afterAll, beforeEach } from 'vitest'
import type { EngineOptions } from '../engine/engine'
import { caller, openTestEngine, tempFolder, type TestEngine } from './workspace'

export interface EngineFixture extends TestEngine {
  readonly call: ReturnType<typeof caller>
}

/** The fixture's fields always name the current test's engine. */
export function freshEngineForEachTest(name: string, start?: string, options: EngineOptions = {}): EngineFixture {
  const folder = tempFolder()
  let count = 0
  let current: EngineFixture | undefined
  beforeEach(async () => {
    const opened = await openTestEngine(folder.path(`${name}-${count++}.sqlite`), start, options)
    current = { ...opened, call: caller(opened.engine) }
    return () => opened.engine.close()
  })
  afterAll(() => folder.remove())
  const now = (): EngineFixture => {
    if (!current) throw new Error('The engine fixture is only available inside a test')
    return current
  }
  return {
    get engine() {
      return now().engine
    },
    get clock() {
      return now().clock
    },
    get call() {
      return now().call
    },
    get context() {
      return now().context
    },
    get evaluator() {
      return now().evaluator
    },
    get notifier() {
      return now().notifier
    },
    get reports() {
      return now().reports
    },
  }
}
