/**
 * The engine: the whole product behind one object, opened on one workspace file. It knows nothing
 * of Electron, HTTP or React; transports call it through the contract's handlers.
 */
import { resolve } from 'node:path'
import type { Clock } from './clock'
import { systemClock } from './clock'
import { ComplianceQueries } from './compliance/compliance-queries'
import { Evaluator } from './compliance/evaluator'
import { Notifier } from './compliance/notifier'
import { EngineContext, type Area } from './context'
import { openDatabase, type OpenOptions } from './db/open'
import { createHandlers, type Handlers } from './handlers'

export interface Engine {
  readonly path: string
  readonly schemaVersion: string
  readonly context: EngineContext
  readonly handlers: Handlers
  /** Keeps statuses current: drained after each change, on a timer once started, or on demand. */
  readonly evaluator: Evaluator
  /** Sends gap alerts to policies' webhooks. */
  readonly notifier: Notifier
  close(): Promise<void>
}

/** Changes after which some application may need evaluating again. */
const EVALUATION_TRIGGERS: ReadonlySet<Area> = new Set(['metrics', 'policies', 'applications'])

export interface EngineOptions extends OpenOptions {
  clock?: Clock
}

export async function openEngine(file: string, options: EngineOptions = {}): Promise<Engine> {
  const path = resolve(file)
  const { db, sqlite, schemaVersion } = await openDatabase(path, options)
  const context = new EngineContext(db, options.clock ?? systemClock, sqlite)
  const notifier = new Notifier(context)
  const evaluator = new Evaluator(context, notifier)
  const compliance = new ComplianceQueries(context, evaluator)
  let closed = false
  // Statuses follow changes promptly; reads drain the queue too, so they never answer stale.
  context.changes.on('changed', ({ areas }) => {
    if (!areas.some((area) => EVALUATION_TRIGGERS.has(area))) return
    setImmediate(() => {
      if (!closed) void evaluator.drain().catch(() => undefined)
    })
  })
  return {
    path,
    schemaVersion,
    context,
    handlers: createHandlers(context, { path, schemaVersion }, { evaluator, compliance }),
    evaluator,
    notifier,
    close: async () => {
      closed = true
      evaluator.stop()
      await evaluator.idle()
      await notifier.idle()
      await db.destroy()
    },
  }
}
