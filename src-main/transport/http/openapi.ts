/**
 * The REST API described in OpenAPI 3.1, derived from the contract as the routes themselves are
 * (rest.ts): each procedure with a route is one operation, its schemas written by zod from the very
 * schemas the server checks requests and answers against, so clients can be generated from it.
 */
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { productName, version } from '../../../package.json'
import { rolesWith } from '../../../src-shared/api/access'
import { contractAreas } from '../../../src-shared/api/contract'
import { ApiErrorBody, HTTP_STATUS, type ErrorCode } from '../../../src-shared/api/errors'
import { BinaryFile, type Access, type Procedure, type ProcedureMap, type RestRoute } from '../../../src-shared/api/procedure'
import { ReportJob } from '../../../src-shared/api/reports'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import { Application, ApplicationDraft } from '../../../src-shared/domain/application'
import { Attestation, AttestationRequest, DeploymentGate, ExceptionInput, Reminder, RuleSchedule } from '../../../src-shared/domain/attestations'
import { AuditEvent } from '../../../src-shared/domain/audit'
import { Actor, Timestamp } from '../../../src-shared/domain/common'
import { Gap, Impact, PolicyStatus } from '../../../src-shared/domain/compliance'
import { Group, GroupDraft, User, UserDraft } from '../../../src-shared/domain/people'
import { CoveredApplication, MaterialisedRule, MissingRule, Policy, PolicyDraft, PolicyTemplate, PolicyVersion, Scope } from '../../../src-shared/domain/policy'
import { ReportExport } from '../../../src-shared/domain/reports'
import { SnapshotEnd, SnapshotHeader, SnapshotTable } from '../../../src-shared/domain/sync'
import { AlertRule, AlertRuleDraft, AttestationRule, AttestationRuleDraft } from '../../../src-shared/domain/rules'
import { CACHED_PROCEDURES } from './answer-cache'
import { UPLOAD_FORMATS } from './request-body'
import { API_BASE_PATH, pathParameters, takesBody } from './rest'

/** Where the document is served, under the API's base path; it needs no token. */
export const OPENAPI_PATH = '/openapi.json'

export type JsonSchema = { [keyword: string]: unknown }
type Direction = 'input' | 'output'
type Reference = { $ref: string }

export interface Parameter {
  name: string
  in: 'path' | 'query'
  required: boolean
  schema: JsonSchema
}

export interface MediaType {
  schema: JsonSchema
}

export interface Answer {
  description: string
  headers?: Record<string, Reference>
  content?: Record<string, MediaType>
}

export interface Operation {
  operationId: string
  summary: string
  /** Who may call it: the right it needs and the roles that have it. */
  description: string
  tags: string[]
  parameters?: Parameter[]
  requestBody?: { description?: string; required: boolean; content: Record<string, MediaType> }
  responses: Record<string, Answer | Reference>
}

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  servers: Array<{ url: string }>
  security: Array<Record<string, string[]>>
  tags: Array<{ name: string }>
  paths: Record<string, Partial<Record<Lowercase<RestRoute['method']>, Operation>>>
  components: {
    schemas: Record<string, JsonSchema>
    responses: Record<string, Answer>
    headers: Record<string, { description: string; schema: JsonSchema }>
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>
  }
}

/**
 * The types a client holds and sends back, named in the document so generated clients name them
 * too; every other schema is written out where it is used. Answers and requests are named apart,
 * as zod writes a schema's input and output differently where it has defaults or transforms; a
 * type named in both must read the same both ways (Timestamp does).
 */
const NAMED_TYPES: Record<Direction, Record<string, z.ZodType>> = {
  output: {
    Actor,
    AlertRule,
    ApiErrorBody,
    Application,
    Attestation,
    AttestationRequest,
    AttestationRule,
    AuditEvent,
    CoveredApplication,
    DeploymentGate,
    Gap,
    Group,
    Impact,
    MaterialisedRule,
    MissingRule,
    Policy,
    PolicyStatus,
    PolicyTemplate,
    PolicyVersion,
    Reminder,
    ReportExport,
    ReportJob,
    RuleSchedule,
    Timestamp,
    User,
  },
  input: { AlertRuleDraft, ApplicationDraft, AttestationRuleDraft, ExceptionInput, GroupDraft, PolicyDraft, Scope, Timestamp, UserDraft },
}

