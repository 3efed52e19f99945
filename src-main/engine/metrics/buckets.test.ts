import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { BucketAccumulator, writeBuckets, writeNewSeries, type SeriesColumns } from './buckets'
import { addValue, emptyBins, encodeBins } from './latency-sketch'

const fixture = freshEngineForEachTest('buckets', '2026-03-01T10:30:00.000Z')
const FIRST_HOUR = 493_000
const HOURS = 300

/** Every stored bucket of one application, by metric and hour. */
function storedFor(applicationId: string) {
  return fixture.context.db
    .selectFrom('metric_buckets')
    .innerJoin('metric_series', 'metric_series.id', 'metric_buckets.series_id')
    .select(['metric_series.metric', 'hour', 'n', 'total', 'sum', 'sketch'])
    .where('metric_series.application_id', '=', applicationId)
    .orderBy('metric_series.metric')
    .orderBy('hour')
    .execute()
}

/** The same hours as columns and as accumulated buckets: a rate, a score, latency and requests. */
function sameDataBothWays(): { columns: SeriesColumns[]; buckets: BucketAccumulator } {
  const column = (metric: SeriesColumns['metric'], withTotal: boolean, withSum: boolean, latency: boolean): SeriesColumns => ({
    metric,
    firstHour: FIRST_HOUR,
    n: new Float64Array(HOURS),
    total: withTotal ? new Float64Array(HOURS) : null,
    sum: withSum ? new Float64Array(HOURS) : null,
    sketches: latency ? new Array<Uint8Array>(HOURS) : null,
  })
  const columns = [column('pii', true, false, false), column('coherence', false, true, false), column('latency_p95', false, true, true), column('throughput_drop', false, false, false)]
  const buckets = new BucketAccumulator()
  for (let at = 0; at < HOURS; at++) {
    const hour = FIRST_HOUR + at
    const [pii, coherence, latency, requests] = columns as [SeriesColumns, SeriesColumns, SeriesColumns, SeriesColumns]
    pii.n[at] = at % 7
    pii.total![at] = 100 + at
    Object.assign(buckets.bucket('pii', hour), { n: at % 7, total: 100 + at })
    coherence.n[at] = 5
    coherence.sum![at] = 4.25 + at / 1000
    Object.assign(buckets.bucket('coherence', hour), { n: 5, sum: 4.25 + at / 1000 })
    const bins = buckets.bucket('latency_p95', hour).bins!
    const own = emptyBins()
    for (const value of [300 + at, 900, 2_500 - at]) {
      addValue(bins, value, 3)
      addValue(own, value, 3)
    }
    latency.n[at] = 9
    latency.sum![at] = 3_700 * 3
    latency.sketches![at] = encodeBins(own)
    Object.assign(buckets.bucket('latency_p95', hour), { n: 9, sum: 3_700 * 3 })
    requests.n[at] = 40 + at
    buckets.bucket('throughput_drop', hour).n = 40 + at
  }
  return { columns, buckets }
}

describe('whole new series written as columns', () => {
  it('are stored exactly as the same buckets written through ingestion are', async () => {
    await fixture.call('applications.create', { id: 'app_columns', name: 'Columns' })
    await fixture.call('applications.create', { id: 'app_buckets', name: 'Buckets' })
    const { columns, buckets } = sameDataBothWays()
    await fixture.context.mutate(['metrics'], (tx) => writeNewSeries(tx, 'app_columns', columns))
    await fixture.context.mutate(['metrics'], (tx) => writeBuckets(tx, 'app_buckets', buckets))
    const written = await storedFor('app_columns')
    expect(written).toHaveLength(4 * HOURS)
    expect(written).toEqual(await storedFor('app_buckets'))
  })

  it('refuse an application that already has one of the series, writing nothing', async () => {
    await fixture.call('applications.create', { id: 'app_twice', name: 'Twice' })
    const { columns } = sameDataBothWays()
    await fixture.context.mutate(['metrics'], (tx) => writeNewSeries(tx, 'app_twice', columns.slice(0, 1)))
    const before = await storedFor('app_twice')
    await expect(fixture.context.mutate(['metrics'], (tx) => writeNewSeries(tx, 'app_twice', columns))).rejects.toThrow(/already has/)
    expect(await storedFor('app_twice')).toEqual(before)
  })
})
