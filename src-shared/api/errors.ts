/**
 * Errors cross every boundary as values: a code a program can branch on, a message a person can
 * act on, and the field at fault. Never a stack trace.
 */
import { z } from 'zod'
import { EditConflict } from '../domain/conflicts'

export const ErrorCode = z.enum([
  'invalid_input',
  'invalid_json',
  /** The body, or a file sent as the body, is not UTF-8 text; the message names the first byte at fault. */
  'invalid_encoding',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'rate_limited',
  /** The request body is larger than the server accepts for that call. */
  'too_large',
  'unknown_procedure',
  /** The workspace's write lock stayed with another process; worth retrying shortly. */
  'busy',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const FieldIssue = z.object({ field: z.string(), message: z.string() })
export type FieldIssue = z.infer<typeof FieldIssue>

export const ApiErrorBody = z.object({
  error: ErrorCode,
  message: z.string(),
  field: z.string().optional(),
  issues: z.array(FieldIssue).optional(),
  /** With `conflict` on a stale edit: both sides (a policy's two versions, or another record as it is now and the edit), to choose between. */
  conflict: EditConflict.optional(),
})
export type ApiErrorBody = z.infer<typeof ApiErrorBody>

/** `replayed`: a change sent again with its Idempotency-Key, answered as the first time, changing nothing. */
export type Result<T> = { ok: true; value: T; replayed?: boolean } | { ok: false; error: ApiErrorBody }

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 422,
  invalid_json: 400,
  invalid_encoding: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  too_large: 413,
  unknown_procedure: 404,
  busy: 503,
  internal: 500,
}

/**
 * A field path as people write it: `tags.2`, `scope.application_ids`. A field with an empty name
 * is written `""`, so it is still named (an empty path would name nothing).
 */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key) => (key === '' ? '""' : String(key))).join('.')
}

export function errorFromZod(error: z.ZodError): ApiErrorBody {
  const issues = error.issues.map(describeIssue)
  const first = issues[0]
  return {
    error: 'invalid_input',
    message: first ? withField(first) : 'invalid input',
    ...(first?.field ? { field: first.field } : {}),
    issues,
  }
}

function describeIssue(issue: z.core.$ZodIssue): FieldIssue {
  if (issue.code === 'unrecognized_keys') {
    const [key = ''] = issue.keys
    const field = fieldPath([...issue.path, key])
    return { field, message: `${key === '' ? '"" (an empty name)' : key} is not a field of this request` }
  }
  return { field: fieldPath(issue.path), message: issue.message }
}

/** "name: is required", unless the message already names its field ("name is required"). */
function withField({ field, message }: FieldIssue): string {
  const leaf = field.split('.').at(-1) ?? ''
  if (!field || message.toLowerCase().startsWith(leaf.toLowerCase())) return message
  return `${field}: ${message}`
}

/** Thrown by clients (renderer, tests) when a call comes back with an error value. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly field: string | undefined
  readonly issues: FieldIssue[]
  readonly conflict: EditConflict | undefined
  constructor(body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.code = body.error
    this.field = body.field
    this.issues = body.issues ?? []
    this.conflict = body.conflict
  }
}
