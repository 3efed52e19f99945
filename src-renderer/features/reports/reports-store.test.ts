import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ReportJob } from '../../../src-shared/api/reports'

const calls: Array<[string, unknown]> = []
let answer: (procedure: string, input: unknown) => unknown
vi.mock('../../api/client', () => ({
  client: {
    call: async (procedure: string, input: unknown) => {
      calls.push([procedure, input])
      return answer(procedure, input)
    },
  },
}))

const { useReports } = await import('./reports-store')

const FILE = { filename: 'compliance-report-organization-2026-03-01T10-30-00Z.pdf', content_type: 'application/pdf', content_base64: 'JVBERi0=' }

function job(state: ReportJob['state'], done = 0): ReportJob {
  return { id: 'rpj_1', state, format: 'pdf', progress: { done, total: 3, activity: 'Drawing the PDF' }, result: null, error: state === 'failed' ? 'The report is larger than 512 MB' : null }
}

beforeEach(() => {
  vi.useFakeTimers()
  calls.length = 0
  useReports.setState({ scopeKind: 'organization', policyId: null, applicationId: null, pastMoment: '', format: 'pdf', job: undefined, jobError: undefined })
})
afterEach(() => vi.useRealTimers())

describe('generating a report from the Reports screen', () => {
  it('follows the job until it is done, then saves its file and reads the history again', async () => {
    const states = [job('running', 1), job('running', 2), job('done', 3)]
    answer = (procedure) => (procedure === 'reports.start' ? job('running') : procedure === 'reports.job' ? states.shift() : procedure === 'reports.file' ? FILE : { exports: [] })
    const saved: unknown[] = []
    const finished = useReports.getState().generate((file) => saved.push(file))
    await vi.runAllTimersAsync()
    expect((await finished)?.state).toBe('done')
    expect(saved).toEqual([FILE])
    expect(calls.map(([procedure]) => procedure)).toEqual(['reports.start', 'reports.job', 'reports.job', 'reports.job', 'reports.file', 'reports.history'])
    expect(calls[0]![1]).toEqual({ format: 'pdf' })
  })

  it('stops following a cancelled job, saves nothing and says it was cancelled', async () => {
    let cancelled = false
    answer = (procedure) => (procedure === 'reports.cancel' ? ((cancelled = true), job('cancelled')) : procedure === 'reports.start' || !cancelled ? job('running') : job('cancelled'))
    const saved: unknown[] = []
    const finished = useReports.getState().generate((file) => saved.push(file))
    await vi.advanceTimersByTimeAsync(600)
    await useReports.getState().cancel()
    await vi.runAllTimersAsync()
    expect(await finished).toBeUndefined()
    expect(useReports.getState().job?.state).toBe('cancelled')
    expect(saved).toEqual([])
    expect(calls.some(([procedure]) => procedure === 'reports.file')).toBe(false)
  })

  it('shows why a report failed', async () => {
    answer = (procedure) => (procedure === 'reports.start' ? job('running') : job('failed'))
    const finished = useReports.getState().generate(() => undefined)
    await vi.runAllTimersAsync()
    expect(await finished).toBeUndefined()
    expect(useReports.getState().jobError).toBe('The report is larger than 512 MB')
  })

  it('does not start while a policy is still to be chosen', async () => {
    useReports.setState({ scopeKind: 'policy' })
    expect(await useReports.getState().generate(() => undefined)).toBeUndefined()
    expect(calls).toEqual([])
  })
})
