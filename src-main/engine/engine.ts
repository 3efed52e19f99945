/**
 * The engine: the whole product behind one object, opened on one workspace file. It knows nothing
 * of Electron, HTTP or React; the shells (desktop, `govern`, the server) use the capabilities
 * named here, and transports call the contract's handlers.
 */
import { contract, type ProcedureName } from '../../src-shared/api/contract'
import type { Actor } from '../../src-shared/domain/common'
import { applyOnce, type Command, type CommandOutcome } from './commands/applied-commands'
import { authenticateToken, createApiToken, listApiTokens, revokeApiToken, type ApiTokenInfo } from './auth/tokens'
import type { Clock } from './clock'
import { systemClock } from './clock'
import { assembleEngine } from './assemble'
import { headSigningFor } from './audit/head-signing'
import type { AuditKeyStore } from './audit/key-store'
import { EVALUATION_INTERVAL_MS, type Evaluator } from './compliance/evaluator'
import type { Notifier } from './compliance/notifier'
import type { ReportJobs } from './reports/report-jobs'
import type { Area, CallContext, ChangeEvent, EngineContext } from './context'
import { KNOWN_MIGRATIONS } from './db/migrate'
import type { OpenOptions } from './db/open'
import { readinessOfDatabase, WORKSPACE_CLOSED, type WorkspaceReadiness } from './db/readiness'
import { openWorkspaceDatabase } from './db/workspace-database'
import { EngineThread } from './engine-worker/engine-thread'
import type { Handler, Handlers } from './handlers'
import { ownerActor } from './people/people'
import { resumeUnfinishedTasks } from './resumable-tasks'
import type { CredentialStore } from './sync/credentials'
import type { SyncTuning } from './sync/sync-service'
import { credentialsFileFor, FileCredentialStore } from './sync/file-credentials'
import { writeSnapshot, type SendPiece } from './sync/snapshot'
import { SAMPLE_WORKSPACE_TASK } from './workspace/sample'
import { WebhookAllowList, WebhookDestinations, type ResolveHost } from './webhooks/destinations'

export interface Engine {
  /** Where the workspace is: its file, or its PostgreSQL database named without the password. */
  readonly path: string
  readonly schemaVersion: string
  /** The contract implemented: what every transport calls. */
  readonly handlers: Handlers
  /** The workspace owner: who the desktop app and the sign-in link act as. */
  owner(): Promise<Actor>
  /** The actor behind an API token's secret, or undefined when it is unknown or revoked. */
  /**
   * The actor behind an API token's secret. Given the generation read as the request arrived
   * (`generation()`), a token already checked under it is answered without a look-up.
   */
  authenticate(secret: string, generation?: string): Promise<Actor | undefined>
  readonly tokens: {
    create(input: { name: string; role: string; user?: string }): Promise<{ token: ApiTokenInfo; secret: string }>
    list(): Promise<ApiTokenInfo[]>
    revoke(id: string): Promise<ApiTokenInfo>
  }
  /**
   * A read procedure's answer, its input already checked against the contract, as the JSON bytes
   * a response carries: built on the engine's worker thread where it has one, so a heavy report
   * costs the thread serving requests nothing. Engine errors are thrown as they are.
   */
  serializedAnswer(procedure: ProcedureName, input: unknown, ctx: CallContext): Promise<Buffer>
  /**
   * The server's side of a desktop's first pull: every replicated row in one consistent snapshot,
   * as JSON lines (domain/sync.ts) handed to `send` a piece at a time. `send` waits while the
   * desktop is behind, and throws to stop the read (the desktop went away).
   */
  writeSyncSnapshot(send: SendPiece): Promise<void>
  /**
   * Runs a change its sender gave an id once, its answer kept in the change's own transaction: a
   * repeat, even after a crash, is answered as the first call was, changing nothing.
   */
  applyOnce(command: Command, call: () => Promise<unknown>): Promise<CommandOutcome>
  /** Tells `listener` which areas changed after each commit; returns the unsubscribe. */
  onChange(listener: (event: ChangeEvent) => void): () => void
  /**
   * The workspace's generation as a read would see it now: anything awaiting evaluation is
   * evaluated first, then the number that changes whenever the workspace does, in this process or
   * any other. An answer kept with a generation is current while the generation stays the same.
   */
  settledGeneration(seen?: string): Promise<string>
  /**
   * Whether `generation` (read as the request arrived) is one under which nothing awaited
   * evaluation and no moment has passed since: an answer kept under it is current. Nothing is
   * evaluated to find out.
   */
  isSettled(generation: string): boolean
  /**
   * What one application's kept answers are current under: it moves with every change that may
   * touch that application (its data, fields, statuses; any policy; anything another process
   * committed), and with time once a sign-off moment passes, but not with another application's
   * changes made here. Nothing queued is evaluated, the application's own or anyone else's: its
   * read answers a queued application's statuses as of now (see ComplianceQueries.statuses).
   */
  applicationGeneration(applicationId: string, seen?: string): Promise<string>
  /**
   * The workspace's generation now, with nothing settled first: read once as a request arrives,
   * it keys what the request may take from earlier answers (its token's check, a kept report).
   */
  generation(): Promise<string>
  /** Now by the engine's clock, as ISO 8601: the moment a live answer names. */
  nowIso(): string
  /**
   * What a running console does on its own: evaluate now and every few minutes (windows slide,
   * grace periods end), send due alerts, and finish any long write a crash left half-way.
   */
  startBackgroundWork(): void
  /** Resolves once every change so far has been evaluated and its alerts handed to delivery. */
  settle(): Promise<void>
  /**
   * Whether the workspace can serve now: open, its database answering a read, and upgraded to
   * exactly the migrations this build knows. Cheap enough for a load balancer to ask every second.
   */
  readiness(): Promise<WorkspaceReadiness>
  close(): Promise<void>
}

