/**
 * The OpenAPI document: valid OpenAPI 3.1 to a maintained validator, one operation per procedure
 * with a REST route, served without a token, and true to what the server answers.
 */
import { compileErrors, dereference, validate } from '@readme/openapi-parser'
import Ajv2020 from 'ajv/dist/2020'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { version } from '../../../package.json'
import { contract, contractAreas, type ProcedureName } from '../../../src-shared/api/contract'
import { contractExamples, type ContractExamples } from '../../../src-shared/api/contract-examples'
import { ApiErrorBody, HTTP_STATUS } from '../../../src-shared/api/errors'
import { procedure, type Procedure, type RestRoute } from '../../../src-shared/api/procedure'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import type { Engine } from '../../engine/engine'
import { createExampleWorld } from '../../testing/example-world'
import { namesResolveNowhere } from '../../testing/offline-resolver'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { buildOpenApiDocument, OPENAPI_PATH, type Answer, type JsonSchema, type OpenApiDocument, type Operation } from './openapi'
import { API_BASE_PATH, pathParameters, takesBody } from './rest'
import { startServer, type RunningServer } from './server'

const document = buildOpenApiDocument()
const routed = (Object.entries(contract) as Array<[ProcedureName, Procedure]>).filter(([, definition]) => definition.rest)

const routeOf = (name: ProcedureName): RestRoute => contract[name].rest!

/** The operation the document gives a procedure, found by the route the contract gives it. */
function operationFor(name: ProcedureName, of: OpenApiDocument = document): Operation {
  const route = routeOf(name)
  return of.paths[route.path]![route.method.toLowerCase() as Lowercase<RestRoute['method']>]!
}

