import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { describeAuditEvent } from '../../../src-shared/domain/audit-description'
import { freshEngineForEachTest } from '../../testing/fresh-engine'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import { AUDIT_CSV_HEADER } from './audit-export'

const fixture = freshEngineForEachTest('audit-export', '2026-03-01T10:30:00.000Z')
const call: typeof fixture.call = (...args) => fixture.call(...args)

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Array<Record<(typeof AUDIT_CSV_HEADER)[number], string>>

describe('exporting the audit log', () => {
  it('writes every event the filters select, newest first, in plain words and as recorded, named for saving', async () => {
    await call('applications.create', { id: 'app_bot', name: 'Fraud Scorer', team: 'Risk' })
    await call('applications.update', { id: 'app_bot', name: 'Fraud Scorer v2' })
    await call('groups.create', { name: 'Risk Committee' })
    const file = await call('audit.export', { entity_type: 'application' })
    expect(file.filename).toBe('audit-log-2026-03-01T10-30-00Z.csv')
    expect(file.csv.startsWith(`${AUDIT_CSV_HEADER.join(',')}\r\n`)).toBe(true)
    const rows = rowsOf(file.csv)
    const { events } = await call('audit.list', { entity_type: 'application' })
    expect(rows.map((row) => Number(row.id))).toEqual(events.map((event) => event.id))
    expect(rows[0]).toEqual({
      id: String(events[0]!.id),
      at: '2026-03-01T10:30:00.000Z',
      actor_id: 'owner',
      actor: 'Olivia Owner',
      action: 'application.updated',
      entity_type: 'application',
      entity_id: 'app_bot',
      summary: 'Olivia Owner renamed application Fraud Scorer to Fraud Scorer v2',
      before: JSON.stringify(events[0]!.before),
      after: JSON.stringify(events[0]!.after),
    })
    expect(rows.map((row) => row.summary)).toEqual(events.map((event) => describeAuditEvent(event)))
    expect(JSON.parse(rows[1]!.after)).toMatchObject({ name: 'Fraud Scorer', team: 'Risk' })
    expect(rows[1]!.before).toBe('')
  })

  it('exports the whole log, past the size of any page', async () => {
    const entries: AuditEntry[] = Array.from({ length: 2345 }, (_, index) => ({ action: 'group.updated', entityType: 'group', entityId: `grp_${index}` }))
    await fixture.context.mutate(['audit'], (tx) => recordAuditMany(tx, { id: 'usr_a', name: 'Ana' }, '2026-03-01T09:00:00.000Z', entries))
    const rows = rowsOf((await call('audit.export', { action: 'group.updated' })).csv)
    expect(rows).toHaveLength(2345)
    expect(new Set(rows.map((row) => row.id)).size).toBe(2345)
  })

  it('writes no cell a spreadsheet would run as a formula, whatever names and values hold', async () => {
    await call('applications.create', { id: 'app_evil', name: '=HYPERLINK("https://evil.example","Open")', team: '+1 555 0100', environment: '@prod' })
    const [created] = rowsOf((await call('audit.export', { entity_id: 'app_evil' })).csv)
    expect(created!.summary).toBe('Olivia Owner created application =HYPERLINK("https://evil.example","Open") in @prod')
    await fixture.context.mutate(['audit'], (tx) =>
      recordAuditMany(tx, { id: '-1', name: '=cmd|" /C calc"!A0' }, '2026-03-01T10:00:00.000Z', [{ action: 'group.created', entityType: 'group', entityId: '@grp', after: -3 }]),
    )
    const [odd] = rowsOf((await call('audit.export', { entity_id: '@grp' })).csv)
    expect(odd).toMatchObject({ actor_id: "'-1", actor: '\'=cmd|" /C calc"!A0', entity_id: "'@grp", after: "'-3" })
    expect(odd!.summary.startsWith("'=cmd")).toBe(true)
    for (const row of [created!, odd!]) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  })
})
