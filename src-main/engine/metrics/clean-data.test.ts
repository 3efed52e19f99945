import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { failure } from '../../testing/refusal'

const NOW = '2026-03-01T10:30:00.000Z'
const fixture = freshEngineForEachTest('clean-data', NOW)
const call: typeof fixture.call = (...args) => fixture.call(...args)
const MINUTE = 60_000
const DAY = 86_400_000
const at = (offsetMs: number) => new Date(fixture.clock.now().getTime() + offsetMs).toISOString()
const anHourAgo = () => at(-60 * MINUTE)

async function storedBuckets() {
  return fixture.context.db.selectFrom('metric_buckets').selectAll().execute()
}

/** Sends one observation among well-formed ones and returns the refusal. */
async function refusal(observation: object, before: object[] = [{ metric: 'requests', timestamp: anHourAgo(), count: 10 }]) {
  await call('applications.create', { id: 'app_a', name: 'Assistant' })
  const error = await failure(call('metrics.ingest', { id: 'app_a', observations: [...before, observation] as never }))
  expect(error.code).toBe('invalid_input')
  expect(await storedBuckets()).toEqual([])
  return error
}

describe('observations that cannot be true are refused whole, naming the observation and field', () => {
  it('refuses a negative sum for latency and for scores', async () => {
    for (const metric of ['latency_p95', 'coherence', 'user_satisfaction']) {
      const error = await refusal({ metric, timestamp: anHourAgo(), sum: -1, count: 2 })
      expect(error).toMatchObject({ field: 'observations.1.sum', message: 'observations.1.sum: cannot be negative' })
      await fixture.context.bookkeep((tx) => tx.deleteFrom('applications').execute())
    }
  })

  it('refuses a coherence above 1, naming the observation and field', async () => {
    const error = await refusal({ metric: 'coherence', timestamp: anHourAgo(), values: [0.9, 1.2] })
    expect(error).toMatchObject({ field: 'observations.1.values.1', message: 'observations.1.values.1: must be at most 1 (coherence is a score from 0 to 1)' })
  })

  it('refuses a user satisfaction above 5', async () => {
    const error = await refusal({ metric: 'user_satisfaction', timestamp: anHourAgo(), values: [5.5] })
    expect(error.field).toBe('observations.1.values.0')
  })

  it('refuses a latency above one day (86,400,000 ms)', async () => {
    const error = await refusal({ metric: 'latency_p95', timestamp: anHourAgo(), values: [400, DAY + 1] })
    expect(error).toMatchObject({ field: 'observations.1.values.1', message: expect.stringContaining('at most 86400000') })
  })

  it('refuses a sum and count whose mean is out of range, and takes one whose mean is in range', async () => {
    const error = await refusal({ metric: 'coherence', timestamp: anHourAgo(), sum: 3, count: 2 })
    expect(error).toMatchObject({ field: 'observations.1.sum', message: expect.stringContaining('the mean (sum / count = 1.5) must be at most 1') })
    expect(await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'coherence', timestamp: anHourAgo(), sum: 2, count: 2 }] })).toMatchObject({ accepted: 1 })
  })

  it('refuses values too large to add up, rather than storing a sum of Infinity', async () => {
    const error = await refusal({ metric: 'latency_p95', timestamp: anHourAgo(), values: [1e308, 1e308] })
    expect(error.field).toBe('observations.1.values.0')
  })

  it('refuses a count beyond 2^53 − 1, which would be stored rounded', async () => {
    const error = await refusal({ metric: 'pii', timestamp: anHourAgo(), count: 1, total: 2 ** 53 })
    expect(error).toMatchObject({ field: 'observations.1.total', message: 'observations.1.total: must be at most 9007199254740991 (2^53 − 1)' })
  })

  it('refuses a count above its total', async () => {
    const error = await refusal({ metric: 'error_rate', timestamp: anHourAgo(), count: 11, total: 10 })
    expect(error.field).toBe('observations.1.count')
  })

  it('refuses observations that add up, within one hour, past what can be counted exactly', async () => {
    const largest = Number.MAX_SAFE_INTEGER
    const rates = await refusal({ metric: 'pii', timestamp: anHourAgo(), count: 0, total: largest }, [{ metric: 'pii', timestamp: anHourAgo(), count: 0, total: 1 }])
    expect(rates).toMatchObject({ field: 'observations.1.total', message: expect.stringContaining('past what one hour can hold exactly') })
    await fixture.context.bookkeep((tx) => tx.deleteFrom('applications').execute())
    const requests = await refusal({ metric: 'requests', timestamp: anHourAgo(), count: largest }, [{ metric: 'throughput_drop', timestamp: anHourAgo(), count: 1 }])
    expect(requests.field).toBe('observations.1.count')
  })
})

