import { describe, expect, it } from 'vitest'
import { freshEngineForEachTest } from '../testing/fresh-engine'
import { failure } from '../testing/refusal'

const fixture = freshEngineForEachTest('names', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

const COMPOSED = 'Caf\u00e9 Review'
const DECOMPOSED = 'Cafe\u0301 Review'

describe('names that look the same are the same name', () => {
  it('refuses a policy whose name differs only in a composed or decomposed accent, as a 409 conflict', async () => {
    await call('policies.create', { name: COMPOSED, alert_rules: [{ alert_rule_id: 'ar_pii' }] })
    expect(await failure(call('policies.create', { name: DECOMPOSED, alert_rules: [{ alert_rule_id: 'ar_pii' }] }))).toMatchObject({ code: 'conflict', field: 'name' })
  })

  it('refuses a policy whose name differs only in the case of an accented letter', async () => {
    await call('policies.create', { name: 'Élan', alert_rules: [{ alert_rule_id: 'ar_pii' }] })
    for (const name of ['Élan', 'élan', 'ÉLAN']) {
      expect(await failure(call('policies.create', { name, alert_rules: [{ alert_rule_id: 'ar_pii' }] }))).toMatchObject({ code: 'conflict', field: 'name' })
    }
  })

  it('refuses a group whose name differs only in a composed or decomposed accent, on create and on rename', async () => {
    await call('groups.create', { name: COMPOSED })
    expect(await failure(call('groups.create', { name: DECOMPOSED }))).toMatchObject({ code: 'conflict', field: 'name' })
    const other = await call('groups.create', { name: 'Other' })
    expect(await failure(call('groups.update', { id: other.id, name: DECOMPOSED.toUpperCase() }))).toMatchObject({ code: 'conflict', field: 'name' })
  })

  it('stores names and tags in NFC, so filters find them however the accent was typed', async () => {
    const app = await call('applications.create', { name: DECOMPOSED, tags: ['re\u0301sume\u0301'], team: 'Cafe\u0301' })
    expect(app).toMatchObject({ name: COMPOSED, tags: ['r\u00e9sum\u00e9'], team: 'Caf\u00e9' })
    expect((await call('applications.list', { tag: 'R\u00c9SUM\u00c9' })).applications).toHaveLength(1)
    expect((await call('applications.list', { team: 'Cafe\u0301' })).applications).toHaveLength(1)
    expect((await call('compliance.overview', { team: 'Cafe\u0301' })).applications).toHaveLength(1)
    expect(await call('users.create', { name: 'Jose\u0301' })).toMatchObject({ name: 'Jos\u00e9' })
  })
})

describe('names hold one line of text', () => {
  it('refuses control characters in names, naming the field', async () => {
    const message = 'name cannot contain control characters such as line breaks or tabs'
    expect(await failure(call('applications.create', { name: 'Support\nBot' }))).toMatchObject({ code: 'invalid_input', field: 'name', message })
    expect(await failure(call('users.create', { name: 'Ana\u0000' }))).toMatchObject({ field: 'name' })
    expect(await failure(call('groups.create', { name: 'Ops\u001b[31m' }))).toMatchObject({ field: 'name' })
    expect(await failure(call('alertRules.create', { name: 'PII\tabove 2%', metric: 'pii', operator: '>', threshold: 2, severity: 'high' }))).toMatchObject({ field: 'name' })
    const policy = { name: 'Watch', alert_rules: [{ metric: 'pii' as const, operator: '>' as const, threshold: 2, severity: 'high' as const, name: 'PII\u0085' }] }
    expect(await failure(call('policies.create', policy))).toMatchObject({ field: 'alert_rules.0.name' })
  })

  it('still takes names in any script, with emoji and inner spaces', async () => {
    for (const name of ['Ассистент поддержки', '客服机器人', 'مساعد', '🤖 Bot  v2']) {
      expect(await call('applications.create', { name })).toMatchObject({ name })
    }
  })
})