const SCHEMAS = '#/components/schemas/'

/** Writes zod schemas as the document's JSON Schema, collecting the named ones as components. */
class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {}
  private readonly registries = {
    input: registryOf(NAMED_TYPES.input),
    output: registryOf(NAMED_TYPES.output),
  }

  /** `schema` as a request reads it ('input') or an answer carries it ('output'): a reference when it is named. */
  write(schema: z.ZodType, direction: Direction, usedBy: string): JsonSchema {
    const written = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: direction,
      metadata: this.registries[direction],
      // A transform's result or a Date has no JSON Schema; such a part is written as "any value"
      // ({}) rather than stopping the server from describing its API. Requests are written as
      // they are sent (io: 'input'), before any transform, and no answer carries one today.
      unrepresentable: 'any',
    }) as JsonSchema
    const { $defs, ...root } = written
    delete root.$schema
    // Besides the named types, zod defines apart only a part that refers to itself; kept under the
    // name of the schema that uses it, two such parts cannot clash.
    const componentName = (definition: string) => (Object.hasOwn(NAMED_TYPES[direction], definition) ? definition : `${usedBy}.${direction}.${definition}`)
    const placed = (json: JsonSchema) => withReferences(json, (ref) => SCHEMAS + componentName(ref.slice('#/$defs/'.length)), usedBy)
    for (const [definition, body] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) this.add(componentName(definition), placed(body))
    return placed(root)
  }

  /** The schema itself when `json` refers to a component. */
  resolve(json: JsonSchema): JsonSchema {
    return typeof json.$ref === 'string' ? this.components[json.$ref.slice(SCHEMAS.length)]! : json
  }

  private add(name: string, body: JsonSchema): void {
    const known = this.components[name]
    if (known && !isDeepStrictEqual(known, body)) throw new Error(`${name} reads differently in requests and in answers; name it for one of them only`)
    this.components[name] = body
  }
}

function registryOf(types: Record<string, z.ZodType>): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>()
  for (const [id, type] of Object.entries(types)) registry.add(type, { id })
  return registry
}

/** `json` with each `$ref` into zod's `$defs` pointed where the document keeps it. */
function withReferences(json: JsonSchema, place: (ref: string) => string, usedBy: string): JsonSchema {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit)
    if (typeof value !== 'object' || value === null) return value
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key !== '$ref' || typeof inner !== 'string') return [key, visit(inner)]
        // A schema that refers to itself as a whole ('#') would refer to the whole document here.
        if (!inner.startsWith('#/$defs/')) throw new Error(`The schema of ${usedBy} refers to ${inner}, which the document cannot hold`)
        return [key, place(inner)]
      }),
    )
  }
  return visit(json) as JsonSchema
}

/** Errors as the server answers them: the status errors.ts gives their code, the shared body. */
const ERROR_ANSWERS = {
  InvalidJson: {
    code: 'invalid_json',
    description: 'The body is not a JSON object (or not sent as application/json). Also 400, as invalid_encoding: the body, or the file sent as the body, is not UTF-8 text; the message names the first byte at fault.',
  },
  Unauthorized: { code: 'unauthorized', description: 'No token, or one the workspace served here does not know or has revoked.', headers: ['WWW-Authenticate'] },
  Forbidden: { code: 'forbidden', description: 'The token’s role lacks the right this call needs, which its description names (or the Host header names a server other than this one).' },
  NotFound: { code: 'not_found', description: 'Something the request names does not exist.' },
  Conflict: { code: 'conflict', description: 'The request clashes with the workspace as it is: a name or id already taken, an archived policy, a report not finished.' },
  TooLarge: {
    code: 'too_large',
    description:
      'The body is larger than this call accepts, or holds more JSON structure than a body of that size may (nested deeper than 64 levels, or more objects and arrays, member names or values than its size allows; the message names the bound and the byte); nothing of it was read beyond the limit.',
  },
  InvalidInput: { code: 'invalid_input', description: 'A field fails validation or is not a field of this call; `field` and `issues` name it.' },
  RateLimited: { code: 'rate_limited', description: 'Too many wrong credentials from this address; retry after Retry-After seconds.', headers: ['Retry-After'] },
  Busy: { code: 'busy', description: 'Another program kept the workspace’s write lock; nothing was written, retry after Retry-After seconds.', headers: ['Retry-After'] },
  Internal: { code: 'internal', description: 'An unexpected error; it has been logged on the server.' },
} satisfies Record<string, { code: ErrorCode; description: string; headers?: Array<keyof typeof HEADERS> }>

