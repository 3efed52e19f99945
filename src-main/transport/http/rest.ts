/**
 * The public REST API under /api/v1, derived from the contract: each procedure with a `rest`
 * route answers there. Path parameters, query strings and JSON bodies are joined into the
 * procedure's input, then go through the same dispatch as every other transport.
 */
import type { Context, Hono } from 'hono'
import { contract } from '../../../src-shared/api/contract'
import { HTTP_STATUS, type ApiErrorBody, type Result } from '../../../src-shared/api/errors'
import type { Procedure } from '../../../src-shared/api/procedure'
import type { CallContext } from '../../engine/context'
import type { Engine } from '../../engine/engine'
import { dispatch, type Logger } from '../dispatch'

export type RequestInput = { ok: true; value: Record<string, unknown> } | { ok: false; error: ApiErrorBody }

export function sendResult(c: Context, result: Result<unknown>, successStatus = 200): Response {
  if (!result.ok) return c.json(result.error, HTTP_STATUS[result.error.error] as 400)
  if (successStatus === 204) return c.body(null, 204)
  return c.json(result.value as object, successStatus as 200)
}

export function errorResponse(c: Context, error: ApiErrorBody): Response {
  return c.json(error, HTTP_STATUS[error.error] as 400)
}

/** A JSON object body, or an error saying what is wrong with it. An empty body is `{}`. */
export async function readJsonObject(c: Context): Promise<RequestInput> {
  const text = await c.req.text()
  if (text.trim() === '') return { ok: true, value: {} }
  const type = c.req.header('content-type') ?? ''
  if (!type.toLowerCase().includes('json')) {
    return { ok: false, error: { error: 'invalid_json', message: 'Send the request body as JSON (Content-Type: application/json)' } }
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

/** `/applications/{id}` in the contract is `/applications/:id` to the router. */
function routerPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

function placeholders(path: string): number {
  return path.split('{').length - 1
}

export function mountRestApi(
  api: Hono<{ Variables: { call: CallContext } }>,
  engine: Engine,
  log: Logger,
): void {
  // Fixed paths first, so /organization/policies/compliance is not taken for a policy id.
  const routed = (Object.entries(contract) as Array<[string, Procedure]>)
    .filter(([, definition]) => definition.rest)
    .sort(([, a], [, b]) => placeholders(a.rest!.path) - placeholders(b.rest!.path))
  for (const [name, definition] of routed) {
    const route = definition.rest!
    api.on(route.method, routerPath(route.path), async (c) => {
      let fields: Record<string, unknown>
      if (route.method === 'POST' || route.method === 'PATCH') {
        const body = await readJsonObject(c)
        if (!body.ok) return errorResponse(c, body.error)
        // Flags such as ?dry_run=true may come in the query string; the body wins on a clash.
        fields = { ...c.req.query(), ...body.value }
      } else {
        fields = c.req.query()
      }
      const input = { ...fields, ...c.req.param() }
      const result = await dispatch(engine, name, input, c.get('call'), log)
      return sendResult(c, result, route.status)
    })
  }
}
