/**
 * Deliveries to real HTTP receivers on loopback: sent where the allow-list names them, refused
 * where it does not, and judged again on every redirect. Private and metadata addresses appear
 * only as redirect targets refused before any connection is made.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DestinationRefused, WebhookAllowList, WebhookDestinations, type ResolveHost } from './destinations'
import { postWebhook } from './webhook-post'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A receiver on 127.0.0.1 recording every request, answering as `answer` says (204 unless told). */
async function receiver(answer: (response: ServerResponse, request: IncomingMessage) => void = (response) => response.writeHead(204).end()) {
  const received: Received[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body })
      answer(response, request)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { received, port, url: `http://127.0.0.1:${port}/hooks/governance` }
}

const loopbackAllowed = () => new WebhookDestinations(WebhookAllowList.of(['127.0.0.1']))
const nothingAllowed = () => new WebhookDestinations()
const send = (destinations: WebhookDestinations, url: string, timeoutMs = 10_000) =>
  postWebhook(destinations, { url, body: '{"event":"gap.opened"}', headers: { 'content-type': 'application/json', 'x-governance-delivery': 'ws_test:1' }, timeoutMs })

/** Names resolved by hand, to 127.0.0.1 where a receiver listens; any other name is unknown. */
const resolving =
  (names: Record<string, string>): ResolveHost =>
  async (hostname) => {
    const address = names[hostname]
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    return [{ address, family: 4 }]
  }

describe('a webhook delivery', () => {
  it('reaches an allow-listed receiver on loopback with the alert as sent', async () => {
    const hook = await receiver()
    expect(await send(loopbackAllowed(), hook.url)).toBe(204)
    expect(hook.received).toEqual([
      expect.objectContaining({ method: 'POST', url: '/hooks/governance', body: '{"event":"gap.opened"}', headers: expect.objectContaining({ 'content-type': 'application/json', 'x-governance-delivery': 'ws_test:1' }) }),
    ])
  })

  it('is refused to a loopback receiver the allow-list does not name, which hears nothing', async () => {
    const hook = await receiver()
    await expect(send(nothingAllowed(), hook.url)).rejects.toThrow(new DestinationRefused('127.0.0.1 is a loopback address'))
    expect(hook.received).toEqual([])
  })

  it('is refused to localhost, which the system resolves to loopback', async () => {
    const hook = await receiver()
    await expect(send(nothingAllowed(), `http://localhost:${hook.port}/hooks/governance`)).rejects.toThrow(/^localhost resolves to (127\.0\.0\.1|::1), a.* loopback/)
    expect(hook.received).toEqual([])
  })

  it('is refused to a name that resolves to 127.0.0.1', async () => {
    const hook = await receiver()
    const destinations = new WebhookDestinations(WebhookAllowList.EMPTY, resolving({ 'alerts.example.test': '127.0.0.1' }))
    await expect(send(destinations, `http://alerts.example.test:${hook.port}/hooks/governance`)).rejects.toThrow('alerts.example.test resolves to 127.0.0.1, a loopback address')
    expect(hook.received).toEqual([])
  })

  it('connects to the address judged, which the system itself could not find for the name', async () => {
    const hook = await receiver()
    const destinations = new WebhookDestinations(WebhookAllowList.of(['relay.example.test']), resolving({ 'relay.example.test': '127.0.0.1' }))
    expect(await send(destinations, `http://relay.example.test:${hook.port}/hooks/governance`)).toBe(204)
    expect(hook.received.map((request) => request.headers.host)).toEqual([`relay.example.test:${hook.port}`])
  })
})

describe('a redirected delivery', () => {
  const redirectTo = (status: number, location: string) => (response: ServerResponse) => response.writeHead(status, { location }).end()

  it('is refused where the redirect leads to the metadata address, which is never contacted', async () => {
    const hook = await receiver(redirectTo(307, 'http://169.254.169.254/latest/meta-data/'))
    await expect(send(loopbackAllowed(), hook.url)).rejects.toThrow(new DestinationRefused('169.254.169.254 is a link-local (cloud metadata) address'))
    expect(hook.received).toHaveLength(1)
  })

  it('is refused where the redirect leads to a loopback address the allow-list does not name', async () => {
    const inside = await receiver()
    const hook = await receiver(redirectTo(302, inside.url))
    const destinations = new WebhookDestinations(WebhookAllowList.of(['relay.example.test']), resolving({ 'relay.example.test': '127.0.0.1' }))
    await expect(send(destinations, `http://relay.example.test:${hook.port}/hooks/governance`)).rejects.toThrow('127.0.0.1 is a loopback address')
    expect(hook.received).toHaveLength(1)
    expect(inside.received).toEqual([])
  })

  it('follows an allowed redirect as fetch does: 308 keeps the POST and its body, 301 turns it into a GET', async () => {
    const moved = await receiver()
    const permanent = await receiver(redirectTo(308, moved.url))
    expect(await send(loopbackAllowed(), permanent.url)).toBe(204)
    const old = await receiver(redirectTo(301, `${moved.url}?again`))
    expect(await send(loopbackAllowed(), old.url)).toBe(204)
    expect(moved.received.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'POST', url: '/hooks/governance', body: '{"event":"gap.opened"}' },
      { method: 'GET', url: '/hooks/governance?again', body: '' },
    ])
  })

  it('gives up after five redirects', async () => {
    const loop = await receiver((response, request) => response.writeHead(307, { location: request.url! }).end())
    await expect(send(loopbackAllowed(), loop.url)).rejects.toThrow('more than 5 redirects')
    expect(loop.received).toHaveLength(6)
  })
})

describe('a receiver that does not answer', () => {
  it('fails the delivery at the webhook timeout', async () => {
    const silent = await receiver(() => undefined)
    await expect(send(loopbackAllowed(), silent.url, 200)).rejects.toThrow('no answer within the webhook timeout')
    expect(silent.received).toHaveLength(1)
  })
})