type ErrorAnswer = keyof typeof ERROR_ANSWERS

const HEADERS = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
  'WWW-Authenticate': { description: 'Bearer realm="govern": send Authorization: Bearer <token>.', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment; filename="…": the name to save the file under.', schema: { type: 'string' } },
  ETag: { description: 'Send it back in If-None-Match to be answered 304 while the workspace has not changed.', schema: { type: 'string' } },
}

const headerReferences = (names: Array<keyof typeof HEADERS>): Record<string, Reference> =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]))

/** Every call may meet these; one with a body also the errors of reading it. */
function errorAnswersOf(route: RestRoute): Record<string, Reference> {
  const answers: ErrorAnswer[] = [
    ...(takesBody(route) ? (['InvalidJson', 'TooLarge'] as const) : []),
    'Unauthorized',
    'Forbidden',
    'NotFound',
    'Conflict',
    'InvalidInput',
    'RateLimited',
    'Busy',
    'Internal',
  ]
  return Object.fromEntries(answers.map((name) => [String(HTTP_STATUS[ERROR_ANSWERS[name].code]), { $ref: `#/components/responses/${name}` }]))
}

const BINARY: JsonSchema = { type: 'string', format: 'binary' }

/** The media types of a file answer: those a BinaryFile may carry, or CSV. */
function fileContent(produces: NonNullable<RestRoute['produces']>): Record<string, MediaType> {
  const types = produces === 'text/csv' ? ['text/csv'] : BinaryFile.shape.content_type.options.map((type) => type.split(';')[0]!)
  return Object.fromEntries(types.map((type) => [type, { schema: BINARY }]))
}

function successOf(name: string, procedure: Procedure, route: RestRoute, writer: SchemaWriter): Record<string, Answer> {
  const status = route.status ?? 200
  if (status === 204) return { 204: { description: 'Done; there is nothing to answer.' } }
  if (route.produces) {
    return { [status]: { description: 'The file itself, to save under the name Content-Disposition gives.', headers: headerReferences(['Content-Disposition']), content: fileContent(route.produces) } }
  }
  const answer: Answer = { description: status === 201 ? 'Created.' : 'The answer.', content: { 'application/json': { schema: writer.write(procedure.output, 'output', name) } } }
  if (!CACHED_PROCEDURES.has(name)) return { [status]: answer }
  return {
    [status]: { ...answer, headers: headerReferences(['ETag']) },
    304: { description: 'Unchanged since the answer whose ETag was sent in If-None-Match.' },
  }
}

/** The operation's description: who may call it, as the server decides it (src-shared/api/access.ts). */
function whoMayCall(access: Access): string {
  return `Needs the ${access} right: ${rolesWith(access).join(', ')}.`
}

function operationOf(name: string, area: string, procedure: Procedure, route: RestRoute, writer: SchemaWriter): Operation {
  const request = writer.write(procedure.input, 'input', name)
  const fields = writer.resolve(request)
  const properties = (fields.properties ?? {}) as Record<string, JsonSchema>
  const required = (fields.required ?? []) as string[]
  const inPath = pathParameters(route.path)
  const parameters: Parameter[] = inPath.map((field) => ({ name: field, in: 'path', required: true, schema: properties[field] ?? {} }))
  const rest = Object.keys(properties).filter((field) => !inPath.includes(field))
  let requestBody: Operation['requestBody']
  if (!takesBody(route)) {
    parameters.push(...rest.map((field): Parameter => ({ name: field, in: 'query', required: required.includes(field), schema: properties[field]! })))
  } else if (rest.length > 0) {
    // The path names what the call is about; the body carries the rest of the input.
    const bodyRequired = required.filter((field) => !inPath.includes(field))
    const body = inPath.length === 0 ? request : { ...fields, properties: Object.fromEntries(rest.map((field) => [field, properties[field]!])), required: bodyRequired }
    if (bodyRequired.length === 0) delete body.required
    const content: Record<string, MediaType> = { 'application/json': { schema: body } }
    if (procedure.payload === 'upload') for (const type of Object.keys(UPLOAD_FORMATS)) content[type] = { schema: { type: 'string' } }
    requestBody = {
      ...(procedure.payload === 'upload' ? { description: 'A JSON object, or the file itself as the body (read as it arrives), its format named by the Content-Type and the other fields sent in the query string.' } : {}),
      required: bodyRequired.length > 0,
      content,
    }
  }
  return {
    operationId: name,
    summary: procedure.summary,
    description: whoMayCall(procedure.access),
    tags: [area],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { ...successOf(name, procedure, route, writer), ...errorAnswersOf(route) },
  }
}

