/**
 * A ceiling on requests per API token, so one runaway pipeline cannot starve everyone else of the
 * server: 429 with Retry-After once a token has used its allowance for the current minute. Keyed
 * by the token's SHA-256, never the secret. Counted in this process (rate-limiter-flexible's
 * memory store): behind several instances each one counts on its own.
 */
import { createHash } from 'node:crypto'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { ApiErrorBody } from '../../../src-shared/api/errors'

/** Room for a pipeline posting metrics every few seconds and a client paging through large lists. */
export const DEFAULT_REQUESTS_PER_MINUTE = 3000

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; error: ApiErrorBody }

export interface TokenRateLimit {
  /** Counts one request for the token; says whether it is within the allowance. */
  take(bearer: string): Promise<RateVerdict>
}

export function createTokenRateLimit(requestsPerMinute: number): TokenRateLimit {
  const limiter = new RateLimiterMemory({ points: requestsPerMinute, duration: 60 })
  return {
    async take(bearer) {
      try {
        await limiter.consume(createHash('sha256').update(bearer).digest('base64url'))
        return { ok: true }
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
        return { ok: false, retryAfterSeconds, error: { error: 'rate_limited', message: `This token has made its ${requestsPerMinute} requests for this minute; retry in ${retryAfterSeconds} s` } }
      }
    },
  }
}
