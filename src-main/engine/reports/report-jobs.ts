/**
 * Reports being generated. Generation runs away from the thread that serves the console (on a
 * worker thread of its own where the engine has one), reports its progress, and can be cancelled;
 * a finished report is recorded in the audit trail (who, what, parameters, digest) and its file
 * kept for a while to be saved or downloaded, by the one who started it: the trail names them as
 * the one who took the data, so nobody else may take the file (or follow or stop the job). To
 * anyone else a job is not found, as if it did not exist.
 */
import type { BinaryFile } from '../../../src-shared/api/procedure'
import type { ReportJob } from '../../../src-shared/api/reports'
import type { Actor } from '../../../src-shared/domain/common'
import type { ReportExport, ReportFormat, ReportScope } from '../../../src-shared/domain/reports'
import type { HeadSigning } from '../audit/head-signing'
import { recordAudit } from '../audit-trail'
import type { EngineContext } from '../context'
import { EngineError, notFound } from '../errors'
import { newId } from '../ids'
import type { ComplianceQueries } from '../compliance/compliance-queries'
import type { Db } from '../db/schema'
import { generateReport, type GeneratedReport, type Progress } from './report-files'

export type ReportRequest = ReportScope & { format: ReportFormat }

/** Generates a report somewhere (here, or on a worker thread), telling its progress; `signal` stops it. */
export type ReportRunner = (request: ReportRequest, actor: Pick<Actor, 'id' | 'name'>, generatedAt: string, onProgress: (progress: Progress) => void, signal: AbortSignal) => Promise<GeneratedReport>

interface Job {
  id: string
  /** The actor who started it: a person, or a token acting for no one. */
  startedBy: string
  request: ReportRequest
  state: ReportJob['state']
  progress: Progress
  result: ReportExport | null
  error: string | null
  file: BinaryFile | null
  abort: AbortController
  finishedAt: number | null
}

/** Finished jobs are kept this long for their file to be fetched, and at most this many. */
const KEEP_MS = 30 * 60_000
const KEEP_JOBS = 20

export class ReportJobs {
  private readonly jobs = new Map<string, Job>()
  private readonly running = new Set<Promise<void>>()

  constructor(
    private readonly engine: EngineContext,
    private readonly run: ReportRunner,
  ) {}

  /** Generates at once and answers the file: the REST API's and `govern report`'s way. */
  async generate(request: ReportRequest, actor: Actor, onProgress?: (progress: Progress) => void): Promise<GeneratedReport> {
    this.checkMoment(request)
    const generatedAt = this.engine.nowIso()
    const report = await this.run(request, actor, generatedAt, onProgress ?? (() => undefined), new AbortController().signal)
    await this.record(newId('rpj'), request, actor, generatedAt, report)
    return report
  }

  start(request: ReportRequest, actor: Actor): ReportJob {
    this.checkMoment(request)
    this.forgetOld()
    const job: Job = {
      id: newId('rpj'),
      startedBy: actor.id,
      request,
      state: 'running',
      progress: { done: 0, total: 1, activity: 'Starting' },
      result: null,
      error: null,
      file: null,
      abort: new AbortController(),
      finishedAt: null,
    }
    this.jobs.set(job.id, job)
    const running = this.follow(job, actor)
    this.running.add(running)
    void running.finally(() => this.running.delete(running))
    return this.describe(job)
  }

