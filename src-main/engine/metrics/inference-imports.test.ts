import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'

const fixture = freshEngineForEachTest('inferences', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

async function withPolicy() {
  await call('applications.create', { id: 'app_a', name: 'Assistant' })
  await call('policies.create', {
    name: 'Watch',
    enforcement_delay_days: 0,
    alert_rules: [
      { metric: 'pii', operator: '>', threshold: 10, severity: 'critical' },
      { metric: 'error_rate', operator: '>', threshold: 40, severity: 'critical' },
      { metric: 'latency_p95', operator: '>', threshold: 5000, severity: 'high' },
      { metric: 'coherence', operator: '<', threshold: 0.5, severity: 'medium' },
    ],
    scope: { apply_to_all: true },
  })
}

const requirements = async () => Object.fromEntries((await call('compliance.application', { id: 'app_a' })).policies[0]!.requirements.map((r) => [r.requirement, { value: r.value, volume: r.volume }]))

const JSONL = [
  '{"timestamp": "2026-03-01T08:10:00Z", "latency_ms": 800, "error": false, "pii": true, "coherence": 0.9}',
  '{"timestamp": "2026-03-01T08:20:00Z", "latency_ms": 1200, "error": true, "pii": false, "request_id": "r2"}',
  '',
  '{"timestamp": "2026-03-01T09:05:00Z", "latency_ms": 900, "error": false, "pii": false, "coherence": 0.7}',
  '{"timestamp": "2026-03-01T09:15:00Z", "latency_ms": 1000, "error": false}',
].join('\n')

describe('importing per-inference events', () => {
  it('folds JSONL events into the hourly buckets: each event a request, each flag towards its rate', async () => {
    await withPolicy()
    const result = await call('inferences.import', { id: 'app_a', format: 'jsonl', content: JSONL })
    expect(result).toMatchObject({
      events: 4,
      buckets: 10,
      duplicate_batch: false,
      first_timestamp: '2026-03-01T08:10:00.000Z',
      last_timestamp: '2026-03-01T09:15:00.000Z',
      ignored_fields: ['request_id'],
    })
    const values = await requirements()
    // One PII flag among the three events that were checked for it; one error in four.
    expect(values.pii!.volume).toBe(3)
    expect(values.pii!.value).toBeCloseTo(100 / 3, 8)
    expect(values.error_rate).toEqual({ value: 25, volume: 4 })
    expect(values.coherence).toEqual({ value: 0.8, volume: 2 })
    expect(values.latency_p95!.volume).toBe(4)
    // p95 of 800, 900, 1000, 1200 interpolated between the nearest ranks: 1000 + 0.85 × 200.
    expect(Math.abs(values.latency_p95!.value! - 1170) / 1170).toBeLessThanOrEqual(0.01)
  })

  it('reads CSV with a header, empty cells meaning "not evaluated"', async () => {
    await withPolicy()
    const csv = ['timestamp,latency_ms,error,pii', '2026-03-01T08:10:00Z,800,false,true', '2026-03-01T08:20:00Z,1200,true,', '2026-03-01T09:05:00Z,900,0,0', ''].join('\n')
    expect(await call('inferences.import', { id: 'app_a', format: 'csv', content: csv })).toMatchObject({ events: 3 })
    const values = await requirements()
    expect(values.pii).toEqual({ value: 50, volume: 2 })
    expect(values.error_rate!.value).toBeCloseTo(100 / 3, 10)
  })

  it('refuses the whole file for one bad line, naming the line and field, and stores nothing', async () => {
    await withPolicy()
    const bad = `${JSONL}\n{"timestamp": "2026-03-01T09:20:00Z", "pii": "maybe"}`
    const error = await failure(call('inferences.import', { id: 'app_a', format: 'jsonl', content: bad }))
    expect(error.message).toBe('line 6, pii: must be true or false (got "maybe")')
    expect(error.field).toBe('line 6.pii')
    expect((await requirements()).pii!.volume).toBe(0)
    const csvError = await failure(call('inferences.import', { id: 'app_a', format: 'csv', content: 'timestamp,latency_ms\n2026-03-01T08:10:00Z,fast\n' }))
    expect(csvError.message).toBe('line 2, latency_ms: must be a number of at least 0 (got "fast")')
  })

  it('counts a file imported twice only once', async () => {
    await withPolicy()
    await call('inferences.import', { id: 'app_a', format: 'jsonl', content: JSONL })
    expect(await call('inferences.import', { id: 'app_a', format: 'jsonl', content: JSONL })).toMatchObject({ duplicate_batch: true })
    expect((await requirements()).error_rate!.volume).toBe(4)
  })

  it('takes a large file in parts: each checked on arrival, nothing stored until commit, all or nothing', async () => {
    await withPolicy()
    const lines = JSONL.split('\n')
    const { import_id } = await call('inferences.begin', { id: 'app_a', format: 'jsonl', file_name: 'events.jsonl' })
    expect(await call('inferences.append', { import_id, part: 0, text: `${lines.slice(0, 3).join('\n')}\n` })).toEqual({ import_id, lines: 3 })
    const badPart = await failure(call('inferences.append', { import_id, part: 1, text: '{"timestamp": "2026-03-01T09:05:00Z", "error": "sometimes"}\n' }))
    expect(badPart.message).toBe('line 4, error: must be true or false (got "sometimes")')
    expect(await call('inferences.append', { import_id, part: 1, text: lines.slice(3).join('\n') })).toEqual({ import_id, lines: 5 })
    expect((await requirements()).error_rate!.volume).toBe(0)
    expect(await call('inferences.commit', { import_id })).toMatchObject({ events: 4 })
    expect((await requirements()).error_rate!.volume).toBe(4)
    // The same file again, in one go, is recognised as already imported.
    expect(await call('inferences.import', { id: 'app_a', format: 'jsonl', content: `${lines.slice(0, 3).join('\n')}\n${lines.slice(3).join('\n')}` })).toMatchObject({ duplicate_batch: true })
  })

  it('drops a cancelled import', async () => {
    await withPolicy()
    const { import_id } = await call('inferences.begin', { id: 'app_a', format: 'csv' })
    await call('inferences.append', { import_id, part: 0, text: 'timestamp,error\n2026-03-01T08:10:00Z,true\n' })
    expect(await call('inferences.cancel', { import_id })).toEqual({ cancelled: true })
    expect((await failure(call('inferences.commit', { import_id }))).code).toBe('not_found')
  })
})