/** Every schema the document holds: named ones, parameters, request bodies and answers. */
function schemasOf(of: OpenApiDocument): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = Object.entries(of.components.schemas)
  for (const [path, methods] of Object.entries(of.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`
      for (const parameter of operation.parameters ?? []) found.push([`${at} ${parameter.name}`, parameter.schema])
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) found.push([`${at} body ${type}`, media.schema])
      for (const [status, answer] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries((answer as Answer).content ?? {})) found.push([`${at} ${status} ${type}`, media.schema])
      }
    }
  }
  return found
}

// Strict: a keyword JSON Schema 2020-12 does not know fails to compile. Formats are not checked
// (zod writes a pattern beside each one that matters, such as date-time).
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false })

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 to @readme/openapi-parser, without warnings', async () => {
    const result = await validate(structuredClone(document) as never)
    expect(result.valid ? '' : compileErrors(result)).toBe('')
    expect(result.warnings).toEqual([])
    expect(document.openapi).toBe('3.1.0')
  })

  it('is refused by that validator once an operation leaves out a parameter its path names', async () => {
    const broken = structuredClone(document)
    delete operationFor('applications.get', broken).parameters
    expect((await validate(broken as never)).valid).toBe(false)
  })

  it('carries the package’s version, the API’s base path and bearer tokens', () => {
    expect(document.info.version).toBe(version)
    expect(document.servers).toEqual([{ url: '/api/v1' }])
    expect(document.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(document.security).toEqual([{ apiToken: [] }])
  })

  it('describes every procedure with a REST route exactly once, under its method and path, tagged with its area', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, name: operation.operationId })))
    // And the first pull's snapshot, a stream of JSON lines rather than a procedure.
    expect(operations.map(({ name }) => name).sort()).toEqual([...routed.map(([name]) => name), SYNC_SNAPSHOT_ROUTE.operationId].sort())
    for (const [area, procedures] of Object.entries(contractAreas)) {
      for (const [name, { rest, summary }] of Object.entries(procedures) as Array<[string, Procedure]>) {
        if (!rest) continue
        expect(operations.filter((operation) => operation.name === name)).toEqual([{ path: rest.path, method: rest.method.toLowerCase(), name }])
        expect(operationFor(name as ProcedureName)).toMatchObject({ summary, tags: [area] })
      }
    }
  })

  it('reads input where the server does: the path, then the query string of a read or the JSON body of a write', () => {
    for (const [name, { rest }] of routed) {
      const { parameters = [], requestBody } = operationFor(name)
      expect(parameters.filter((parameter) => parameter.in === 'path'), name).toEqual(pathParameters(rest!.path).map((field) => expect.objectContaining({ name: field, required: true })))
      if (takesBody(rest!)) expect(parameters.filter((parameter) => parameter.in === 'query'), name).toEqual([])
      else expect(requestBody, name).toBeUndefined()
    }
    const list = operationFor('applications.list')
    expect(list.parameters?.map((parameter) => [parameter.name, parameter.in, parameter.required])).toEqual([
      ['search', 'query', false],
      ['tag', 'query', false],
      ['team', 'query', false],
      ['environment', 'query', false],
      ['status', 'query', false],
    ])
    expect(operationFor('applications.create').requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApplicationDraft' } } } })
    const update = operationFor('applications.update').requestBody!.content['application/json']!.schema
    expect(Object.keys(update.properties as object)).toEqual(['base_version', 'name', 'tags', 'team', 'environment'])
    expect(operationFor('applications.reinstate').requestBody).toBeUndefined()
    expect(Object.keys(operationFor('inferences.import').requestBody!.content)).toEqual(expect.arrayContaining(['application/json', 'text/csv', 'application/x-ndjson']))
  })

  it('says who may call each operation: the right it needs and the roles that have it', () => {
    const exports = 'Needs the export right: org_admin, governance_manager, auditor.'
    expect(document.paths[SYNC_SNAPSHOT_ROUTE.path]!.get!.description).toBe(exports)
    for (const name of ['reports.compliance', 'reports.start', 'reports.job', 'reports.cancel', 'reports.file', 'audit.export', 'sync.changes', 'sync.rows'] as const) expect(operationFor(name).description, name).toBe(exports)
    expect(operationFor('applications.list').description).toBe('Needs the read right: org_admin, governance_manager, reviewer, auditor.')
    expect(operationFor('tokens.create').description).toBe('Needs the administer right: org_admin.')
    expect(operationFor('attestations.submit').description).toBe('Needs the attest right: org_admin, governance_manager, reviewer.')
    expect(operationFor('policies.create').description).toBe('Needs the manage right: org_admin, governance_manager.')
  })

  it('answers a file as the file itself, named in Content-Disposition', () => {
    const file = { type: 'string', format: 'binary' }
    const report = operationFor('reports.compliance').responses['200'] as Answer
    expect(report.content).toMatchObject({ 'application/pdf': { schema: file }, 'application/zip': { schema: file } })
    expect(report.headers).toEqual({ 'Content-Disposition': { $ref: '#/components/headers/Content-Disposition' } })
    expect((operationFor('audit.export').responses['200'] as Answer).content).toEqual({ 'text/csv': { schema: file } })
  })

  it('describes the first pull’s snapshot: JSON lines of the named kinds, behind a token like every read', () => {
    const snapshot = document.paths[SYNC_SNAPSHOT_ROUTE.path]!.get!
    expect(snapshot).toMatchObject({ operationId: 'sync.snapshot', tags: ['sync'] })
    expect(Object.keys((snapshot.responses['200'] as Answer).content!)).toEqual(['application/x-ndjson'])
    expect(snapshot.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' })
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['SnapshotHeader', 'SnapshotTable', 'SnapshotEnd']))
  })

  it('answers errors with the shared error body, at the status errors.ts gives each code', () => {
    // The same fields as the zod schema; a conflict's versions refer to the named PolicyVersion.
    const errorBody = z.toJSONSchema(ApiErrorBody, { target: 'draft-2020-12' }) as { properties: object; required: string[] }
    const component = document.components.schemas.ApiErrorBody as { properties: object; required: string[] }
    expect(Object.keys(component.properties)).toEqual(Object.keys(errorBody.properties))
    expect(component.required).toEqual(errorBody.required)
    for (const [name, { rest }] of routed) {
      const { responses } = operationFor(name)
      const expected = {
        [HTTP_STATUS.unauthorized]: 'Unauthorized',
        [HTTP_STATUS.forbidden]: 'Forbidden',
        [HTTP_STATUS.not_found]: 'NotFound',
        [HTTP_STATUS.conflict]: 'Conflict',
        [HTTP_STATUS.invalid_input]: 'InvalidInput',
        [HTTP_STATUS.rate_limited]: 'RateLimited',
        [HTTP_STATUS.busy]: 'Busy',
        [HTTP_STATUS.internal]: 'Internal',
        ...(takesBody(rest!) ? { [HTTP_STATUS.invalid_json]: 'InvalidJson', [HTTP_STATUS.too_large]: 'TooLarge' } : {}),
      }
      const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400)
      expect(Object.fromEntries(errors), name).toEqual(Object.fromEntries(Object.entries(expected).map(([status, answer]) => [status, { $ref: `#/components/responses/${answer}` }])))
    }
    for (const answer of Object.values(document.components.responses)) {
      expect(answer.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } })
    }
    for (const retried of ['RateLimited', 'Busy']) expect(document.components.responses[retried]!.headers).toEqual({ 'Retry-After': { $ref: '#/components/headers/Retry-After' } })
  })

  it('writes what JSON Schema cannot say as any value, and a schema that contains itself as a component, rather than failing', async () => {
    const Folder: z.ZodType = z.object({ name: z.string(), folders: z.array(z.lazy(() => Folder)) })
    const odd = buildOpenApiDocument({
      odd: {
        'odd.tree': procedure({ summary: 'A tree and two values without JSON form.', access: 'read', input: z.strictObject({}), output: z.object({ root: Folder, at: z.date(), size: z.string().transform(Number) }), rest: { method: 'GET', path: '/tree' } }),
      },
    })
    const answer = (odd.paths['/tree']!.get!.responses['200'] as Answer).content!['application/json']!.schema
    expect(answer.properties).toEqual({ root: { $ref: '#/components/schemas/odd.tree.output.__schema0' }, at: {}, size: {} })
    expect(odd.components.schemas['odd.tree.output.__schema0']).toMatchObject({ properties: { folders: { items: { $ref: '#/components/schemas/odd.tree.output.__schema0' } } } })
    const result = await validate(odd as never)
    expect(result.valid ? '' : compileErrors(result)).toBe('')
  })

  it('writes every schema as JSON Schema 2020-12 that Ajv compiles in strict mode', async () => {
    const resolved = (await dereference(structuredClone(document) as never)) as unknown as OpenApiDocument
    for (const [where, schema] of schemasOf(resolved)) expect(() => ajv.compile(schema), where).not.toThrow()
  })
})

