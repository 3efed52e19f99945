/**
 * Importing a file of per-inference events, all or nothing. The console sends a large file in
 * parts (each checked as it arrives, so a bad line is reported early) and nothing reaches the
 * metric buckets until commit, which re-reads every part in one transaction. The file's content
 * hash is its batch id unless one is given, so importing the same file twice counts it once.
 */
import { createHash } from 'node:crypto'
import { acceptedWindow } from '../../../src-shared/domain/data-limits'
import type { InferenceFormat, InferenceImportResult } from '../../../src-shared/domain/observations'
import { getApplication } from '../applications/applications'
import { recordAudit } from '../audit-trail'
import { queueEvaluation } from '../evaluation-queue'
import type { CallContext, EngineContext } from '../context'
import type { Tx } from '../db/schema'
import { EngineError, notFound } from '../errors'
import { newId } from '../ids'
import { writeBuckets } from './buckets'
import { assertStoredCountsExact } from './exact-buckets'
import { InferenceEvents, lineCount } from './inference-events'
import { inferenceFileFrom, readInferenceFile, type InferenceFile, type InferenceFileReader } from './inference-file'

interface ImportRequest {
  id: string
  format: InferenceFormat
  /** The file; without it, the call's upload is the file. */
  content?: string
  batch_id?: string
}

/**
 * `read` is where the file is read into buckets: on the engine's upload thread where it has one,
 * so half a second of parsing holds up no request.
 */
export async function importInferences(engine: EngineContext, ctx: CallContext, request: ImportRequest, read: InferenceFileReader = readInferenceFile): Promise<InferenceImportResult> {
  if (request.content === undefined && !ctx.upload) throw new EngineError('invalid_input', 'content is required: send the file as content, or as the request body itself', 'content')
  // Refused before a byte of an upload is read.
  await getApplication(engine.db, request.id)
  const file = await read(request.format, acceptedWindow(engine.clock.now()), request.content === undefined ? ctx.upload! : [request.content])
  return engine.mutate(['metrics', 'compliance'], async (tx) => {
    await getApplication(tx, request.id)
    return storeImport(tx, engine, ctx, request.id, file, request.batch_id ?? file.batchId, request.content === undefined ? 'upload' : 'api', 'content')
  }, [request.id])
}

export async function beginImport(engine: EngineContext, ctx: CallContext, request: { id: string; format: InferenceFormat; file_name: string }): Promise<{ import_id: string }> {
  const importId = newId('imp')
  // Staging is bookkeeping: nothing the console shows changes until commit.
  await engine.bookkeep(async (tx) => {
    await getApplication(tx, request.id)
    await tx
      .insertInto('inference_imports')
      .values({ id: importId, application_id: request.id, format: request.format, file_name: request.file_name, created_at: engine.nowIso(), created_by: ctx.actor.id })
      .execute()
  })
  return { import_id: importId }
}

export async function appendImportPart(engine: EngineContext, request: { import_id: string; part: number; text: string }): Promise<{ import_id: string; lines: number }> {
  const staged = await stagedImport(engine, request.import_id)
  const parts = await engine.db.selectFrom('inference_import_parts').select(['part', 'first_line', 'text']).where('import_id', '=', request.import_id).orderBy('part').execute()
  if (request.part !== parts.length) {
    throw new EngineError('invalid_input', `part ${request.part} is out of order; the next part of this import is ${parts.length}`, 'part')
  }
  const firstLine = parts.reduce((line, part) => line + lineCount(part.text), 1)
  // Check this part now, with the header of the first part for CSV, so a bad line is reported at once.
  const check = new InferenceEvents(staged.format as InferenceFormat, acceptedWindow(engine.clock.now()))
  if (staged.format === 'csv' && parts.length > 0) check.add(firstCsvLine(parts[0]!.text), 1)
  check.add(request.text, firstLine)
  await engine.bookkeep(async (tx) => {
    // Checked again under the write lock: two parts sent at once cannot both take one place.
    const { count } = await tx.selectFrom('inference_import_parts').select((eb) => eb.fn.countAll<number>().as('count')).where('import_id', '=', request.import_id).executeTakeFirstOrThrow()
    if (Number(count) !== request.part) throw new EngineError('invalid_input', `part ${request.part} is out of order; the next part of this import is ${count}`, 'part')
    await tx.insertInto('inference_import_parts').values({ import_id: request.import_id, part: request.part, first_line: firstLine, text: request.text }).execute()
  })
  return { import_id: request.import_id, lines: firstLine - 1 + lineCount(request.text) }
}