/** Changes after which some application may need evaluating again. */
const EVALUATION_TRIGGERS: ReadonlySet<Area> = new Set(['metrics', 'policies', 'applications'])

export interface EngineOptions extends OpenOptions {
  clock?: Clock
  /** Run full evaluations and heavy reports on a worker thread (the desktop app and `govern serve` do). */
  evaluateInWorker?: boolean
  /**
   * Where a connected workspace keeps its server token: the desktop app passes the OS keychain;
   * without one, a file beside the workspace only its owner may read (sync/file-credentials.ts).
   */
  credentials?: CredentialStore
  /**
   * Where the workspace's audit signing key is kept, outside the workspace (audit/key-store.ts):
   * the desktop app passes the OS keychain, `govern` a folder of 0600 files. With one, every
   * change's audit head is signed (audit/head-signing.ts); without one (tests), nothing is signed.
   */
  auditKeys?: AuditKeyStore
  /** Sync's page size: for tests and benchmarks. */
  syncTuning?: SyncTuning
  /**
   * How long a webhook receiver may take to answer one alert (10 s unless given). Alerts claimed
   * by a process that dies lapse to the others within twice this, and are taken at their next
   * look (as often).
   */
  webhookTimeoutMs?: number
  /**
   * The operator's allow-list of webhook destinations inside this computer or its network (host
   * names, addresses, CIDR ranges), which policies' webhooks may then name and alerts go to.
   */
  webhookAllow?: readonly string[]
  /** How webhook host names are resolved: the system's resolver unless given. */
  webhookResolver?: ResolveHost
}

/**
 * The report thread's heap: a bound so that a report far larger than any the console is meant
 * for fails with a clear message rather than taking the machine's memory. The PDF is drawn in
 * parts: 1,000 applications under four policies peak near 400 MB of the whole process
 * (bench/report-render.ts draws it so), well inside the bound.
 */
export const REPORT_HEAP_MB = 1024

/**
 * Opens the engine on a workspace: a SQLite file's path, or a PostgreSQL database's postgres://
 * URL (a server's, shared by its processes).
 */
export async function openEngine(location: string, options: EngineOptions = {}): Promise<Engine> {
  return (await openEngineParts(location, options)).engine
}

/** The engine with its inner parts in reach, for the engine's own tests and benchmarks. */
export interface EngineParts {
  engine: Engine
  context: EngineContext
  evaluator: Evaluator
  notifier: Notifier
  reports: ReportJobs
}

