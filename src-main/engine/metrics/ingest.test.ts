import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { emptyBins, encodeBins, addValue, mergeEncoded, quantile } from './latency-sketch'
import { failure } from '../../testing/refusal'

const fixture = freshEngineForEachTest('ingest', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)
const HOUR = 3_600_000
const hoursAgo = (hours: number) => new Date(fixture.clock.now().getTime() - hours * HOUR).toISOString()

async function app(id = 'app_a') {
  await call('applications.create', { id, name: id })
}

/** The last 24 hours of one metric, as stored, for one application. */
async function bucketRows(metric: string) {
  return fixture.context.db
    .selectFrom('metric_buckets')
    .innerJoin('metric_series', 'metric_series.id', 'metric_buckets.series_id')
    .select(['hour', 'n', 'total', 'sum'])
    .where('metric_series.metric', '=', metric)
    .orderBy('hour')
    .execute()
}

describe('a batch of observations', () => {
  it('is stored whole, into hourly buckets that add up counts and totals', async () => {
    await app()
    const result = await call('metrics.ingest', {
      id: 'app_a',
      observations: [
        { metric: 'pii', timestamp: '2026-03-01T08:05:00Z', count: 5, total: 10 },
        { metric: 'pii', timestamp: '2026-03-01T08:55:00Z', count: 0, total: 90 },
        { metric: 'pii', timestamp: '2026-03-01T09:10:00Z', count: 0, total: 900 },
      ],
    })
    expect(result).toEqual({ application_id: 'app_a', batch_id: null, duplicate_batch: false, accepted: 3, duplicates: 0, buckets: 2 })
    expect(await bucketRows('pii')).toEqual([
      { hour: Date.parse('2026-03-01T08:00:00Z') / HOUR, n: 5, total: 100, sum: null },
      { hour: Date.parse('2026-03-01T09:00:00Z') / HOUR, n: 0, total: 900, sum: null },
    ])
  })

  it('is refused whole when one observation is wrong, naming its index and field, and nothing is written', async () => {
    await app()
    const error = await failure(
      call('metrics.ingest', {
        id: 'app_a',
        observations: [
          { metric: 'pii', timestamp: hoursAgo(1), count: 1, total: 10 },
          { metric: 'toxicity', timestamp: hoursAgo(1), count: 1, total: 10 },
          { metric: 'error_rate', timestamp: hoursAgo(1), count: 3 },
        ],
      }),
    )
    expect(error).toMatchObject({ code: 'invalid_input', field: 'observations.2.total' })
    expect(error.message).toBe('total (how many were checked) is required')
    expect(await bucketRows('pii')).toEqual([])
    expect((await call('audit.list', { action: 'metrics.ingested' })).events).toEqual([])
  })

  it('refuses counts above totals, unknown metrics, fields that do not apply, and data from the future', async () => {
    await app()
    const cases: Array<[object, string]> = [
      [{ metric: 'pii', timestamp: hoursAgo(1), count: 11, total: 10 }, 'observations.0.count'],
      [{ metric: 'bogus', timestamp: hoursAgo(1), count: 1 }, 'observations.0.metric'],
      [{ metric: 'coherence', timestamp: hoursAgo(1), count: 1, total: 2 }, 'observations.0.total'],
      [{ metric: 'requests', timestamp: hoursAgo(-3), count: 10 }, 'observations.0.timestamp'],
      [{ metric: 'latency_p95', timestamp: 'yesterday', values: [1] }, 'observations.0.timestamp'],
    ]
    for (const [observation, field] of cases) {
      const error = await failure(call('metrics.ingest', { id: 'app_a', observations: [observation as never] }))
      expect(error.field).toBe(field)
    }
  })

  it('is not counted twice when re-sent with the same batch id, and a reused id with other data is a conflict', async () => {
    await app()
    const batch = { id: 'app_a', batch_id: 'exporter-2026-03-01T09', observations: [{ metric: 'pii' as const, timestamp: hoursAgo(1), count: 2, total: 50 }] }
    expect((await call('metrics.ingest', batch)).duplicate_batch).toBe(false)
    expect(await call('metrics.ingest', batch)).toMatchObject({ duplicate_batch: true, accepted: 0 })
    // The same observations with their fields in another order are the same batch.
    const reordered = batch.observations.map(({ total, count, timestamp, metric }) => ({ total, count, timestamp, metric }))
    expect(await call('metrics.ingest', { ...batch, observations: reordered })).toMatchObject({ duplicate_batch: true, accepted: 0 })
    expect((await bucketRows('pii'))[0]).toMatchObject({ n: 2, total: 50 })
    const error = await failure(call('metrics.ingest', { ...batch, observations: [{ ...batch.observations[0]!, count: 3 }] }))
    expect(error).toMatchObject({ code: 'conflict', field: 'batch_id' })
  })

  it('skips observations whose id was seen before, within a batch and across batches', async () => {
    await app()
    const observation = { metric: 'requests' as const, timestamp: hoursAgo(1), count: 100, id: 'obs-1' }
    expect(await call('metrics.ingest', { id: 'app_a', observations: [observation, observation] })).toMatchObject({ accepted: 1, duplicates: 1 })
    expect(await call('metrics.ingest', { id: 'app_a', observations: [observation, { ...observation, id: 'obs-2' }] })).toMatchObject({ accepted: 1, duplicates: 1 })
    expect((await bucketRows('throughput_drop'))[0]).toMatchObject({ n: 200 })
  })

  it('answers not_found for an unknown application', async () => {
    const error = await failure(call('metrics.ingest', { id: 'app_nope', observations: [{ metric: 'requests', timestamp: hoursAgo(1), count: 1 }] }))
    expect(error).toMatchObject({ code: 'not_found', field: 'id' })
  })
})

