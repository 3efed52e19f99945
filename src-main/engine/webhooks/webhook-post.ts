/**
 * One webhook delivery: a JSON POST whose every connection goes only to addresses judged by
 * WebhookDestinations. The name is resolved and judged here, and the socket is handed exactly
 * those addresses, so a resolver answering differently a moment later (DNS rebinding) changes
 * nothing. Redirects are followed as fetch followed them, each hop judged the same way.
 */
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { ResolvedAddress, WebhookDestinations } from './destinations'

/** As many hops as a receiver behind a load balancer or a moved endpoint needs; fetch allowed 20. */
export const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export interface WebhookRequest {
  url: string
  body: string
  headers: Record<string, string>
  timeoutMs: number
}

/** The status the last hop answered; throws (a refused destination, a network failure, the timeout). */
export async function postWebhook(destinations: WebhookDestinations, request: WebhookRequest): Promise<number> {
  const signal = AbortSignal.timeout(request.timeoutMs)
  let url = new URL(request.url)
  let method = 'POST'
  let body: string | undefined = request.body
  let headers = request.headers
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`redirected to a ${url.protocol} URL; webhooks are sent over http(s) only`)
    if (url.username || url.password) throw new Error('a webhook URL holding a user name or password is not sent')
    const addresses = await untilAborted(destinations.addressesFor(url.hostname), signal)
    const answer = await requestOnce(url, method, body, headers, addresses, signal)
    if (!REDIRECT_STATUSES.has(answer.status) || answer.location === undefined) return answer.status
    if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`)
    url = new URL(answer.location, url)
    // As fetch does: 301 and 302 turn a POST into a GET, 303 anything; 307 and 308 keep it as sent.
    if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'))
    }
  }
}

function requestOnce(url: URL, method: string, body: string | undefined, headers: Record<string, string>, addresses: readonly ResolvedAddress[], signal: AbortSignal): Promise<{ status: number; location?: string }> {
  // The socket asks this, not the system, where the name is: only the addresses judged above.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [...addresses])
    else callback(null, addresses[0]!.address, addresses[0]!.family)
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      {
        method,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: pinned,
        // A connection of its own: a pooled one may have been opened for another delivery's checks.
        agent: false,
        signal,
      },
      (response) => {
        const location = response.headers.location
        // Only the status counts; what the receiver says after it is not read.
        response.destroy()
        resolve({ status: response.statusCode ?? 0, ...(location !== undefined ? { location } : {}) })
      },
    )
    outgoing.on('error', (error) => reject(signal.aborted ? new Error('no answer within the webhook timeout') : error))
    outgoing.end(body)
  })
}

/** A look-up cannot be cancelled, but the delivery stops waiting for it at the timeout. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('no answer within the webhook timeout'))
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new Error('no answer within the webhook timeout'))
    signal.addEventListener('abort', stop, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}
