import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { errorFromZod } from '../api/errors'
import { IngestRequest, Observation } from './observations'
import { isWellFormedObservation } from './well-formed-observation'

/** The request as the schema alone would parse it: every observation through Observation. */
const BySchemaAlone = z.strictObject({ id: z.string(), observations: z.array(Observation).min(1).max(100_000) })

const timestamp = '2026-03-01T10:00:00.000Z'
const WELL_FORMED: Array<Record<string, unknown>> = [
  { metric: 'pii', timestamp, count: 2, total: 300 },
  { metric: 'availability', timestamp, count: 299, total: 300, id: 'probe-1' },
  { metric: 'requests', timestamp, count: 300 },
  { metric: 'throughput_drop', timestamp, count: 0 },
  { metric: 'latency_p95', timestamp, values: [400, 520.5, 0] },
  { metric: 'latency_p95', timestamp, sum: 4000, count: 8 },
  { metric: 'coherence', timestamp, values: [0.8, 0.9] },
  { metric: 'user_satisfaction', timestamp: '2026-03-01T11:00:00+02:00', sum: 3, count: 1 },
  { metric: 'coherence', timestamp, sum: 2, count: 2 },
  { metric: 'latency_p95', timestamp, values: [86_400_000], id: 'slowest' },
]

const CANDIDATES: unknown[] = [
  undefined, null, '', 'x', 0, -0, 1, -1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 - 1, true, {}, [],
  0.5, 5, 5.5, 8, 86_400_000, 86_400_001, 1e308, Number.MAX_VALUE, -1e-300, 2 ** 53 + 2, -(2 ** 53),
  [1], [-1], [Number.NaN], [0, 2.5], [Infinity], ['1'], [0.5, 1], [1.0000001], [5], [5.5], [86_400_000], [86_400_001], [1e308, 1e308],
  '2026-02-30T00:00:00Z', '2026-02-28T10:00:00+02:00', '2026-02-28T10:00:00.123456Z', '2026-02-28 10:00:00Z', '2026-02-28T10:00:00',
  'a'.repeat(200), 'a'.repeat(201), 'requests', 'pii', 'latency_p95', 'coherence', 'throughput_drop', 'availability',
]
const FIELDS = ['metric', 'timestamp', 'id', 'count', 'total', 'sum', 'values', 'extra']

/** Every well-formed observation with each field set to each candidate, or removed. */
function* variants(): Generator<unknown> {
  for (const base of WELL_FORMED) {
    yield base
    for (const field of FIELDS) {
      const { [field]: _removed, ...without } = base
      yield without
      for (const value of CANDIDATES) yield { ...without, [field]: value }
    }
  }
  yield Object.assign(Object.create(null), WELL_FORMED[0])
  yield new (class Reading {
    metric = 'pii'
    timestamp = timestamp
    count = 1
    total = 2
  })()
  yield [WELL_FORMED[0]]
  yield 'pii'
  yield null
}

describe('observations in an ingest request', () => {
  it('are accepted, refused and worded exactly as the Observation schema alone would', () => {
    let compared = 0
    for (const observation of variants()) {
      const input = { id: 'app_1', observations: [WELL_FORMED[2], observation, WELL_FORMED[4]] }
      const actual = IngestRequest.safeParse(input)
      const expected = BySchemaAlone.safeParse(input)
      expect(actual.success, JSON.stringify(observation)).toBe(expected.success)
      if (expected.success) expect(actual.data).toEqual(expected.data)
      else expect(errorFromZod(actual.error!)).toEqual(errorFromZod(expected.error))
      compared++
    }
    expect(compared).toBeGreaterThan(2000)
  })

  it('takes the quick test for the shapes exporters send, and never for one the schema refuses', () => {
    const anyTimestamp = (text: string) => z.iso.datetime({ offset: true }).safeParse(text).success
    for (const observation of WELL_FORMED) expect(isWellFormedObservation(observation, anyTimestamp), JSON.stringify(observation)).toBe(true)
    for (const observation of variants()) {
      if (isWellFormedObservation(observation, anyTimestamp)) expect(Observation.safeParse(observation).success, JSON.stringify(observation)).toBe(true)
    }
  })

  it('names the index and field of a fault among well-formed observations', () => {
    const observations = [...WELL_FORMED, { metric: 'pii', timestamp, count: 'two', total: 300 }]
    const parsed = IngestRequest.safeParse({ id: 'app_1', observations })
    expect(parsed.success).toBe(false)
    expect(errorFromZod(parsed.error!)).toMatchObject({ field: `observations.${WELL_FORMED.length}.count`, message: `observations.${WELL_FORMED.length}.count: must be a number` })
  })
})
