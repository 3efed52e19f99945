/**
 * Reports over REST: the file itself with its name in Content-Disposition, for an auditor too,
 * each export recorded; a bad request answered as JSON naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { startServer, type RunningServer } from './server'

const folder = tempFolder()
let engine: Engine
let server: RunningServer
let auditor: string

beforeAll(async () => {
  engine = (await openTestEngine(folder.path('reports-http.sqlite'), '2026-03-01T10:30:00.000Z')).engine
  server = await startServer({ engine, port: 0, log: () => undefined })
  auditor = (await engine.tokens.create({ name: 'audit firm', role: 'auditor' })).secret
  const call = caller(engine)
  await call('applications.create', { id: 'app_chat', name: 'Chat Assistant' })
  await call('policies.createFromTemplate', { template_id: 'system_health', scope: { apply_to_all: true } })
})
afterAll(async () => {
  await server.close()
  await engine.close()
  folder.remove()
})

const get = (path: string) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${auditor}` } })

describe('reports over REST', () => {
  it('answers the PDF itself, named for saving, and records the export', async () => {
    const response = await get('/organization/reports/compliance?format=pdf&as_of=2026-03-01T10:00:00Z')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="compliance-report-organization-2026-03-01T10-00-00Z.pdf"')
    const bytes = Buffer.from(await response.arrayBuffer())
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
    expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength)
    const history = (await (await get('/organization/reports')).json()) as { exports: Array<{ format: string; generated_by: { name: string }; size: number }> }
    expect(history.exports[0]).toMatchObject({ format: 'pdf', generated_by: { name: 'audit firm (API token)' }, size: bytes.byteLength })
  })

  it('answers a zip for the CSV tables and the package', async () => {
    for (const format of ['csv', 'package']) {
      const response = await get(`/organization/reports/compliance?format=${format}&application_id=app_chat`)
      expect(response.headers.get('content-type')).toBe('application/zip')
      expect(Buffer.from(await response.arrayBuffer()).subarray(0, 2).toString()).toBe('PK')
    }
  })

  it('refuses a bad format, a future moment and an unknown application, as JSON naming the field', async () => {
    for (const [query, field, status] of [
      ['format=docx', 'format', 422],
      ['format=pdf&as_of=2030-01-01T00:00:00Z', 'as_of', 422],
      ['format=pdf&application_id=app_ghost', 'application_id', 404],
    ] as const) {
      const response = await get(`/organization/reports/compliance?${query}`)
      expect(response.status, query).toBe(status)
      expect(await response.json(), query).toMatchObject({ field })
    }
  })
})
