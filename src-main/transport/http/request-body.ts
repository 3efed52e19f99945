/**
 * Reading request bodies within limits. The caller has been authenticated and authorised before
 * any of this runs; a body that declares more than its limit is refused before a byte is read,
 * and one that turns out larger, or holds more structure than JSON of its size may (json-bounds.ts),
 * is refused the moment it passes the limit, never buffered whole. Text must be UTF-8.
 */
import { isUtf8 } from 'node:buffer'
import type { Context } from 'hono'
import type { ApiErrorBody } from '../../../src-shared/api/errors'
import { describeJsonBound, jsonBoundsFor, JsonShapeCheck } from '../../../src-shared/api/json-bounds'
import type { Payload } from '../../../src-shared/api/procedure'
import { describeInvalidUtf8, firstInvalidUtf8 } from '../../../src-shared/api/utf8-bytes'
import { EngineError } from '../../engine/errors'

/** The largest body each kind of call may send, in bytes. */
export interface BodyLimits {
  /** Everything but bulk data: a policy, an application, a person. */
  small: number
  /** Monitoring data and files sent inside JSON (metrics, an import's parts). */
  bulk: number
  /**
   * A file sent as the request body itself (CSV or JSON Lines), read as it arrives rather than
   * held, so raising this costs time, not memory.
   */
  upload: number
}

const MB = 1024 * 1024
export const DEFAULT_BODY_LIMITS: BodyLimits = { small: 1 * MB, bulk: 32 * MB, upload: 32 * MB }

export type RequestInput = { ok: true; value: Record<string, unknown> } | { ok: false; error: ApiErrorBody }

export function limitFor(payload: Payload | undefined, limits: BodyLimits): number {
  return payload === 'bulk' ? limits.bulk : payload === 'upload' ? limits.bulk : limits.small
}

function describe(bytes: number): string {
  return bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`
}

export function tooLarge(limit: number): ApiErrorBody {
  return { error: 'too_large', message: `The request body is larger than this call accepts (${describe(limit)}); send less at once, or send a large file as an upload.` }
}

/** A 413 for a body whose Content-Length already says it is too large; nothing is read. */
export function declaredTooLarge(c: Context, limit: number): ApiErrorBody | undefined {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  return Number.isFinite(declared) && declared > limit ? tooLarge(limit) : undefined
}

/**
 * The body's bytes as they arrive, failing with `too_large` as soon as they pass `limit`. What is
 * left unread when the caller stops is the server's to bound (unread-bodies.ts): cancelling the
 * stream here would reset the connection before the refusal could be sent.
 */
export async function* bodyPieces(c: Context, limit: number): AsyncIterable<Uint8Array> {
  const body = c.req.raw.body
  if (!body) return
  const reader = body.getReader()
  let received = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      received += value.byteLength
      if (received > limit) throw new EngineError('too_large', tooLarge(limit).message)
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** A JSON object body, or an error saying what is wrong with it. An empty body is `{}`. */
export async function readJsonObject(c: Context, limit: number): Promise<RequestInput> {
  const declared = declaredTooLarge(c, limit)
  if (declared) return { ok: false, error: declared }
  const pieces: Uint8Array[] = []
  const isJson = (c.req.header('content-type') ?? '').toLowerCase().includes('json')
  // Its structure is counted as it arrives, so a body nested too deep is refused at the byte that
  // goes too deep, and JSON.parse never builds what would cost many times the body's size.
  const shape = isJson ? new JsonShapeCheck(jsonBoundsFor(limit)) : undefined
  try {
    for await (const piece of bodyPieces(c, limit)) {
      const passed = shape?.feedBytes(piece)
      if (passed) return { ok: false, error: { error: 'too_large', message: `The request body ${describeJsonBound(passed)}; this call accepts at most ${boundsSaid(limit)}.` } }
      pieces.push(piece)
    }
  } catch (error) {
    if (error instanceof EngineError) return { ok: false, error: error.toBody() }
    throw error
  }
  const bytes = Buffer.concat(pieces)
  pieces.length = 0
  const utf8 = isUtf8(bytes)
  const text = utf8 ? bytes.toString('utf8') : ''
  if (utf8 && text.trim() === '') return { ok: true, value: {} }
  if (!isJson) {
    return { ok: false, error: { error: 'invalid_json', message: 'Send the request body as JSON (Content-Type: application/json)' } }
  }
  if (!utf8) {
    return { ok: false, error: { error: 'invalid_encoding', message: `The request body is not UTF-8 text, as JSON must be: ${describeInvalidUtf8(firstInvalidUtf8(bytes), bytes)}.` } }
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    return { ok: false, error: { error: 'invalid_json', message: `The request body is not valid JSON: ${(error as Error).message}` } }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: { error: 'invalid_json', message: 'The request body must be a JSON object' } }
  }
  return { ok: true, value: body as Record<string, unknown> }
}

/** Every bound at once, for a client choosing how to split what it sends. */
function boundsSaid(limit: number): string {
  const bounds = jsonBoundsFor(limit)
  const count = (value: number) => value.toLocaleString('en')
  return `${bounds.depth} levels of nesting, ${count(bounds.containers)} objects and arrays, ${count(bounds.members)} member names and ${count(bounds.values)} values (for a body of up to ${describe(limit)})`
}

/** The Content-Types a file sent as the body itself may carry, and the import format each names. */
export const UPLOAD_FORMATS: Readonly<Record<string, 'jsonl' | 'csv'>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/jsonlines': 'jsonl',
  'application/x-jsonlines': 'jsonl',
}

/** The import format an upload's Content-Type names, if it names one. */
export function uploadFormat(c: Context): 'jsonl' | 'csv' | undefined {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  return Object.hasOwn(UPLOAD_FORMATS, type) ? UPLOAD_FORMATS[type] : undefined
}
