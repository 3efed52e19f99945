/**
 * The engine's working parts put together on an open workspace: the context every service uses,
 * the evaluator, the alert notifier, the compliance reads and the contract's handlers. Both the
 * engine and its worker thread are made of these.
 */
import type { HeadSigning } from './audit/head-signing'
import { ComplianceQueries } from './compliance/compliance-queries'
import { Evaluator, type EvaluateEverythingElsewhere } from './compliance/evaluator'
import { Notifier, type NotifierOptions } from './compliance/notifier'
import type { Clock } from './clock'
import { EngineContext } from './context'
import type { OpenedDatabase } from './db/open'
import { createHandlers, type Handlers } from './handlers'
import type { InferenceFileReader } from './metrics/inference-file'
import { generateHere, ReportJobs, type ReportRunner } from './reports/report-jobs'
import { credentialsFileFor, FileCredentialStore } from './sync/file-credentials'
import { recordingCommands } from './sync/recording'
import { SyncService, type SyncOptions } from './sync/sync-service'
import { WebhookDestinations } from './webhooks/destinations'

export interface EngineCore {
  context: EngineContext
  notifier: Notifier
  evaluator: Evaluator
  compliance: ComplianceQueries
  reports: ReportJobs
  sync: SyncService
  handlers: Handlers
}

/** Where the heavy work runs when not on this thread: full evaluations, reports, imported files. */
export interface Elsewhere {
  evaluateEverything?: EvaluateEverythingElsewhere
  generateReport?: ReportRunner
  readInferences?: InferenceFileReader
}

/**
 * `signing`, when the workspace's audit key is at hand: `database.write` is already its wrapped
 * write (every commit's head signed); packages carry a signed head, the trail is verified against
 * the heads kept outside, and a connected desktop sends its server the heads it signed.
 */
export function assembleEngine(path: string, database: OpenedDatabase, clock: Clock, elsewhere: Elsewhere = {}, syncOptions?: SyncOptions, delivery: NotifierOptions = {}, signing?: HeadSigning): EngineCore {
  const context = new EngineContext(database.reader, database.write, clock)
  // One judge of webhook destinations, for saving a policy's and for sending to it.
  const webhooks = delivery.destinations ?? new WebhookDestinations()
  const notifier = new Notifier(context, { ...delivery, destinations: webhooks })
  const evaluator = new Evaluator(context, notifier, elsewhere.evaluateEverything)
  const compliance = new ComplianceQueries(context, evaluator)
  const reports = new ReportJobs(context, elsewhere.generateReport ?? generateHere(context.db, compliance, signing))
  const sync = new SyncService(context, syncOptions ?? { credentials: new FileCredentialStore(credentialsFileFor(path)) }, signing)
  // A connected desktop records its changes for its server, whichever door they came in by.
  const handlers = recordingCommands(createHandlers(context, { path, schemaVersion: database.schemaVersion }, { evaluator, compliance, reports, sync, signing, webhooks, readInferences: elsewhere.readInferences }), context.db, sync)
  return { context, notifier, evaluator, compliance, reports, sync, handlers }
}
