/**
 * A policy's webhook through the contract, as the console and the API set it: refused when it
 * points inside this computer or its network, and its alerts refused at send when its name has
 * come to resolve inside since. Names resolve through a resolver given answers by hand.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import type { ResolveHost } from '../webhooks/destinations'

/** What hooks.example.test resolves to: outside when the policy is saved, perhaps not later. */
let rebindTo = '93.184.215.14'
const resolve: ResolveHost = async (hostname) => {
  if (hostname === 'hooks.example.test') return [{ address: rebindTo, family: 4 }]
  if (hostname === 'relay.corp.example') return [{ address: '10.20.0.7', family: 4 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}

const fixture = freshEngineForEachTest('policy-webhooks', '2026-03-01T10:30:00.000Z', { webhookResolver: resolve, webhookAllow: ['192.168.50.0/24'] })
const call: typeof fixture.call = (...args) => fixture.call(...args)
const all = { apply_to_all: true, tags: [], application_ids: [] }
const piiRule = { metric: 'pii' as const, operator: '>' as const, threshold: 2, severity: 'critical' as const }

let receiver: Server | undefined
afterEach(async () => {
  rebindTo = '93.184.215.14'
  await new Promise((done) => (receiver ? receiver.close(done) : done(undefined)))
  receiver = undefined
})

async function refusal(work: Promise<unknown>): Promise<{ code: string; field: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!error) throw new Error('the webhook was accepted')
  return error as { code: string; field: string; message: string }
}

describe('setting a policy webhook', () => {
  it.each([
    ['http://127.0.0.1:9000/hook', '127.0.0.1 is a loopback address'],
    ['http://[::1]:9000/hook', '::1 is an unspecified, loopback or IPv4-compatible address'],
    ['http://10.1.2.3/hook', '10.1.2.3 is a private (RFC 1918) address'],
    ['http://[fd00::1]/hook', 'fd00::1 is a unique local (private) address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local (cloud metadata) address'],
    ['http://[fe80::a9fe:a9fe]/', 'fe80::a9fe:a9fe is a link-local address'],
    ['https://relay.corp.example/hook', 'relay.corp.example resolves to 10.20.0.7, a private (RFC 1918) address'],
  ])('refuses %s when a policy is created, naming the field, and saves nothing', async (url, why) => {
    const refused = await refusal(call('policies.create', { name: 'PII', notification_webhook: url, alert_rules: [piiRule], scope: all }))
    expect(refused).toMatchObject({ code: 'invalid_input', field: 'notification_webhook' })
    expect(refused.message).toContain(`notification_webhook: ${why}; alerts are not sent inside this computer or its network`)
    expect((await call('policies.list', {})).policies).toEqual([])
  })

  it('refuses it in a dry run and in an edit, and accepts it where the allow-list names the range', async () => {
    expect(await refusal(call('policies.create', { name: 'PII', notification_webhook: 'http://192.168.1.5/', alert_rules: [piiRule], dry_run: true }))).toMatchObject({ field: 'notification_webhook' })
    const policy = await call('policies.create', { name: 'PII', notification_webhook: 'http://192.168.50.9/alerts', alert_rules: [piiRule] })
    expect(policy.notification_webhook).toBe('http://192.168.50.9/alerts')
    expect(await refusal(call('policies.update', { id: policy.id, notification_webhook: 'http://169.254.169.254/' }))).toMatchObject({ code: 'invalid_input', field: 'notification_webhook' })
    expect((await call('policies.get', { id: policy.id })).notification_webhook).toBe('http://192.168.50.9/alerts')
  })

  it('accepts a name that does not resolve now, and an edit that resends the webhook unchanged', async () => {
    const policy = await call('policies.create', { name: 'PII', notification_webhook: 'https://not-yet.example.test/hook', alert_rules: [piiRule] })
    const renamed = await call('policies.update', { id: policy.id, name: 'PII (customer data)', notification_webhook: 'https://not-yet.example.test/hook' })
    expect(renamed).toMatchObject({ name: 'PII (customer data)', notification_webhook: 'https://not-yet.example.test/hook' })
  })
})

describe('sending to a policy webhook', () => {
  it('refuses a name that resolved outside when saved and to 127.0.0.1 when sent, and keeps the alert with why', async () => {
    const received: string[] = []
    receiver = createServer((request, response) => {
      received.push(request.url!)
      response.writeHead(204).end()
    })
    await new Promise<void>((listening) => receiver!.listen(0, '127.0.0.1', listening))
    const port = (receiver.address() as AddressInfo).port
    await call('applications.create', { id: 'app_a', name: 'Assistant' })
    await call('policies.create', { name: 'PII', enforcement_delay_days: 0, notification_webhook: `http://hooks.example.test:${port}/hooks/governance`, alert_rules: [piiRule], scope: all })

    rebindTo = '127.0.0.1'
    await call('metrics.ingest', { id: 'app_a', observations: [{ metric: 'pii', timestamp: '2026-03-01T10:00:00.000Z', count: 50, total: 1000 }] })
    await fixture.evaluator.drain()
    await fixture.notifier.deliverDue()

    expect(received).toEqual([])
    const alerts = await fixture.context.db.selectFrom('notifications').select(['event', 'attempts', 'sent_at', 'last_error']).execute()
    expect(alerts).toEqual([{ event: 'gap.opened', attempts: 1, sent_at: null, last_error: 'refused: hooks.example.test resolves to 127.0.0.1, a loopback address' }])
  })
})
