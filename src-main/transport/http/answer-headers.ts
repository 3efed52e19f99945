/**
 * Headers added to an answer once it is made (by middleware, after the route answered). Hono's
 * `c.header()` then copies the whole Response for each header set, five copies per request on
 * the hottest reads; the answer's own headers are set in place instead. A Response whose headers
 * are immutable (one made by `Response.redirect`) is copied, as Hono would.
 */
import type { Context } from 'hono'

export function setAnswerHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}
