/**
 * The engine's worker thread: the long CPU work a request thread must not do. It evaluates every
 * application, builds the answers of heavy reads (the organisation's compliance report) down to
 * their JSON bytes, draws reports, and reads imported inference files into hourly buckets. It
 * opens its own connections to the workspace and writes as another process would, under the
 * write lock.
 */
import { setPriority } from 'node:os'
import { Readable } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { contract, isProcedureName, type ProcedureName } from '../../../src-shared/api/contract'
import type { Actor } from '../../../src-shared/domain/common'
import { assembleEngine, type EngineCore } from '../assemble'
import { headSigningWith, type HeadSigning } from '../audit/head-signing'
import { createFileKeyStore } from '../audit/key-store'
import type { Clock } from '../clock'
import { evaluateEverything } from '../compliance/evaluator'
import type { OpenedDatabase } from '../db/open'
import { openWorkspaceDatabase } from '../db/workspace-database'
import { EngineError } from '../errors'
import type { Handler } from '../handlers'
import { inferenceFileData, readInferenceFile, type InferenceFileData } from '../metrics/inference-file'
import type { GeneratedReport } from '../reports/report-files'
import { generateHere } from '../reports/report-jobs'
import { WebhookAllowList, WebhookDestinations } from '../webhooks/destinations'
import type { EverythingEvaluated, FilePiece, WorkerJob, WorkerReply, WorkerSetup } from './protocol'

const setup = workerData as WorkerSetup
/** How much lower than the request thread the worker's threads run (nice, 0 to 19). */
const BACKGROUND_NICE = 10

/**
 * Below the request thread: an evaluation or a report is background work, and on a busy machine
 * the requests waiting on the other thread come first. On Linux a thread's nice value is its own,
 * so this lowers this thread alone; elsewhere it would lower the whole process, and is left.
 */
if (process.platform === 'linux') {
  try {
    setPriority(BACKGROUND_NICE)
  } catch {
    // A system that refuses it runs the thread at the process's priority, as before.
  }
}
let opened: Promise<{ database: OpenedDatabase; core: EngineCore; signing?: HeadSigning }> | undefined
/** The time of the job at hand when the engine runs on a set clock. */
let setNow: string | null = null
const clock: Clock = { now: () => (setNow ? new Date(setNow) : new Date()) }

function open(): Promise<{ database: OpenedDatabase; core: EngineCore; signing?: HeadSigning }> {
  // The engine opened the workspace before starting this thread: were it gone since, none is made.
  opened ??= openWorkspaceDatabase(setup.file, { nativeBinding: setup.nativeBinding, lockWaitMs: setup.lockWaitMs, mustExist: true }).then(async ({ database: unsigned, label }) => {
    const { auditSigning } = setup
    const signing = auditSigning ? await headSigningWith(unsigned.reader, auditSigning.privateKey, createFileKeyStore(auditSigning.keyFolder), label, clock) : undefined
    // The worker's commits (a full evaluation's gaps) are signed as the engine's are.
    const database = signing ? { ...unsigned, write: signing.wrap(unsigned.write) } : unsigned
    return { database, signing, core: assembleEngine(label, database, clock, {}, undefined, { webhookTimeoutMs: setup.webhookTimeoutMs, destinations: new WebhookDestinations(WebhookAllowList.of(setup.webhookAllow)) }, signing) }
  })
  return opened
}

async function evaluateAll(): Promise<EverythingEvaluated> {
  const { database } = await open()
  return evaluateEverything(database.reader, database.write, () => clock.now().toISOString())
}

async function answer(procedure: string, input: unknown, actor: Actor): Promise<Uint8Array> {
  if (!isProcedureName(procedure) || contract[procedure].access !== 'read') throw new Error(`${procedure} is not a read the worker answers`)
  const { core } = await open()
  const value = await (core.handlers[procedure] as Handler<ProcedureName>)(input as never, { actor })
  // Checked against the contract here, where it costs the request thread nothing.
  return new TextEncoder().encode(JSON.stringify(contract[procedure].output.parse(value)))
}

async function report(job: WorkerJob & { kind: 'report' }): Promise<GeneratedReport> {
  const { core, signing } = await open()
  return generateHere(core.context.db, core.compliance, signing)(job.request, job.actor, job.generatedAt, (progress) => parentPort!.postMessage({ id: job.id, progress } satisfies WorkerReply), new AbortController().signal)
}

function refusal(id: number, error: unknown): WorkerReply {
  if (error instanceof EngineError) return { id, ok: false, code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) }
  return { id, ok: false, code: null, message: (error as Error).stack ?? String(error) }
}

/** The files being read, each fed the pieces that follow its job. */
const files = new Map<number, Readable>()

function readInferences(job: WorkerJob & { kind: 'read-inferences' }): Promise<InferenceFileData> {
  const pieces = new Readable({ read: () => undefined })
  files.set(job.id, pieces)
  return readInferenceFile(job.format, job.window, pieces)
    .then(inferenceFileData)
    .finally(() => {
      files.delete(job.id)
      pieces.destroy()
    })
}

parentPort!.on('message', (job: WorkerJob | FilePiece | 'close') => {
  if (job === 'close') {
    void (opened ?? Promise.resolve(undefined))
      .then(async (ready) => {
        await ready?.signing?.flush()
        await ready?.database.close()
      })
      .finally(() => parentPort!.close())
    return
  }
  if (job.kind === 'piece') {
    // Pieces of a file already refused are let go.
    files.get(job.id)?.push(job.bytes)
    return
  }
  setNow = job.now
  if (job.kind === 'read-inferences') {
    readInferences(job).then(
      (inferences) => parentPort!.postMessage({ id: job.id, ok: true, inferences } satisfies WorkerReply),
      (error: unknown) => parentPort!.postMessage(refusal(job.id, error)),
    )
  } else if (job.kind === 'evaluate-everything') {
    evaluateAll().then(
      (evaluated) => parentPort!.postMessage({ id: job.id, ok: true, evaluated } satisfies WorkerReply),
      (error: unknown) => parentPort!.postMessage(refusal(job.id, error)),
    )
  } else if (job.kind === 'report') {
    // Cancelling a report ends this thread: the engine starts another when next needed.
    report(job).then(
      (generated) => parentPort!.postMessage({ id: job.id, ok: true, report: generated } satisfies WorkerReply),
      (error: unknown) => parentPort!.postMessage(refusal(job.id, error)),
    )
  } else {
    answer(job.procedure, job.input, job.actor).then(
      (json) => parentPort!.postMessage({ id: job.id, ok: true, json } satisfies WorkerReply, [json.buffer as ArrayBuffer]),
      (error: unknown) => parentPort!.postMessage(refusal(job.id, error)),
    )
  }
})
