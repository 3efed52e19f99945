/**
 * The engine's side of its worker thread. A full evaluation of a large portfolio, or the
 * organisation's compliance report, costs hundreds of milliseconds of CPU; run here, it would
 * stall every request behind it. The thread starts on first use, and again if it ever dies; a job
 * it was running fails with its error.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { Actor } from '../../../src-shared/domain/common'
import type { AcceptedWindow } from '../../../src-shared/domain/data-limits'
import type { InferenceFormat } from '../../../src-shared/domain/observations'
import { EngineError } from '../errors'
import { inferenceFileOf, type FilePieces, type InferenceFile, type InferenceFileData } from '../metrics/inference-file'
import type { GeneratedReport, Progress } from '../reports/report-files'
import type { ReportRequest } from '../reports/report-jobs'
import type { EverythingEvaluated, FilePiece, WorkerJob, WorkerReply, WorkerSetup } from './protocol'

/**
 * Run from source (tests, benchmarks), tsx compiles the worker's entry beside this file; in a
 * build, the bundler puts engine-worker.js in the build's main folder, beside or just above the
 * chunk holding this code.
 */
function startWorker(setup: WorkerSetup, resourceLimits?: ResourceLimits): Worker {
  if (__filename.endsWith('.ts')) {
    const source = join(__dirname, 'worker-entry.ts')
    return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(source)})`, { eval: true, workerData: setup, resourceLimits })
  }
  const built = [join(__dirname, 'engine-worker.js'), join(__dirname, '..', 'engine-worker.js')].find((path) => existsSync(path))
  if (!built) throw new Error(`The engine's worker (engine-worker.js) is missing beside ${__dirname}; build the console again (npm run build).`)
  return new Worker(built, { workerData: setup, resourceLimits })
}

type Answer = Extract<WorkerReply, { ok: true }>
/** A job sent and not yet answered, with the thread it runs on (which may be replaced, see `cancel`). */
type Pending = { job: WorkerJob; worker: Worker; resolve: (reply: Answer) => void; reject: (error: Error) => void; onProgress?: (progress: Progress) => void }

/** Omitted from jobs: the worker picks its own time unless told the engine runs on a set clock. */
type JobFields = WorkerJob extends infer J ? (J extends WorkerJob ? Omit<J, 'id'> : never) : never

export class EngineThread {
  private worker: Worker | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()

  constructor(
    private readonly setup: WorkerSetup,
    /** The engine's time when it runs on a set clock; null on the system clock. */
    private readonly setNow: () => string | null,
    /** A bound on the thread's memory (the report thread's), so a huge report cannot take the machine's. */
    private readonly resourceLimits?: ResourceLimits,
  ) {}

  /** Evaluates every application, at the moment the worker holds the write lock. */
  async evaluateEverything(): Promise<EverythingEvaluated> {
    const reply = await this.run({ kind: 'evaluate-everything', now: this.setNow() })
    return (reply as { evaluated: EverythingEvaluated }).evaluated
  }

  /** A read procedure's answer (input already checked) as the JSON bytes a response carries. */
  async answer(procedure: string, input: unknown, actor: Actor): Promise<Buffer> {
    const reply = await this.run({ kind: 'answer', procedure, input, actor, now: this.setNow() })
    const json = (reply as { json: Uint8Array }).json
    return Buffer.from(json.buffer, json.byteOffset, json.byteLength)
  }

