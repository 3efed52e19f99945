/** An API error as its HTTP answer: the status its code stands for, and the headers it calls for. */
import type { Context } from 'hono'
import { HTTP_STATUS, type ApiErrorBody } from '../../../src-shared/api/errors'

export function errorResponse(c: Context, error: ApiErrorBody): Response {
  // Busy: another process holds the workspace's write lock; a retry a moment later succeeds.
  if (error.error === 'busy') c.header('Retry-After', '1')
  // Too large: the rest of the body is not wanted, nor is the connection it is arriving on.
  if (error.error === 'too_large') c.header('Connection', 'close')
  return c.json(error, HTTP_STATUS[error.error] as 400)
}