export async function commitImport(engine: EngineContext, ctx: CallContext, importId: string): Promise<InferenceImportResult> {
  const staged = await stagedImport(engine, importId)
  const parts = await engine.db.selectFrom('inference_import_parts').select(['text', 'first_line']).where('import_id', '=', importId).orderBy('part').execute()
  if (parts.length === 0) throw new EngineError('invalid_input', 'this import has no parts yet; nothing to store', 'import_id')
  const file = inferenceFileFrom(parseParts(engine, staged.format as InferenceFormat, parts), contentBatchId(parts.map((part) => part.text)))
  return engine.mutate(['metrics', 'compliance'], async (tx) => {
    // Cancelled meanwhile (by another window or process): nothing is stored.
    const removed = await tx.deleteFrom('inference_imports').where('id', '=', importId).executeTakeFirst()
    if (Number(removed.numDeletedRows) === 0) throw notFound('import in progress', importId, 'import_id')
    return storeImport(tx, engine, ctx, staged.application_id, file, file.batchId, staged.file_name, 'import_id')
  }, [staged.application_id])
}

export async function cancelImport(engine: EngineContext, importId: string): Promise<{ cancelled: boolean }> {
  const deleted = await engine.bookkeep((tx) => tx.deleteFrom('inference_imports').where('id', '=', importId).executeTakeFirst())
  return { cancelled: Number(deleted.numDeletedRows) > 0 }
}

async function stagedImport(engine: EngineContext, importId: string) {
  const staged = await engine.db.selectFrom('inference_imports').selectAll().where('id', '=', importId).executeTakeFirst()
  if (!staged) throw notFound('import in progress', importId, 'import_id')
  return staged
}

function parseParts(engine: EngineContext, format: InferenceFormat, parts: ReadonlyArray<{ text: string; first_line: number }>): InferenceEvents {
  const events = new InferenceEvents(format, acceptedWindow(engine.clock.now()))
  for (const part of parts) events.add(part.text, part.first_line)
  return events
}

function firstCsvLine(text: string): string {
  const end = text.indexOf('\n')
  return end === -1 ? text : text.slice(0, end + 1)
}

function contentBatchId(texts: readonly string[]): string {
  const hash = createHash('sha256')
  for (const text of texts) hash.update(text)
  return `sha256:${hash.digest('hex')}`
}

/** `field` is the one a refusal names: the file's content, or the import it was sent to. */
async function storeImport(tx: Tx, engine: EngineContext, ctx: CallContext, applicationId: string, events: InferenceFile, batchId: string, source: string, field: string): Promise<InferenceImportResult> {
  const result: InferenceImportResult = {
    application_id: applicationId,
    batch_id: batchId,
    duplicate_batch: false,
    events: events.events,
    buckets: events.buckets.size,
    first_timestamp: events.first === null ? null : new Date(events.first).toISOString(),
    last_timestamp: events.last === null ? null : new Date(events.last).toISOString(),
    ignored_fields: [...events.ignored].sort(),
  }
  const seen = await tx.selectFrom('metric_batches').select('result_json').where('application_id', '=', applicationId).where('batch_id', '=', batchId).executeTakeFirst()
  if (seen) return { ...(JSON.parse(seen.result_json) as InferenceImportResult), duplicate_batch: true }

  const now = engine.nowIso()
  await writeBuckets(tx, applicationId, events.buckets)
  await assertStoredCountsExact(tx, applicationId, events.buckets, field)
  await tx.insertInto('metric_batches').values({ application_id: applicationId, batch_id: batchId, digest: batchId, received_at: now, result_json: JSON.stringify(result) }).execute()
  await recordAudit(tx, ctx.actor, now, { action: 'inferences.imported', entityType: 'application', entityId: applicationId, after: { ...result, source } })
  await queueEvaluation(tx, now, [applicationId])
  return result
}
