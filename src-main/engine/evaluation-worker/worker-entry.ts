/**
 * The evaluation worker: a thread of its own that evaluates every application, so the thread
 * serving requests stays free. It opens its own connections to the workspace file and writes in
 * one transaction, as another process would.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { applyEvaluation } from '../compliance/evaluator'
import { openDatabase, type OpenedDatabase } from '../db/open'
import { EngineError } from '../errors'
import { taskUnderWay } from '../resumable-tasks'
import type { EvaluateEverything, EverythingEvaluated, WorkerReply, WorkerSetup } from './protocol'

const setup = workerData as WorkerSetup
let opened: Promise<OpenedDatabase> | undefined

async function evaluateEverything(requestedAt: string | null): Promise<EverythingEvaluated> {
  opened ??= openDatabase(setup.file, { nativeBinding: setup.nativeBinding, lockWaitMs: setup.lockWaitMs })
  const { write } = await opened
  return write(async (tx) => {
    const at = requestedAt ?? new Date().toISOString()
    // While a long write is under way its own steps evaluate; null says this run was skipped.
    return { at, applications: (await taskUnderWay(tx)) ? null : await applyEvaluation(tx, at, undefined) }
  })
}

parentPort!.on('message', (request: EvaluateEverything | 'close') => {
  if (request === 'close') {
    void (opened ?? Promise.resolve(undefined)).then((db) => db?.close()).finally(() => parentPort!.close())
    return
  }
  evaluateEverything(request.at).then(
    (evaluated) => parentPort!.postMessage({ id: request.id, ok: true, ...evaluated } satisfies WorkerReply),
    (error: unknown) =>
      parentPort!.postMessage({ id: request.id, ok: false, code: error instanceof EngineError ? error.code : null, message: (error as Error).message } satisfies WorkerReply),
  )
})
