/**
 * The public REST API under /api/v1, derived from the contract: each procedure with a `rest`
 * route answers there. Path parameters, query strings and JSON bodies are joined into the
 * procedure's input, then go through the same dispatch as every other transport. A procedure
 * that takes a file also takes it as the body itself (CSV or JSON Lines), read as it arrives.
 */
import type { Context, Hono } from 'hono'
import { contract } from '../../../src-shared/api/contract'
import type { ApiErrorBody, Result } from '../../../src-shared/api/errors'
import { BinaryFile, CsvFile, type Procedure, type RestRoute } from '../../../src-shared/api/procedure'
import type { Engine } from '../../engine/engine'
import { authorize, dispatch } from '../dispatch'
import { AnswerCache, CACHED_PROCEDURES } from './answer-cache'
import { errorResponse } from './error-response'
import { answerKept, wantsCurrentAnswer } from './kept-reads'
import { bodyPieces, declaredTooLarge, DEFAULT_BODY_LIMITS, limitFor, readJsonObject, uploadFormat, type BodyLimits } from './request-body'
import type { HttpEnv } from './request-log'

export { errorResponse }

/** Where the REST API answers; every route's path is under it. */
export const API_BASE_PATH = '/api/v1'

export function sendResult(c: Context, result: Result<unknown>, successStatus = 200, produces?: RestRoute['produces']): Response {
  if (!result.ok) return errorResponse(c, result.error)
  if (result.replayed) c.header('Idempotent-Replayed', 'true')
  if (successStatus === 204) return c.body(null, 204)
  if (produces === 'text/csv') return sendCsvFile(c, CsvFile.parse(result.value))
  if (produces === 'file') return sendBinaryFile(c, BinaryFile.parse(result.value))
  return c.json(result.value as object, successStatus as 200)
}

/**
 * The sender's id for a change (`Idempotency-Key`, as the IETF draft names it): a retry with the
 * same key is answered as the first call was and changes nothing again. Up to 255 printable ASCII
 * characters, e.g. a UUID.
 */
export function commandIdOf(c: Context): { ok: true; id?: string } | { ok: false; error: ApiErrorBody } {
  const key = c.req.header('idempotency-key')
  if (key === undefined) return { ok: true }
  if (/^[\x21-\x7e]{1,255}$/.test(key)) return { ok: true, id: key }
  return { ok: false, error: { error: 'invalid_input', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces, such as a UUID', field: 'Idempotency-Key' } }
}

/** A file to download: the CSV itself, named for saving. The engine names it safely (CsvFile checks). */
function sendCsvFile(c: Context, file: CsvFile): Response {
  c.header('Content-Type', 'text/csv; charset=utf-8')
  c.header('Content-Disposition', `attachment; filename="${file.filename}"`)
  return c.body(file.csv, 200)
}

/** A PDF or zip to download, its bytes as they were made. */
function sendBinaryFile(c: Context, file: BinaryFile): Response {
  const bytes = Buffer.from(file.content_base64, 'base64')
  c.header('Content-Type', file.content_type)
  c.header('Content-Length', String(bytes.byteLength))
  c.header('Content-Disposition', `attachment; filename="${file.filename}"`)
  return c.body(bytes, 200)
}

/** `/applications/{id}` in the contract is `/applications/:id` to the router. */
function routerPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

/** The `{param}` placeholders of a route's path, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!)
}

/** Whether a route's input comes in a JSON body (else from the path and the query string). */
export function takesBody(route: RestRoute): boolean {
  return route.method === 'POST' || route.method === 'PATCH'
}

export function mountRestApi(
  api: Hono<HttpEnv>,
  engine: Engine,
  limits: BodyLimits = DEFAULT_BODY_LIMITS,
  cache: AnswerCache = new AnswerCache(),
): void {
  // Fixed paths first, so /organization/policies/compliance is not taken for a policy id.
  const routed = (Object.entries(contract) as Array<[string, Procedure]>)
    .filter(([, definition]) => definition.rest)
    .sort(([, a], [, b]) => pathParameters(a.rest!.path).length - pathParameters(b.rest!.path).length)
  for (const [name, definition] of routed) {
    const route = definition.rest!
    api.on(route.method, routerPath(route.path), async (c) => {
      const call = c.get('call')
      const log = c.get('failureLog')
      // Whether this caller may make this call at all is settled before a byte of the body is read.
      const refused = authorize(name, call.actor)
      if (refused) return errorResponse(c, refused)
      const command = commandIdOf(c)
      if (!command.ok) return errorResponse(c, command.error)
      let fields: Record<string, unknown> = c.req.query()
      let upload: AsyncIterable<Uint8Array> | undefined
      if (takesBody(route)) {
        const streamedFormat = definition.payload === 'upload' ? uploadFormat(c) : undefined
        if (streamedFormat) {
          // A file sent as the body itself: read as it arrives, within the upload limit.
          const declared = declaredTooLarge(c, limits.upload)
          if (declared) return errorResponse(c, declared)
          upload = bodyPieces(c, limits.upload)
          fields = { format: streamedFormat, ...fields }
        } else {
          const body = await readJsonObject(c, limitFor(definition.payload, limits))
          if (!body.ok) return errorResponse(c, body.error)
          // Flags such as ?dry_run=true may come in the query string; the body wins on a clash.
          fields = { ...fields, ...body.value }
        }
      }
      const input = { ...fields, ...c.req.param() }
      if (route.method === 'GET' && CACHED_PROCEDURES.has(name)) return answerKept(c, engine, cache, name, input, call, { waitForCurrent: wantsCurrentAnswer(c) })
      const result = await dispatch(engine, name, input, { ...call, upload, commandId: command.id }, log)
      return sendResult(c, result, route.status, route.produces)
    })
  }
}
