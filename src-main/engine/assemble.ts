/**
 * The engine's working parts put together on an open workspace: the context every service uses,
 * the evaluator, the alert notifier, the compliance reads and the contract's handlers. Both the
 * engine and its worker thread are made of these.
 */
import { ComplianceQueries } from './compliance/compliance-queries'
import { Evaluator, type EvaluateEverythingElsewhere } from './compliance/evaluator'
import { Notifier } from './compliance/notifier'
import type { Clock } from './clock'
import { EngineContext } from './context'
import type { OpenedDatabase } from './db/open'
import { createHandlers, type Handlers } from './handlers'

export interface EngineCore {
  context: EngineContext
  notifier: Notifier
  evaluator: Evaluator
  handlers: Handlers
}

export function assembleEngine(path: string, database: OpenedDatabase, clock: Clock, elsewhere?: EvaluateEverythingElsewhere): EngineCore {
  const context = new EngineContext(database.reader, database.write, clock)
  const notifier = new Notifier(context)
  const evaluator = new Evaluator(context, notifier, elsewhere)
  const compliance = new ComplianceQueries(context, evaluator)
  const handlers = createHandlers(context, { path, schemaVersion: database.schemaVersion }, { evaluator, compliance })
  return { context, notifier, evaluator, handlers }
}