describe('hours that already hold data', () => {
  it('refuses a batch that would bring a stored hour past 2^53 − 1, and keeps what was stored', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const hour = anHourAgo()
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: hour, count: 1, total: Number.MAX_SAFE_INTEGER - 10 }] })
    const before = await storedBuckets()
    const error = await failure(call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: hour, count: 1, total: 20 }] }))
    expect(error).toMatchObject({ code: 'invalid_input', field: 'observations', message: expect.stringContaining('would count past 2^53 − 1') })
    expect(await storedBuckets()).toEqual(before)
  })

  it('refuses a per-inference file that would bring a stored hour past 2^53 − 1', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const hour = anHourAgo()
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: hour, count: Number.MAX_SAFE_INTEGER }] })
    const error = await failure(call('inferences.import', { id: 'app_a', format: 'jsonl', content: `{"timestamp": "${hour}"}` }))
    expect(error).toMatchObject({ code: 'invalid_input', field: 'content' })
  })
})

describe('the time window of monitoring data', () => {
  it('refuses data more than five minutes ahead of the clock, and takes data within them', async () => {
    const error = await refusal({ metric: 'requests', timestamp: at(5 * MINUTE + 1000), count: 1 })
    expect(error).toMatchObject({ field: 'observations.1.timestamp', message: expect.stringContaining('is more than 5 minutes ahead of the console’s clock') })
    expect(await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: at(5 * MINUTE), count: 1 }] })).toMatchObject({ accepted: 1 })
  })

  it('refuses data older than the 400-day retention window, and year 0001', async () => {
    const error = await refusal({ metric: 'requests', timestamp: at(-400 * DAY - 1000), count: 1 })
    expect(error).toMatchObject({ field: 'observations.1.timestamp', message: expect.stringContaining('is older than the 400-day retention window') })
    const ancient = await failure(call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: '0001-01-01T00:00:00Z', count: 1 }] }))
    expect(ancient.field).toBe('observations.0.timestamp')
    expect(await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: at(-399 * DAY), count: 1 }] })).toMatchObject({ accepted: 1 })
  })

  it('measures both limits from the engine’s clock, not the computer’s', async () => {
    fixture.clock.set('2019-06-01T12:00:00.000Z')
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    expect(await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: '2019-06-01T11:00:00Z', count: 1 }] })).toMatchObject({ accepted: 1 })
    const ahead = await failure(call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'requests', timestamp: '2019-06-01T13:00:00Z', count: 1 }] }))
    expect(ahead.field).toBe('observations.0.timestamp')
  })
})