/**
 * The first pull's snapshot answers a stream of JSON lines rather than one JSON value, so it is
 * no procedure and is described here; each kind of line is a named schema.
 */
function snapshotOperation(writer: SchemaWriter): Operation {
  const lines = { SnapshotHeader, SnapshotTable, SnapshotEnd }
  for (const [name, schema] of Object.entries(lines)) writer.components[name] ??= writer.write(schema, 'output', name)
  return {
    operationId: SYNC_SNAPSHOT_ROUTE.operationId,
    summary: SYNC_SNAPSHOT_ROUTE.summary,
    description: whoMayCall(SYNC_SNAPSHOT_ROUTE.access),
    tags: ['sync'],
    responses: {
      200: {
        description:
          'JSON lines, streamed: a SnapshotHeader; then for each table a SnapshotTable line followed by lines that are each a JSON array of rows, a row being an array of values in the order of the table’s columns (bytes as {"$base64": "…"}); last a SnapshotEnd. A stream without its SnapshotEnd was cut off: use none of it.',
        content: { [SYNC_SNAPSHOT_ROUTE.contentType]: { schema: { type: 'string' } } },
      },
      ...errorAnswersOf({ method: SYNC_SNAPSHOT_ROUTE.method, path: SYNC_SNAPSHOT_ROUTE.path }),
    },
  }
}

/** The document of the contract's areas (or of others, as tests give). */
export function buildOpenApiDocument(areas: Record<string, ProcedureMap> = contractAreas): OpenApiDocument {
  const writer = new SchemaWriter()
  writer.write(ApiErrorBody, 'output', 'ApiErrorBody')
  const paths: OpenApiDocument['paths'] = {}
  for (const [area, procedures] of Object.entries(areas)) {
    for (const [name, procedure] of Object.entries(procedures)) {
      if (!procedure.rest) continue
      const method = procedure.rest.method.toLowerCase() as Lowercase<RestRoute['method']>
      paths[procedure.rest.path] = { ...paths[procedure.rest.path], [method]: operationOf(name, area, procedure, procedure.rest, writer) }
    }
  }
  if (areas === contractAreas) paths[SYNC_SNAPSHOT_ROUTE.path] = { get: snapshotOperation(writer) }
  const errorBody = { 'application/json': { schema: { $ref: `${SCHEMAS}ApiErrorBody` } } }
  return {
    openapi: '3.1.0',
    info: {
      title: `${productName} API`,
      version,
      description: `The REST API of the ${productName}. Send an API token (\`govern token create\`) as Authorization: Bearer <token>. Errors are JSON: a code, a message a person can act on, and the field at fault.`,
    },
    servers: [{ url: API_BASE_PATH }],
    security: [{ apiToken: [] }],
    tags: Object.keys(areas).map((area) => ({ name: area })),
    paths,
    components: {
      schemas: writer.components,
      responses: Object.fromEntries(
        Object.entries(ERROR_ANSWERS).map(([name, { code, description, ...rest }]) => [
          name,
          { description: `${code}: ${description}`, ...('headers' in rest ? { headers: headerReferences(rest.headers) } : {}), content: errorBody },
        ]),
      ),
      headers: HEADERS,
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An API token made with `govern token create` (or the login token `govern serve` prints).' } },
    },
  }
}

let servedJson: string | undefined

/** The document as served: built on first use and kept, as it depends on nothing but the contract and the version. */
export function openApiJson(): string {
  return (servedJson ??= JSON.stringify(buildOpenApiDocument()))
}