  /**
   * A report generated on this thread. Aborting ends the thread at once (whatever it was
   * drawing), and the job fails as cancelled; other jobs on it carry on on a new thread.
   */
  async report(request: ReportRequest, actor: Pick<Actor, 'id' | 'name'>, generatedAt: string, onProgress: (progress: Progress) => void, signal: AbortSignal): Promise<GeneratedReport> {
    if (signal.aborted) throw new EngineError('conflict', 'The report was cancelled')
    const id = this.nextId++
    const stop = () => this.cancel(id)
    signal.addEventListener('abort', stop, { once: true })
    try {
      const reply = await this.run({ kind: 'report', request, actor, generatedAt, now: this.setNow() }, onProgress, id)
      return (reply as { report: GeneratedReport }).report
    } catch (error) {
      if (signal.aborted) throw new EngineError('conflict', 'The report was cancelled')
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test((error as Error).message)) {
        throw new EngineError('too_large', 'This report is too large to draw as one PDF within the memory set aside for reports; narrow it to a policy or an application, or export the CSV tables')
      }
      throw error
    } finally {
      signal.removeEventListener('abort', stop)
    }
  }

  /**
   * An imported file read into buckets on this thread. Its pieces are copied across as they
   * arrive; once the thread refuses the file, the rest is not sent.
   */
  async readInferences(format: InferenceFormat, window: AcceptedWindow, pieces: FilePieces): Promise<InferenceFile> {
    const id = this.nextId++
    const read = this.run({ kind: 'read-inferences', format, window, now: this.setNow() }, undefined, id)
    let refused = false
    read.catch(() => (refused = true))
    try {
      for await (const piece of pieces) {
        if (refused) break
        // A copy of its own to hand over: a received piece may share its memory with others.
        const bytes = typeof piece === 'string' ? new TextEncoder().encode(piece) : new Uint8Array(piece)
        this.pending.get(id)?.worker.postMessage({ kind: 'piece', id, bytes } satisfies FilePiece, [bytes.buffer])
      }
    } finally {
      // Also when the upload itself failed: the thread ends the read, and its answer is let go.
      this.pending.get(id)?.worker.postMessage({ kind: 'piece', id, bytes: null } satisfies FilePiece)
    }
    return inferenceFileOf(((await read) as { inferences: InferenceFileData }).inferences)
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

  private run(fields: JobFields, onProgress?: (progress: Progress) => void, id = this.nextId++): Promise<Answer> {
    const worker = this.running()
    const job = { ...fields, id } as WorkerJob
    return new Promise((resolve, reject) => {
      this.pending.set(id, { job, worker, resolve, reject, onProgress })
      // While a job runs the process stays up for it; an idle worker keeps nothing alive.
      worker.ref()
      worker.postMessage(job)
    })
  }

  /**
   * Ends the thread running job `id` (the only way to stop a job midway), failing that job as
   * cancelled. The thread is let go of at once, so a job started next never lands on the dying
   * one, and the other jobs it was running (reads, which give the same answer again) are sent to
   * a new thread rather than failing with it.
   */
  private cancel(id: number): void {
    const cancelled = this.pending.get(id)
    if (!cancelled) return
    this.pending.delete(id)
    cancelled.reject(new EngineError('conflict', 'The report was cancelled'))
    const dying = cancelled.worker
    if (this.worker === dying) this.worker = undefined
    void dying.terminate()
    for (const other of this.pending.values()) {
      if (other.worker !== dying) continue
      other.worker = this.running()
      other.worker.ref()
      other.worker.postMessage(other.job)
    }
  }

  private running(): Worker {
    if (this.worker) return this.worker
    const worker = startWorker(this.setup, this.resourceLimits)
    worker.on('message', (reply: WorkerReply) => {
      const job = this.pending.get(reply.id)
      if (!job || job.worker !== worker) return
      if ('progress' in reply) return job.onProgress?.(reply.progress)
      this.pending.delete(reply.id)
      if (![...this.pending.values()].some((other) => other.worker === worker)) worker.unref()
      if (reply.ok) job.resolve(reply)
      else job.reject(reply.code ? new EngineError(reply.code, reply.message, reply.field) : new Error(reply.message))
    })
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined
      for (const [id, job] of this.pending) {
        if (job.worker !== worker) continue
        this.pending.delete(id)
        job.reject(error)
      }
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`The engine's worker thread stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }
}
