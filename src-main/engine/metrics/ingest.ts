/**
 * Ingesting observations: the whole batch lands in one transaction or not at all. A batch id makes
 * a re-sent batch a no-op; an observation id makes a re-sent observation one.
 */
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import { bucketMetric, type IngestRequest, type IngestResult, type Observation } from '../../../src-shared/domain/observations'
import { getApplication } from '../applications/applications'
import { recordAudit } from '../audit/audit'
import { chunks, rowsPerInsert } from '../batch'
import { queueEvaluation } from '../compliance/evaluation-queue'
import type { CallContext, EngineContext } from '../context'
import type { Tx } from '../db/schema'
import { EngineError } from '../errors'
import { BucketAccumulator, writeBuckets } from './buckets'
import { HOUR_MS, hourOf, hourStart } from './hours'
import { addValue } from './latency-sketch'

type ParsedRequest = z.output<typeof IngestRequest>

/** Data more than an hour ahead of the clock is a clock or unit mistake, not monitoring data. */
const FUTURE_TOLERANCE_MS = HOUR_MS

export function addObservation(buckets: BucketAccumulator, observation: Observation, timestampMs: number): void {
  const bucket = buckets.bucket(bucketMetric(observation.metric), hourOf(timestampMs))
  if (bucket.bins) {
    if (observation.values) {
      for (const value of observation.values) addValue(bucket.bins, value)
      bucket.n += observation.values.length
      bucket.sum += observation.values.reduce((a, b) => a + b, 0)
    } else {
      // A pre-aggregated sum and count only tell the mean: it stands for every value.
      addValue(bucket.bins, observation.sum! / observation.count!, observation.count!)
      bucket.n += observation.count!
      bucket.sum += observation.sum!
    }
  } else if (observation.values) {
    bucket.n += observation.values.length
    bucket.sum += observation.values.reduce((a, b) => a + b, 0)
  } else {
    bucket.n += observation.count ?? 0
    bucket.total += observation.total ?? 0
    bucket.sum += observation.sum ?? 0
  }
}

export async function ingestObservations(engine: EngineContext, ctx: CallContext, request: ParsedRequest): Promise<IngestResult> {
  const now = engine.clock.now()
  const latest = now.getTime() + FUTURE_TOLERANCE_MS
  const times = request.observations.map((observation, index) => {
    const ms = Date.parse(observation.timestamp)
    if (ms > latest) {
      throw new EngineError('invalid_input', `observations[${index}].timestamp ${observation.timestamp} is in the future`, `observations.${index}.timestamp`)
    }
    return ms
  })
  const digest = request.batch_id ? createHash('sha256').update(JSON.stringify(request.observations)).digest('hex') : null

  const result = await engine.mutate(['metrics', 'compliance'], async (tx) => {
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

    const fresh = await unseenObservations(tx, request.id, request.observations)
    const buckets = new BucketAccumulator()
    for (const index of fresh) addObservation(buckets, request.observations[index]!, times[index]!)
    await writeBuckets(tx, engine.sqlite, request.id, buckets)

    const at = now.toISOString()
    const outcome: IngestResult = {
      application_id: request.id,
      batch_id: request.batch_id ?? null,
      duplicate_batch: false,
      accepted: fresh.length,
      duplicates: request.observations.length - fresh.length,
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
  })
  return result
}

/** Indexes of the observations to store: those without an id, and the first of each id never seen before. */
async function unseenObservations(tx: Tx, applicationId: string, observations: readonly Observation[]): Promise<number[]> {
  const keyed = observations.some((observation) => observation.id !== undefined)
  if (!keyed) return observations.map((_, index) => index)
  const keys = [...new Set(observations.flatMap((observation) => (observation.id === undefined ? [] : [observation.id])))]
  const seen = new Set<string>()
  for (const slice of chunks(keys, rowsPerInsert(1))) {
    const rows = await tx.selectFrom('metric_observation_keys').select('key').where('application_id', '=', applicationId).where('key', 'in', slice).execute()
    for (const row of rows) seen.add(row.key)
  }
  const fresh: number[] = []
  const added: string[] = []
  observations.forEach((observation, index) => {
    if (observation.id === undefined) fresh.push(index)
    else if (!seen.has(observation.id)) {
      seen.add(observation.id)
      added.push(observation.id)
      fresh.push(index)
    }
  })
  for (const slice of chunks(added, rowsPerInsert(2))) {
    await tx.insertInto('metric_observation_keys').values(slice.map((key) => ({ application_id: applicationId, key }))).execute()
  }
  return fresh
}
