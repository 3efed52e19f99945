import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../src-shared/domain/audit'
import { eventWords } from './event-words'

function event(action: string, entity_type: string, entity_id: string, before: unknown, after: unknown): AuditEvent {
  return { id: 1, at: '2026-12-01T10:00:00.000Z', actor: { id: 'usr_1', name: 'Dana' }, action, entity_type, entity_id, before, after }
}

describe('audit events in plain words', () => {
  it('names the record and the fields a change touched', () => {
    const updated = event('application.updated', 'application', 'app_bot', { name: 'Order Status Bot', team: 'CX', updated_at: 'a' }, { name: 'Order Status Bot', team: 'Digital', updated_at: 'b' })
    expect(eventWords(updated)).toBe('Changed application “Order Status Bot”: team')
  })

  it('names records the payload does not carry from the names it is given', () => {
    const attached = event('policy.attached', 'application', 'app_bot', null, { policy_id: 'pol_1', policy_name: 'System Health', application_id: 'app_bot' })
    expect(eventWords(attached, { app_bot: 'Order Status Bot' })).toBe('Policy “System Health” now covers application “Order Status Bot”')
    const materialised = event('rule.materialised', 'application', 'app_bot', null, { name: 'PII detection rate', requirement: 'pii' })
    expect(eventWords(materialised, { app_bot: 'Order Status Bot' })).toBe('Put the PII detection rate rule on application “Order Status Bot”')
  })

  it('falls back to the id when no name is known', () => {
    expect(eventWords(event('policy.scope_changed', 'policy', 'pol_9', { tags: [] }, { tags: ['x'] }))).toBe('Changed which applications policy pol_9 covers')
  })
})
