/**
 * The Reports screen's state: what to report on (scope, moment, format), the engine's preview of
 * it, the report being generated (started, followed every 250 ms, cancellable) and past exports.
 */
import { create } from 'zustand'
import type { Output } from '../../../src-shared/api/contract'
import type { ReportJob } from '../../../src-shared/api/reports'
import type { ReportExport, ReportFormat } from '../../../src-shared/domain/reports'
import { client } from '../../api/client'
import { reportScope, type ReportChoices } from './report-options'

export type ReportPreview = Output<'reports.preview'>

/** How often a running report is asked how far it has got. */
export const POLL_MS = 250

interface Pickable {
  id: string
  name: string
}

interface ReportsState extends ReportChoices {
  format: ReportFormat
  policies: Pickable[]
  applications: Pickable[]
  preview?: ReportPreview
  previewLoading: boolean
  previewError?: string
  /** The report being generated, or the last one, until the choices change. */
  job?: ReportJob
  /** Why the last report could not be started, followed or saved. */
  jobError?: string
  history: ReportExport[]
  historyError?: string
  loadChoices(): Promise<void>
  loadPreview(): Promise<void>
  loadHistory(): Promise<void>
  choose(changes: Partial<ReportChoices & { format: ReportFormat }>): void
  /** Starts the report and follows it to its end; resolves with the finished job (its file fetched and handed on), or undefined. */
  generate(save: (file: Output<'reports.file'>) => void): Promise<ReportJob | undefined>
  cancel(): Promise<void>
}

// Choices change faster than previews answer; only the newest may land.
let previewGeneration = 0

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const messageOf = (failure: unknown) => (failure as Error).message

export const useReports = create<ReportsState>((set, get) => ({
  scopeKind: 'organization',
  policyId: null,
  applicationId: null,
  pastMoment: '',
  format: 'pdf',
  policies: [],
  applications: [],
  previewLoading: false,
  history: [],
  async loadChoices() {
    try {
      const [{ policies }, { applications }] = await Promise.all([client.call('policies.list', { include_archived: false }), client.call('applications.list', {})])
      const byName = (a: Pickable, b: Pickable) => a.name.localeCompare(b.name)
      set({ policies: policies.map(({ id, name }) => ({ id, name })).sort(byName), applications: applications.map(({ id, name }) => ({ id, name })).sort(byName) })
    } catch (failure) {
      set({ previewError: messageOf(failure) })
    }
  },
  async loadPreview() {
    const scope = reportScope(get())
    const current = ++previewGeneration
    if (!scope) {
      set({ preview: undefined, previewError: undefined, previewLoading: false })
      return
    }
    set({ previewLoading: true })
    try {
      const preview = await client.call('reports.preview', scope)
      if (current === previewGeneration) set({ preview, previewError: undefined })
    } catch (failure) {
      if (current === previewGeneration) set({ preview: undefined, previewError: messageOf(failure) })
    } finally {
      if (current === previewGeneration) set({ previewLoading: false })
    }
  },
  async loadHistory() {
    try {
      const { exports } = await client.call('reports.history', { limit: 100 })
      set({ history: exports, historyError: undefined })
    } catch (failure) {
      set({ historyError: messageOf(failure) })
    }
  },
  choose(changes) {
    const running = get().job?.state === 'running'
    set({ ...changes, ...(running ? {} : { job: undefined, jobError: undefined }) })
    if (!('format' in changes && Object.keys(changes).length === 1)) void get().loadPreview()
  },
  async generate(save) {
    const scope = reportScope(get())
    if (!scope || get().job?.state === 'running') return undefined
    set({ jobError: undefined })
    try {
      let job = await client.call('reports.start', { ...scope, format: get().format })
      set({ job })
      while (job.state === 'running') {
        await sleep(POLL_MS)
        job = await client.call('reports.job', { id: job.id })
        // Cancel may have answered already; a poll in flight must not undo what it showed.
        if (get().job?.id === job.id && get().job?.state !== 'cancelled') set({ job })
      }
      if (job.state === 'failed') set({ jobError: job.error ?? 'The report could not be generated.' })
      if (job.state !== 'done') return undefined
      save(await client.call('reports.file', { id: job.id }))
      void get().loadHistory()
      return job
    } catch (failure) {
      set({ jobError: messageOf(failure) })
      return undefined
    }
  },
  async cancel() {
    const job = get().job
    if (!job || job.state !== 'running') return
    try {
      set({ job: await client.call('reports.cancel', { id: job.id }) })
    } catch (failure) {
      set({ jobError: messageOf(failure) })
    }
  },
}))