describe('merging', () => {
  it('pools rates over a window as counts over totals, never as an average of percentages', async () => {
    await app()
    await call('policies.create', { name: 'PII watch', alert_rules: [{ metric: 'pii', operator: '>', threshold: 10, severity: 'high' }], scope: { apply_to_all: true } })
    // 50% of 10 and 0% of 990: pooled 0.5%, where the mean of percentages would say 25%.
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: hoursAgo(3), count: 5, total: 10 }, { metric: 'pii', timestamp: hoursAgo(2), count: 0, total: 990 }] })
    const [policy] = (await call('compliance.application', { id: 'app_a' })).policies
    expect(policy!.requirements[0]).toMatchObject({ value: 0.5, volume: 1000, outcome: 'pass' })
  })

  it('pools scores as sums over counts, from raw values and pre-aggregated sums alike', async () => {
    await app()
    await call('policies.create', { name: 'Quality', alert_rules: [{ metric: 'user_satisfaction', operator: '<', threshold: 3.5, severity: 'medium' }], scope: { apply_to_all: true } })
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'user_satisfaction', timestamp: hoursAgo(3), values: [4, 5] }, { metric: 'user_satisfaction', timestamp: hoursAgo(1), sum: 30, count: 10 }] })
    const [policy] = (await call('compliance.application', { id: 'app_a' })).policies
    expect(policy!.requirements[0]).toMatchObject({ value: 3.25, volume: 12, outcome: 'breach' })
    expect(policy!.status).toBe('warning')
  })

  it('keeps p95 latency within 1% of the exact value over any window, across hours and batches', async () => {
    await app()
    await call('policies.create', { name: 'Latency', alert_rules: [{ metric: 'latency_p95', operator: '>', threshold: 5000, severity: 'high' }], scope: { apply_to_all: true } })
    // A heavy-tailed, deterministic spread of response times over 20 hours.
    let seed = 7
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    const all: number[] = []
    for (let hour = 1; hour <= 20; hour++) {
      const values = Array.from({ length: 1000 }, () => Math.round(200 * Math.exp(1.2 * Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()))))
      all.push(...values)
      for (const half of [values.slice(0, 500), values.slice(500)]) await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'latency_p95', timestamp: hoursAgo(hour), values: half }] })
    }
    all.sort((a, b) => a - b)
    // The 95th percentile as numpy computes it: linear between the nearest ranks.
    const rank = 0.95 * (all.length - 1)
    const exact = all[Math.floor(rank)]! + (rank - Math.floor(rank)) * (all[Math.ceil(rank)]! - all[Math.floor(rank)]!)
    const [policy] = (await call('compliance.application', { id: 'app_a' })).policies
    const measured = policy!.requirements[0]!.value!
    expect(Math.abs(measured - exact) / exact).toBeLessThanOrEqual(0.01)
    expect(policy!.requirements[0]!.volume).toBe(20_000)
  })

  it('merges encoded sketches exactly as one sketch of all the values', () => {
    const a = emptyBins()
    const b = emptyBins()
    const whole = emptyBins()
    for (let i = 0; i < 5000; i++) {
      const value = (i * 7919) % 10_000
      addValue(i % 2 ? a : b, value)
      addValue(whole, value)
    }
    const merged = emptyBins()
    mergeEncoded(merged, encodeBins(a))
    mergeEncoded(merged, encodeBins(b))
    for (const q of [0.5, 0.95, 0.99]) expect(quantile(merged, q)).toBe(quantile(whole, q))
  })
})
