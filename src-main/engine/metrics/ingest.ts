/**
 * Ingesting observations: the whole batch lands in one transaction or not at all. A batch id makes
 * a re-sent batch a no-op; an observation id makes a re-sent observation one.
 */
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import { acceptedWindow, outsideWindow } from '../../../src-shared/domain/data-limits'
import { METRIC_BY_KEY } from '../../../src-shared/domain/metrics'
import { bucketMetric, type IngestRequest, type IngestResult, type ObservationFields } from '../../../src-shared/domain/observations'
import { getApplication } from '../applications/applications'
import { recordAudit } from '../audit-trail'
import { chunks, rowsPerInsert } from '../batch'
import { queueEvaluation } from '../evaluation-queue'
import type { CallContext, EngineContext } from '../context'
import type { Tx } from '../db/schema'
import { EngineError } from '../errors'
import { BucketAccumulator, writeBuckets, type BucketDelta } from './buckets'
import { assertStoredCountsExact } from './exact-buckets'
import { hourOf, hourStart } from './hours'
import { addValue } from './latency-sketch'

type ParsedRequest = z.output<typeof IngestRequest>

function invalidObservation(index: number, field: string, message: string): EngineError {
  return new EngineError('invalid_input', `observations[${index}].${field}: ${message}`, `observations.${index}.${field}`)
}

/** The rules between fields that the schema cannot say: a count within its total; values, or sum and count. */
function checkObservation(o: ObservationFields, index: number): void {
  const kind = METRIC_BY_KEY[bucketMetric(o.metric)].kind
  if (kind === 'rate') {
    if (o.count! > o.total!) throw invalidObservation(index, 'count', `count (${o.count}) cannot exceed total (${o.total})`)
  } else if (kind === 'score' || kind === 'latency') {
    if (o.values !== undefined) {
      if (o.sum !== undefined || o.count !== undefined) throw invalidObservation(index, 'values', 'send either values, or sum and count, not both')
    } else if (o.sum === undefined) throw invalidObservation(index, 'sum', `send values, or sum and count, for ${o.metric}`)
    else if (o.count === undefined) throw invalidObservation(index, 'count', `send values, or sum and count, for ${o.metric}`)
  }
}

/**
 * Each observation is in range, but many of them add up in one bucket: its counts must stay whole
 * numbers JavaScript holds exactly, and its sum finite, or the stored hour would be rounded or
 * Infinity.
 */
function checkAccumulated(bucket: BucketDelta, o: ObservationFields, index: number): void {
  if (bucket.n <= Number.MAX_SAFE_INTEGER && bucket.total <= Number.MAX_SAFE_INTEGER && Number.isFinite(bucket.sum)) return
  const field = bucket.total > Number.MAX_SAFE_INTEGER ? 'total' : o.values ? 'values' : Number.isFinite(bucket.sum) ? 'count' : 'sum'
  throw invalidObservation(index, field, `adds up, with the batch's other ${o.metric} data for ${hourStart(bucket.hour)}, past what one hour can hold exactly (counts up to 2^53 − 1)`)
}

function addObservation(buckets: BucketAccumulator, observation: ObservationFields, timestampMs: number): BucketDelta {
  const bucket = buckets.bucket(bucketMetric(observation.metric), hourOf(timestampMs))
  const values = observation.values
  if (values) {
    let sum = 0
    for (const value of values) {
      sum += value
      if (bucket.bins) addValue(bucket.bins, value)
    }
    bucket.n += values.length
    bucket.sum += sum
  } else if (bucket.bins) {
    // A pre-aggregated sum and count only tell the mean: it stands for every value.
    addValue(bucket.bins, observation.sum! / observation.count!, observation.count!)
    bucket.n += observation.count!
    bucket.sum += observation.sum!
  } else {
    bucket.n += observation.count ?? 0
    bucket.total += observation.total ?? 0
    bucket.sum += observation.sum ?? 0
  }
  return bucket
}

