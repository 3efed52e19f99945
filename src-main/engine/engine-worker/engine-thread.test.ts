import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { caller, openTestEngine, TEST_OWNER, tempFolder } from '../../testing/workspace'

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

describe('the file thread', () => {
  it('reads an uploaded file in pieces split inside a character, and refuses a bad line without storing any of the file', async () => {
    const { engine } = await openTestEngine(folder.path('files.sqlite'), '2026-03-01T10:00:00.000Z', { evaluateInWorker: true })
    const call = caller(engine)
    await call('applications.create', { id: 'app_chat', name: 'Chat Assistant' })
    const file = Buffer.from('timestamp,latency_ms,error,note\n2026-03-01T09:10:00Z,800,false,café\n2026-03-01T09:20:00Z,1200,true,ok\n2026-03-01T08:05:00Z,400,false,ok\n')
    const cut = file.indexOf('é') + 1
    async function* pieces(...parts: Buffer[]) {
      for (const part of parts) yield part
    }
    const imported = await engine.handlers['inferences.import']({ id: 'app_chat', format: 'csv' }, { actor: TEST_OWNER, upload: pieces(file.subarray(0, cut), file.subarray(cut)) })
    // Written out by hand: three events over two hours; requests, errors and latency in each hour make six buckets.
    expect(imported).toMatchObject({ events: 3, buckets: 6, duplicate_batch: false, first_timestamp: '2026-03-01T08:05:00.000Z', last_timestamp: '2026-03-01T09:20:00.000Z', ignored_fields: ['note'] })
    expect(imported.batch_id).toBe(`sha256:${createHash('sha256').update(file).digest('hex')}`)

    const bad = Buffer.from('timestamp,latency_ms\n2026-03-01T09:10:00Z,800\n2026-03-01T09:11:00Z,fast\n')
    await expect(engine.handlers['inferences.import']({ id: 'app_chat', format: 'csv' }, { actor: TEST_OWNER, upload: pieces(bad, Buffer.from('2026-03-01T09:12:00Z,900\n')) })).rejects.toThrow('line 3, latency_ms: must be a number of at least 0 (got "fast")')
    const notText = Buffer.from('timestamp,latency_ms\n2026-03-01T09:10:00Z,8\xff0\n', 'latin1')
    await expect(engine.handlers['inferences.import']({ id: 'app_chat', format: 'csv' }, { actor: TEST_OWNER, upload: pieces(notText) })).rejects.toThrow('not UTF-8')
    const audit = await call('audit.list', {})
    expect(audit.events.filter((event) => event.action === 'inferences.imported')).toHaveLength(1)
    await engine.close()
  })
})
