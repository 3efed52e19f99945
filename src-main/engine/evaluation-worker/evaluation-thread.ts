/**
 * The engine's side of the evaluation worker. A full evaluation of a large portfolio costs
 * hundreds of milliseconds of CPU; run here, it would stall every request behind it. The thread
 * starts on first use, and again if it ever dies; a job it was running fails with its error.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { EngineError } from '../errors'
import type { EvaluateEverything, EverythingEvaluated, WorkerReply, WorkerSetup } from './protocol'

/** Built bundles hold the worker beside the code that starts it; from source, tsx compiles it. */
function startWorker(setup: WorkerSetup): Worker {
  const built = join(__dirname, 'evaluation-worker.js')
  if (existsSync(built)) return new Worker(built, { workerData: setup })
  const source = join(__dirname, 'worker-entry.ts')
  return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(source)})`, { eval: true, workerData: setup })
}

export class EvaluationThread {
  private worker: Worker | undefined
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (evaluated: EverythingEvaluated) => void; reject: (error: Error) => void }>()

  constructor(private readonly setup: WorkerSetup) {}

  /** Evaluates every application, at `at` or (given null) when the worker holds the write lock. */
  evaluateEverything(at: string | null): Promise<EverythingEvaluated> {
    const worker = this.running()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      // While a job runs the process stays up for it; an idle worker keeps nothing alive.
      worker.ref()
      worker.postMessage({ id, at } satisfies EvaluateEverything)
    })
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    if (!worker) return
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage('close')
    // A worker stuck on a lock is not waited for beyond a few seconds.
    const timer = setTimeout(() => void worker.terminate(), 5_000)
    await exited
    clearTimeout(timer)
  }

  private running(): Worker {
    if (this.worker) return this.worker
    const worker = startWorker(this.setup)
    worker.on('message', (reply: WorkerReply) => {
      const job = this.pending.get(reply.id)
      if (!job) return
      this.pending.delete(reply.id)
      if (this.pending.size === 0) worker.unref()
      if (reply.ok) job.resolve({ at: reply.at, applications: reply.applications })
      else job.reject(reply.code ? new EngineError(reply.code, reply.message) : new Error(reply.message))
    })
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined
      for (const job of this.pending.values()) job.reject(error)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`The evaluation worker stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }
}