export async function ingestObservations(engine: EngineContext, ctx: CallContext, request: ParsedRequest): Promise<IngestResult> {
  const now = engine.clock.now()
  const window = acceptedWindow(now)
  const observations = request.observations as readonly ObservationFields[]
  const digest = request.batch_id ? batchDigest(observations) : null

  return engine.mutate(['metrics', 'compliance'], async (tx) => {
    await getApplication(tx, request.id)
    if (request.batch_id) {
      const seen = await tx.selectFrom('metric_batches').selectAll().where('application_id', '=', request.id).where('batch_id', '=', request.batch_id).executeTakeFirst()
      if (seen) {
        if (seen.digest !== digest) {
          throw new EngineError('conflict', `batch_id ${request.batch_id} was already used for different observations; use a new batch_id`, 'batch_id')
        }
        return { ...(JSON.parse(seen.result_json) as IngestResult), duplicate_batch: true, accepted: 0, duplicates: request.observations.length, buckets: 0 }
      }
    }

    // One pass: every observation is checked (the first fault refuses the batch, rolling back),
    // and those not seen before are added to their buckets.
    const seenIds = await seenObservationIds(tx, request.id, observations)
    const newIds: string[] = []
    const buckets = new BucketAccumulator()
    let accepted = 0
    // Exporters send many observations per timestamp: parse each distinct one once.
    let lastText = ''
    let lastMs = 0
    for (let index = 0; index < observations.length; index++) {
      const observation = observations[index]!
      checkObservation(observation, index)
      if (observation.timestamp !== lastText) {
        lastText = observation.timestamp
        lastMs = Date.parse(lastText)
        const outside = outsideWindow(lastMs, window)
        if (outside) throw invalidObservation(index, 'timestamp', `${observation.timestamp} ${outside}`)
      }
      if (observation.id !== undefined) {
        if (seenIds.has(observation.id)) continue
        seenIds.add(observation.id)
        newIds.push(observation.id)
      }
      checkAccumulated(addObservation(buckets, observation, lastMs), observation, index)
      accepted++
    }
    for (const slice of chunks(newIds, rowsPerInsert(2))) {
      await tx.insertInto('metric_observation_keys').values(slice.map((key) => ({ application_id: request.id, key }))).execute()
    }
    await writeBuckets(tx, request.id, buckets)
    await assertStoredCountsExact(tx, request.id, buckets, 'observations')

    const at = now.toISOString()
    const outcome: IngestResult = {
      application_id: request.id,
      batch_id: request.batch_id ?? null,
      duplicate_batch: false,
      accepted,
      duplicates: request.observations.length - accepted,
      buckets: buckets.size,
    }
    if (request.batch_id) {
      await tx.insertInto('metric_batches').values({ application_id: request.id, batch_id: request.batch_id, digest: digest!, received_at: at, result_json: JSON.stringify(outcome) }).execute()
    }
    if (buckets.size > 0) {
      await recordAudit(tx, ctx.actor, at, {
        action: 'metrics.ingested',
        entityType: 'application',
        entityId: request.id,
        after: { ...outcome, from: hourStart(buckets.firstHour), to: hourStart(buckets.lastHour + 1) },
      })
      await queueEvaluation(tx, at, [request.id])
    }
    return outcome
  }, [request.id])
}

/**
 * What a batch id stands for: its observations with their fields in one fixed order (the
 * schema's), so a re-sent batch matches however its sender ordered the fields.
 */
function batchDigest(observations: readonly ObservationFields[]): string {
  const canonical = observations.map(({ metric, timestamp, id, count, total, values, sum }) =>
    values !== undefined || sum !== undefined ? { metric, timestamp, id, values, sum, count } : { metric, timestamp, id, count, total },
  )
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}

/** The observation ids of this batch that were stored before. */
async function seenObservationIds(tx: Tx, applicationId: string, observations: readonly ObservationFields[]): Promise<Set<string>> {
  const seen = new Set<string>()
  const ids = new Set<string>()
  for (const observation of observations) if (observation.id !== undefined) ids.add(observation.id)
  const keys = [...ids]
  for (const slice of chunks(keys, rowsPerInsert(1))) {
    const rows = await tx.selectFrom('metric_observation_keys').select('key').where('application_id', '=', applicationId).where('key', 'in', slice).execute()
    for (const row of rows) seen.add(row.key)
  }
  return seen
}
