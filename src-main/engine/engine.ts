/**
 * The engine: the whole product behind one object, opened on one workspace file. It knows nothing
 * of Electron, HTTP or React; transports call it through the contract's handlers.
 */
import { resolve } from 'node:path'
import type { Clock } from './clock'
import { systemClock } from './clock'
import { EngineContext } from './context'
import { openDatabase, type OpenOptions } from './db/open'
import { createHandlers, type Handlers } from './handlers'

export interface Engine {
  readonly path: string
  readonly schemaVersion: string
  readonly context: EngineContext
  readonly handlers: Handlers
  close(): Promise<void>
}

export interface EngineOptions extends OpenOptions {
  clock?: Clock
}

export async function openEngine(file: string, options: EngineOptions = {}): Promise<Engine> {
  const path = resolve(file)
  const { db, schemaVersion } = await openDatabase(path, options)
  const context = new EngineContext(db, options.clock ?? systemClock)
  return {
    path,
    schemaVersion,
    context,
    handlers: createHandlers(context, { path, schemaVersion }),
    close: () => db.destroy(),
  }
}
