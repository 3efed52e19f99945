import { describe, expect, it } from 'vitest'
import { labelled } from './field-labels'

describe('policy messages in the words on screen', () => {
  it('puts the label where the message names the field as the API does', () => {
    expect(labelled('notification_webhook', 'notification_webhook must be an http(s) URL')).toBe('Notifications webhook URL must be an http(s) URL')
    expect(labelled('enforcement_delay_days', 'enforcement_delay_days cannot be negative')).toBe('Enforcement delay cannot be negative')
    expect(labelled('name', 'name is required')).toBe('Policy Name is required')
  })

  it('labels a chosen rule’s own fields', () => {
    expect(labelled('alert_rules.ar_pii.threshold', 'threshold for PII detection rate must be between 0 and 100 %')).toBe('Threshold for PII detection rate must be between 0 and 100 %')
  })

  it('leaves messages that already read as sentences alone', () => {
    expect(labelled('name', 'A policy named "X" already exists')).toBe('A policy named "X" already exists')
    expect(labelled('name', 'names must differ')).toBe('names must differ')
  })
})