export async function openEngineParts(location: string, options: EngineOptions = {}): Promise<EngineParts> {
  const { database: opened, label: path } = await openWorkspaceDatabase(location, options)
  const clock = options.clock ?? systemClock
  let signed: Awaited<ReturnType<typeof headSigningFor>> | undefined
  try {
    signed = options.auditKeys ? await headSigningFor(opened.reader, options.auditKeys, path, clock) : undefined
  } catch (error) {
    await opened.close()
    throw error
  }
  const signing = signed?.signing
  const database = signing ? { ...opened, write: signing.wrap(opened.write) } : opened
  // On a set clock (tests, replays) the worker reads that clock's time; otherwise its own.
  const setNow = () => (options.clock ? options.clock.now().toISOString() : null)
  const setup = {
    file: location,
    nativeBinding: options.nativeBinding,
    lockWaitMs: options.lockWaitMs,
    webhookTimeoutMs: options.webhookTimeoutMs,
    webhookAllow: options.webhookAllow ? [...options.webhookAllow] : undefined,
    ...(signed && options.auditKeys ? { auditSigning: { privateKey: signed.privateKey, keyFolder: options.auditKeys.folder } } : {}),
  }
  const thread = options.evaluateInWorker ? new EngineThread(setup, setNow) : undefined
  // Reports get a thread of their own: cancelling one ends its thread, never an evaluation.
  const reportThread = options.evaluateInWorker ? new EngineThread(setup, setNow, { maxOldGenerationSizeMb: REPORT_HEAP_MB }) : undefined
  // Imported files are read on a third, so an import never waits behind an evaluation.
  const fileThread = options.evaluateInWorker ? new EngineThread(setup, setNow) : undefined
  const { context, notifier, evaluator, reports, sync, handlers } = assembleEngine(
    path,
    database,
    clock,
    thread && reportThread && fileThread
      ? { evaluateEverything: () => thread.evaluateEverything(), generateReport: (...args) => reportThread.report(...args), readInferences: (...args) => fileThread.readInferences(...args) }
      : {},
    { ...options.syncTuning, credentials: options.credentials ?? new FileCredentialStore(credentialsFileFor(path)) },
    { webhookTimeoutMs: options.webhookTimeoutMs, destinations: new WebhookDestinations(WebhookAllowList.of(options.webhookAllow), options.webhookResolver) },
    signing,
  )
  await sync.load()
  await signing?.introduceKey(context)
  const background = new Set<Promise<unknown>>()
  let closed = false
  const inBackground = (work: () => Promise<unknown>) => {
    if (closed) return
    const running = work().catch(() => undefined)
    background.add(running)
    void running.finally(() => background.delete(running))
  }
  // Statuses follow changes promptly; reads drain the queue too, so they never answer stale.
  context.changes.on('changed', ({ areas }) => {
    if (areas.some((area) => EVALUATION_TRIGGERS.has(area))) setImmediate(() => inBackground(() => evaluator.drain()))
  })
  const asOwner = async () => ({ actor: await ownerActor(context.db) })
  /** The last generation under which nothing awaited evaluation, and until when that holds. */
  let settled: { generation: string; quietUntil: string } | undefined
  /**
   * Until when time alone makes no work, as last found under an epoch of kept per-application
   * answers: the look itself while it is under way, which requests arriving meanwhile share.
   */
  let timeQuiet: { epoch: number; looking: Promise<string>; until?: string } | undefined

  const engine: Engine = {
    path,
    schemaVersion: database.schemaVersion,
    handlers,
    owner: () => ownerActor(context.db),
    authenticate: (secret, generation) => authenticateToken(context, secret, generation),
    tokens: {
      create: async (input) => createApiToken(context, await asOwner(), input),
      list: () => listApiTokens(context.db),
      revoke: async (id) => revokeApiToken(context, await asOwner(), id),
    },
    serializedAnswer: async (procedure, input, ctx) => {
      if (contract[procedure].access !== 'read') throw new Error(`${procedure} changes the workspace; only reads are answered as bytes`)
      // One application's answer costs a few milliseconds here, less than waiting for the thread
      // to finish a full evaluation it may be running.
      if (thread && !aboutOneApplication(procedure, input)) return thread.answer(procedure, input, ctx.actor)
      const value = await (handlers[procedure] as Handler<ProcedureName>)(input as never, ctx)
      return Buffer.from(JSON.stringify(contract[procedure].output.parse(value)))
    },
    writeSyncSnapshot: (send) => writeSnapshot(context.db, database.readSnapshot, send),
    applyOnce: async (command, call) => {
      const outcome = await applyOnce(context.db, command, call)
      // The first call to load the sample answers once it is loaded, and so does a retry: it
      // carries on the task with whoever runs it, or in place of a process that died mid-way.
      if (outcome.replayed && command.procedure === 'workspace.loadSample') await resumeUnfinishedTasks(context, [SAMPLE_WORKSPACE_TASK])
      return outcome
    },
    onChange: (listener) => {
      context.changes.on('changed', listener)
      return () => context.changes.off('changed', listener)
    },
    generation: () => database.generation(),
    nowIso: () => context.nowIso(),
    settledGeneration: async (seen) => {
      // Nothing is queued without the generation changing: once the queue was seen empty under a
      // generation, it stays empty while the generation does, and only the clock can make work
      // (an attestation moment). So a cached read costs one look at the generation (on
      // PostgreSQL, one round trip rather than three). Read before the queue, never after: a
      // change committed in between must not be taken as seen.
      // `seen`, read as the request arrived, was read before the queue as well.
      const generation = seen ?? (await database.generation())
      if (settled?.generation === generation && context.nowIso() < settled.quietUntil) return generation
      const drained = await evaluator.evaluateIfDue()
      if ('run' in drained) return database.generation()
      settled = { generation, quietUntil: drained.quietUntil }
      return generation
    },
    isSettled: (generation) => settled?.generation === generation && context.nowIso() < settled.quietUntil,
    applicationGeneration: async (applicationId, seen) => {
      const generation = seen ?? (await database.generation())
      context.reads.sawOthers(await database.othersCommitted(generation))
      let quiet = timeQuiet
      if (!quiet || quiet.epoch !== context.reads.epoch || (quiet.until !== undefined && context.nowIso() >= quiet.until)) {
        const look: NonNullable<typeof timeQuiet> = (quiet = { epoch: context.reads.epoch, looking: evaluator.keepUpWithTime() })
        timeQuiet = look
        look.looking.then(
          (until) => {
            look.until = until
          },
          () => {
            if (timeQuiet === look) timeQuiet = undefined
          },
        )
      }
      await quiet.looking
      return context.reads.ofApplication(applicationId)
    },
    startBackgroundWork: () => {
      sync.start()
      evaluator.start(EVALUATION_INTERVAL_MS)
      notifier.start()
      inBackground(async () => {
        await resumeUnfinishedTasks(context, [SAMPLE_WORKSPACE_TASK])
        await evaluator.evaluateNow()
      })
    },
    settle: async () => {
      await evaluator.drain()
      await evaluator.idle()
    },
    readiness: async () => (closed ? WORKSPACE_CLOSED : readinessOfDatabase(database.appliedMigrations, KNOWN_MIGRATIONS)),
    close: async () => {
      closed = true
      await sync.close()
      evaluator.stop()
      notifier.stop()
      await reports.close()
      await Promise.allSettled([...background])
      await evaluator.idle()
      await notifier.idle()
      await thread?.close()
      await reportThread?.close()
      await fileThread?.close()
      await signing?.flush()
      await database.close()
    },
  }
  return { engine, context, evaluator, notifier, reports }
}

/** Reads whose answer is about one application: cheap to build, and kept per application. */
export function aboutOneApplication(procedure: ProcedureName, input: unknown): string | undefined {
  const fields = input as { id?: unknown; application_id?: unknown }
  if (procedure === 'compliance.application' && typeof fields.id === 'string') return fields.id
  if (procedure === 'compliance.organization' && typeof fields.application_id === 'string') return fields.application_id
  return undefined
}
