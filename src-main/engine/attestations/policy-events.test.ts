/**
 * Attestation events reach the policy's webhook through the same outbox as gap alerts: a real
 * receiver on loopback that first fails, then recovers, then goes away and comes back while the
 * console itself restarts. Every event arrives exactly once.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'

const folder = tempFolder()
afterAll(() => folder.remove())
const MINUTE = 60_000
/** The receiver is on this computer: the operator's allow-list names it, in both runs of the console. */
const ALLOW_LOOPBACK = { webhookAllow: ['127.0.0.1'] }

interface Delivery {
  event: string
  request?: { id: string }
  attestation?: { id: string }
  exception?: { id: string }
  days_left?: number
  text: string
}

/** A webhook receiver that answers 500 while failing, and can be stopped and started on its port. */
class Receiver {
  readonly received: Delivery[] = []
  failing = false
  private server: Server | undefined
  port = 0

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        if (this.failing) return void response.writeHead(500).end()
        this.received.push(JSON.parse(body) as Delivery)
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server!.close(resolve))
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/governance`
  }
}

describe('attestation events on the webhook', () => {
  it('arrive exactly once through failures, an outage and a restart of both ends', async () => {
    const receiver = new Receiver()
    await receiver.start()
    receiver.failing = true
    const file = folder.path('events.sqlite')
    let running: TestEngine = await openTestEngine(file, '2026-01-31T10:00:00.000Z', ALLOW_LOOPBACK)
    const deliver = async (minutes = 0) => {
      running.clock.advance(minutes * MINUTE)
      await caller(running.engine)('compliance.evaluate', {})
      await running.notifier.deliverDue()
    }
    const at = async (moment: string) => {
      running.clock.set(moment)
      await deliver()
    }
    const call = () => caller(running.engine)

    const reviewer = await call()('users.create', { name: 'Ana Ortiz', role: 'reviewer' })
    const escalation = await call()('users.create', { name: 'Chris CISO', role: 'org_admin' })
    const rule = await call()('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'user', id: reviewer.id }], escalation_path: [{ type: 'user', id: escalation.id }], deadline_days: 7 })
    await call()('applications.create', { id: 'app_a', name: 'Assistant' })
    const policy = await call()('policies.create', {
      name: 'Customer Data',
      notification_webhook: receiver.url,
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical', no_data: 'pass' }],
      attestation_rule_ids: [rule.id],
      scope: { apply_to_all: true },
    })
    await deliver() // attestation.requested: refused with a 500
    expect(receiver.received).toEqual([])
    receiver.failing = false
    await deliver(2) // retried after a minute
    expect(receiver.received.map((d) => d.event)).toEqual(['attestation.requested'])

    await call()('attestations.submit', {
      id: policy.id,
      status: 'compliant_with_exceptions',
      exceptions: [{ application_id: 'app_a', requirement: 'pii', justification: 'Accepted until the fix ships', expiry_date: '2026-02-20' }],
    })
    await deliver()

    // The receiver goes away; the 7-day warning of the exception's end finds nobody listening.
    await receiver.stop()
    await at('2026-02-13T10:00:00.000Z')
    // The console restarts, and so does the receiver, on the same address.
    await running.engine.close()
    running = await openTestEngine(file, '2026-02-13T10:30:00.000Z', ALLOW_LOOPBACK)
    await receiver.start()
    await deliver(2)
    await at('2026-02-19T10:00:00.000Z') // 1 day left
    await at('2026-02-20T00:30:00.000Z') // expired
    await at('2026-02-28T10:30:00.000Z') // the next period's request
    await at('2026-03-07T11:00:00.000Z') // overdue, and escalated
    await deliver(10)
    await deliver(60)
    await running.engine.close()
    await receiver.stop()

    const key = (d: Delivery) => [d.event, d.request?.id ?? d.attestation?.id ?? d.exception?.id, d.days_left ?? ''].join(' ')
    const keys = receiver.received.map(key)
    expect(new Set(keys).size).toBe(keys.length)
    expect(receiver.received.map((d) => (d.event === 'exception.expiring' ? `${d.event} ${d.days_left}` : d.event))).toEqual([
      'attestation.requested',
      'attestation.submitted',
      'exception.expiring 7',
      'exception.expiring 1',
      'exception.expired',
      'attestation.requested',
      'attestation.overdue',
      'attestation.escalated',
    ])
    expect(receiver.received.every((d) => d.text.length > 10)).toBe(true)
  })
})
