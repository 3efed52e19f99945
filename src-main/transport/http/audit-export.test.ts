import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
let token: string
let auditorToken: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('audit-export-http.sqlite'), '2026-03-01T10:30:00.000Z')).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  token = (await engine.tokens.create({ name: 'ci', role: 'org_admin' })).secret
  auditorToken = (await engine.tokens.create({ name: 'audit firm', role: 'auditor' })).secret
  await api('/applications', token, { method: 'POST', body: JSON.stringify({ id: 'app_cafe', name: 'Café Bot', team: '=SUM(A1)' }) })
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const api = (path: string, bearer: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } })

describe('the audit log export over REST', () => {
  it('answers the filtered log as a CSV file to download, in UTF-8, for an auditor too', async () => {
    const response = await api('/audit-events/export?entity_type=application&entity_id=app_cafe', auditorToken)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="audit-log-2026-03-01T10-30-00Z.csv"')
    const text = new TextDecoder('utf-8').decode(await response.arrayBuffer())
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ action: 'application.created', entity_id: 'app_cafe', summary: 'ci (API token) created application Café Bot' })
    expect(JSON.parse(rows[0]!.after!)).toMatchObject({ name: 'Café Bot', team: '=SUM(A1)' })
  })

  it('answers a bad filter as JSON naming the field, as every other call does', async () => {
    const response = await api('/audit-events/export?since=yesterday', token)
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toMatchObject({ error: 'invalid_input', field: 'since' })
    expect((await api('/audit-events/export?limit=5', token)).status).toBe(422)
  })

  it('pages the log over REST with next_before_id', async () => {
    const first = (await (await api('/audit-events?limit=1', token)).json()) as { events: Array<{ id: number }>; next_before_id: number | null }
    expect(first.next_before_id).toBe(first.events[0]!.id)
    const rest = (await (await api(`/audit-events?limit=1000&before_id=${first.next_before_id}`, token)).json()) as { events: Array<{ id: number }>; next_before_id: number | null }
    expect(rest.next_before_id).toBeNull()
    expect(rest.events.every((event) => event.id < first.events[0]!.id)).toBe(true)
  })
})