describe('per-inference files', () => {
  async function importRefusal(content: string, format: 'jsonl' | 'csv' = 'jsonl') {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const error = await failure(call('inferences.import', { id: 'app_a', format, content }))
    expect(error.code).toBe('invalid_input')
    expect(await storedBuckets()).toEqual([])
    return error
  }

  it('refuses a value outside its metric’s range, naming the line and column', async () => {
    const lines = [`{"timestamp": "${anHourAgo()}", "coherence": 0.5}`, `{"timestamp": "${anHourAgo()}", "coherence": 1.5}`]
    expect(await importRefusal(lines.join('\n'))).toMatchObject({ field: 'line 2.coherence', message: 'line 2, coherence: must be at most 1 (coherence is a score from 0 to 1) (got 1.5)' })
    await fixture.context.bookkeep((tx) => tx.deleteFrom('applications').execute())
    const csv = `timestamp,latency_ms,user_satisfaction\n${anHourAgo()},90000000,4\n`
    expect(await importRefusal(csv, 'csv')).toMatchObject({ field: 'line 2.latency_ms' })
  })

  it('refuses events more than five minutes ahead or older than the retention window, naming the line', async () => {
    const ahead = await importRefusal(`{"timestamp": "${anHourAgo()}"}\n{"timestamp": "${at(6 * MINUTE)}"}`)
    expect(ahead).toMatchObject({ field: 'line 2.timestamp', message: expect.stringContaining('more than 5 minutes ahead') })
    await fixture.context.bookkeep((tx) => tx.deleteFrom('applications').execute())
    const old = await importRefusal(`{"timestamp": 1}`)
    expect(old).toMatchObject({ field: 'line 1.timestamp', message: expect.stringContaining('older than the 400-day retention window') })
  })

  it('checks each part of a file sent in parts against the same window as it arrives', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const { import_id } = await call('inferences.begin', { id: 'app_a', format: 'jsonl' })
    const error = await failure(call('inferences.append', { import_id, part: 0, text: `{"timestamp": "${at(10 * MINUTE)}"}\n` }))
    expect(error.field).toBe('line 1.timestamp')
  })

  it('refuses blank, hexadecimal and list values where a number or flag is expected, rather than reading them as one', async () => {
    const cases: Array<[string, string]> = [
      [`{"timestamp": "${anHourAgo()}", "latency_ms": "   "}`, 'line 1.latency_ms'],
      [`{"timestamp": "${anHourAgo()}", "latency_ms": "0x1F"}`, 'line 1.latency_ms'],
      [`{"timestamp": "${anHourAgo()}", "coherence": [0.5]}`, 'line 1.coherence'],
      [`{"timestamp": "${anHourAgo()}", "pii": [1]}`, 'line 1.pii'],
      [`{"timestamp": ["${anHourAgo()}"]}`, 'line 1.timestamp'],
    ]
    for (const [content, field] of cases) {
      expect(await importRefusal(content), content).toMatchObject({ field })
      await fixture.context.bookkeep((tx) => tx.deleteFrom('applications').execute())
    }
  })

  it('refuses a date that does not exist, such as 30 February, rather than rolling it into March', async () => {
    fixture.clock.set('2026-03-03T00:00:00.000Z')
    expect(await importRefusal('{"timestamp": "2026-02-30T10:00:00Z"}')).toMatchObject({ field: 'line 1.timestamp', message: expect.stringContaining('is not a valid date and time') })
  })

  it('names the line of the whole file when a part is not valid CSV', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const { import_id } = await call('inferences.begin', { id: 'app_a', format: 'csv' })
    await call('inferences.append', { import_id, part: 0, text: `timestamp,error\n${anHourAgo()},false\n` })
    const error = await failure(call('inferences.append', { import_id, part: 1, text: `${anHourAgo()},"true\n` }))
    expect(error).toMatchObject({ code: 'invalid_input', field: 'line 3', message: expect.stringMatching(/^line 3: is not valid CSV/) })
  })

  it('ignores columns named like built-in object properties, such as constructor', async () => {
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    const content = `{"timestamp": "${anHourAgo()}", "constructor": 1, "__proto__": {"pii": true}, "toString": "x"}`
    const result = await call('inferences.import', { id: 'app_a', format: 'jsonl', content })
    expect(result).toMatchObject({ events: 1, ignored_fields: ['__proto__', 'constructor', 'toString'] })
    const csv = await call('inferences.import', { id: 'app_a', format: 'csv', content: `timestamp,constructor,hasOwnProperty\n${at(-2 * 60 * MINUTE)},1,2\n` })
    expect(csv).toMatchObject({ events: 1, ignored_fields: ['constructor', 'hasownproperty'] })
  })
})