describe('the document as served', () => {
  const folder = tempFolder()
  // The example world's policy has a webhook whose name resolves nowhere here: its alerts are never
  // sent out, and anything else fetched from this process is answered here.
  const realFetch = globalThis.fetch
  let engine: Engine
  let server: RunningServer
  let token: string
  let examples: ContractExamples
  let resolved: OpenApiDocument

  beforeAll(async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 204 }))
    const opened = await openTestEngine(folder.path('openapi.sqlite'), '2026-03-01T10:30:00.000Z', { webhookResolver: namesResolveNowhere })
    engine = opened.engine
    // The client acts for the person who built the world: its report job is shown to no one else.
    const person = await caller(engine)('users.create', { name: 'Gene Client', role: 'org_admin' })
    const actor = { id: person.id, name: person.name, role: person.role }
    examples = contractExamples(await createExampleWorld(caller(engine, { actor }), opened.clock))
    server = await startServer({ engine, port: 0, log: () => undefined })
    token = (await engine.tokens.create({ name: 'generated client', role: 'org_admin', user: person.id })).secret
    resolved = (await dereference(structuredClone(document) as never)) as unknown as OpenApiDocument
  })
  afterAll(async () => {
    vi.unstubAllGlobals()
    await server.close()
    await engine.close()
    folder.remove()
  })

  const send = (path: string, init: RequestInit = {}) =>
    realFetch(`${server.url}${API_BASE_PATH}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } })

  /** The call a generated client makes for an input: path parameters in the path, the rest in the query string or a JSON body. */
  function request(route: RestRoute, input: Record<string, unknown>): { path: string; init: RequestInit } {
    let path = route.path
    const rest: Record<string, unknown> = {}
    for (const [field, value] of Object.entries(input)) {
      if (path.includes(`{${field}}`)) path = path.replace(`{${field}}`, encodeURIComponent(String(value)))
      else rest[field] = value
    }
    if (takesBody(route)) return { path, init: { method: route.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(rest) } }
    const query = new URLSearchParams(Object.entries(rest).map(([field, value]) => [field, String(value)])).toString()
    return { path: query ? `${path}?${query}` : path, init: { method: route.method } }
  }

  /** Calls a procedure with its example input as a generated client would, and expects it to succeed. */
  async function callWithExample(name: ProcedureName): Promise<Response> {
    const route = routeOf(name)
    const { path, init } = request(route, examples[name] as Record<string, unknown>)
    const response = await send(path, init)
    if (response.status !== (route.status ?? 200)) expect.fail(`${name} answered ${response.status}: ${await response.text()}`)
    return response
  }

  /** Checks an answer against what the document says the operation answers with its status. */
  async function expectDescribed(name: ProcedureName, response: Response): Promise<void> {
    const answer = operationFor(name, resolved).responses[String(response.status)] as Answer | undefined
    expect(answer, `${name} answered ${response.status}, which the document does not list`).toBeDefined()
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!
    expect(Object.keys(answer!.content ?? {}), name).toContain(type)
    if (type !== 'application/json') {
      expect(response.headers.get('content-disposition'), name).toMatch(/^attachment; filename="[\w.-]+"$/)
      return
    }
    const matches = ajv.compile(answer!.content![type]!.schema)
    expect(matches(await response.json()), `${name}: ${ajv.errorsText(matches.errors)}`).toBe(true)
  }

  it(`is served at ${API_BASE_PATH}${OPENAPI_PATH} without a token, as generated`, async () => {
    const response = await realFetch(`${server.url}${API_BASE_PATH}${OPENAPI_PATH}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual(buildOpenApiDocument())
    expect((await realFetch(`${server.url}${API_BASE_PATH}/applications`)).status).toBe(401)
  })

  it('describes the answer of every read, as the example workspace gives it', async () => {
    for (const [name, { rest }] of routed) if (rest!.method === 'GET') await expectDescribed(name, await callWithExample(name))
  })

  it('describes the snapshot’s answer as it is served', async () => {
    const response = await send(SYNC_SNAPSHOT_ROUTE.path)
    expect(response.status).toBe(200)
    const described = (resolved.paths[SYNC_SNAPSHOT_ROUTE.path]!.get!.responses['200'] as Answer).content!
    expect(Object.keys(described)).toContain((response.headers.get('content-type') ?? '').split(';')[0])
    const lines = (await response.text()).trimEnd().split('\n')
    expect(ajv.compile(resolved.components.schemas.SnapshotHeader!)(JSON.parse(lines[0]!))).toBe(true)
    expect(ajv.compile(resolved.components.schemas.SnapshotEnd!)(JSON.parse(lines.at(-1)!))).toBe(true)
  })

  it('describes the answers of writes, which create, change and preview', async () => {
    const writes: ProcedureName[] = ['applications.create', 'applications.update', 'policies.createFromTemplate', 'policies.update', 'policies.previewScope', 'metrics.ingest', 'compliance.evaluate', 'attestations.submit', 'reports.start']
    for (const name of writes) await expectDescribed(name, await callWithExample(name))
  })

  it('describes the refusals: bad input, a body that is not JSON, an unknown id, no token', async () => {
    const json = { 'content-type': 'application/json' }
    const refusals: Array<[number, ProcedureName, Response]> = [
      [422, 'applications.create', await send('/applications', { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(201) }) })],
      [400, 'applications.create', await send('/applications', { method: 'POST', headers: json, body: '{"name": ' })],
      [404, 'applications.get', await send('/applications/app_missing')],
      [401, 'applications.list', await realFetch(`${server.url}${API_BASE_PATH}/applications`)],
    ]
    for (const [status, name, response] of refusals) {
      expect(response.status, name).toBe(status)
      await expectDescribed(name, response)
    }
    expect(refusals.at(-1)![2].headers.get('www-authenticate')).toBe('Bearer realm="govern"')
  })
})
