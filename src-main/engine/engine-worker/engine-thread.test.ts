import { afterAll, describe, expect, it } from 'vitest'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'

const folder = tempFolder()
afterAll(() => folder.remove())

// Always with the threads, whichever project runs it: this is the thread's own behaviour.
describe('the report thread', () => {
  it('cancels one report without failing the others it was drawing, or the one started next', async () => {
    const { engine } = await openTestEngine(folder.path('cancel.sqlite'), '2026-03-01T10:00:00.000Z', { evaluateInWorker: true })
    const call = caller(engine)
    await call('applications.create', { id: 'app_chat', name: 'Chat Assistant' })
    const untilEnded = async (id: string) => {
      let job = await call('reports.job', { id })
      while (job.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 10))
        job = await call('reports.job', { id })
      }
      return job.state
    }
    // The thread starts with the first report, so the cancel reaches it while both are being drawn.
    const cancelled = await call('reports.start', { format: 'pdf' })
    const beside = await call('reports.start', { format: 'pdf', application_id: 'app_chat' })
    expect((await call('reports.cancel', { id: cancelled.id })).state).toBe('cancelled')
    const next = await call('reports.start', { format: 'csv' })
    expect(await untilEnded(beside.id)).toBe('done')
    expect(await untilEnded(next.id)).toBe('done')
    expect((await call('reports.history', {})).exports.map((entry) => entry.id).sort()).toEqual([beside.id, next.id].sort())
    await engine.close()
  })
})