  /** Resolves once every report started so far has finished, and recorded what it made. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running])
  }

  /** Stops every report under way and waits for them to settle: the engine is closing. */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) this.stop(job)
    await Promise.allSettled([...this.running])
  }

  /** Runs a job to its end; never rejects, so nothing is left unhandled however it ends. */
  private async follow(job: Job, actor: Actor): Promise<void> {
    const generatedAt = this.engine.nowIso()
    try {
      const report = await this.run(job.request, actor, generatedAt, (progress) => (job.progress = progress), job.abort.signal)
      if (job.state !== 'running') return
      job.result = await this.record(job.id, job.request, actor, generatedAt, report)
      job.file = report.file
      job.state = 'done'
      job.progress = { done: job.progress.total, total: job.progress.total, activity: 'Done' }
    } catch (error) {
      if (job.state !== 'running') return
      job.state = 'failed'
      // A reason the person can act on is shown; anything else is logged, never shown as a stack.
      if (error instanceof EngineError) job.error = error.message
      else {
        job.error = 'The report could not be generated because of an unexpected error; it has been logged.'
        console.error(`Report ${job.id} failed`, error)
      }
    } finally {
      job.finishedAt ??= Date.now()
    }
  }

  get(id: string, actor: Actor): ReportJob {
    return this.describe(this.find(id, actor))
  }

  cancel(id: string, actor: Actor): ReportJob {
    const job = this.find(id, actor)
    this.stop(job)
    return this.describe(job)
  }

  file(id: string, actor: Actor): BinaryFile {
    const job = this.find(id, actor)
    if (!job.file) throw new EngineError('conflict', `Report ${id} is ${job.state === 'running' ? 'still being generated' : job.state}; it has no file`, 'id')
    return job.file
  }

  /** The job, if `actor` started it; another's is answered exactly as one that does not exist. */
  private find(id: string, actor: Actor): Job {
    const job = this.jobs.get(id)
    if (!job || job.startedBy !== actor.id) throw notFound('report job', id)
    return job
  }

  private stop(job: Job): void {
    if (job.state !== 'running') return
    job.state = 'cancelled'
    job.finishedAt = Date.now()
    job.abort.abort()
  }

  private describe(job: Job): ReportJob {
    return { id: job.id, state: job.state, format: job.request.format, progress: { ...job.progress }, result: job.result, error: job.error }
  }

  /** as_of is never in the future: a report describes what happened. */
  private checkMoment(request: ReportRequest): void {
    if (request.as_of && new Date(request.as_of).toISOString() > this.engine.nowIso()) throw new EngineError('invalid_input', `as_of ${request.as_of} is in the future`, 'as_of')
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.finishedAt !== null).sort((a, b) => a.finishedAt! - b.finishedAt!)
    for (const [index, job] of finished.entries()) {
      if (Date.now() - job.finishedAt! > KEEP_MS || finished.length - index > KEEP_JOBS) this.jobs.delete(job.id)
    }
  }

  /** The export as an audit event, in its own transaction: who, what, parameters, digest. */
  private async record(id: string, request: ReportRequest, actor: Pick<Actor, 'id' | 'name'>, generatedAt: string, report: GeneratedReport): Promise<ReportExport> {
    const exported: ReportExport = {
      id,
      format: request.format,
      filename: report.file.filename,
      scope: report.data.scope,
      as_of: report.data.as_of,
      generated_at: generatedAt,
      generated_by: { id: actor.id, name: actor.name },
      sha256: report.sha256,
      size: report.size,
    }
    await this.engine.mutate(['audit'], (tx) =>
      recordAudit(tx, actor, this.engine.nowIso(), {
        action: 'report.exported',
        entityType: 'report',
        entityId: id,
        // The head the report carries, signed, is kept in the chain too.
        after: { ...exported, parameters: { ...request, as_of: request.as_of ?? null }, ...(report.audit_checkpoint ? { audit_checkpoint: report.audit_checkpoint } : {}) },
      }),
    )
    return exported
  }
}

/** Past exports, newest first, as the audit trail recorded them. */
export async function exportHistory(db: Db, limit: number): Promise<ReportExport[]> {
  const rows = await db.selectFrom('audit_events').select(['after_json']).where('action', '=', 'report.exported').orderBy('id', 'desc').limit(limit).execute()
  return rows.map((row) => {
    const { parameters: _parameters, audit_checkpoint: _signed, ...exported } = JSON.parse(row.after_json!) as ReportExport & { parameters: unknown; audit_checkpoint?: unknown }
    return exported
  })
}

/** Generation in this thread: for tests, and wherever the engine runs without its worker. An audit package's head is signed with `signing`'s key. */
export function generateHere(db: Db, compliance: ComplianceQueries, signing?: HeadSigning): ReportRunner {
  return (request, actor, generatedAt, onProgress, signal) =>
    generateReport(
      db,
      compliance,
      request,
      { generated_at: generatedAt, generated_by: { id: actor.id, name: actor.name } },
      onProgress,
      () => {
        if (signal.aborted) throw new EngineError('conflict', 'The report was cancelled')
      },
      signing,
    )
}
