import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { ApplicationDraft, ApplicationPatch } from '../../../src-shared/domain/application'
import { listAuditEvents } from '../audit/audit'
import { EngineError } from '../errors'
import { failure } from '../../testing/refusal'
import { caller, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { getApplication, listApplications } from './applications'

const folder = tempFolder()
afterAll(() => folder.remove())

let opened: TestEngine
let counter = 0
beforeEach(async () => {
  opened = await openTestEngine(folder.path(`apps-${counter++}.sqlite`))
  return () => opened.engine.close()
})

const create = (draft: z.input<typeof ApplicationDraft>) => caller(opened.engine)('applications.create', draft)
const update = (patch: z.input<typeof ApplicationPatch>) => caller(opened.engine)('applications.update', patch)
const audit = async () => (await listAuditEvents(opened.context.db, { limit: 100 })).events

describe('applications', () => {
  it('creates an application with an app_ id, normalised tags and the clock’s time', async () => {
    const app = await create({ name: '  Support Bot ', tags: ['External-Facing', 'production', 'external-facing'], team: 'CX', environment: 'Production' })
    expect(app).toMatchObject({
      name: 'Support Bot',
      tags: ['external-facing', 'production'],
      team: 'CX',
      environment: 'production',
      created_at: '2026-01-15T09:00:00.000Z',
    })
    expect(app.id).toMatch(/^app_[0-9a-z]{16}$/)
    expect(await getApplication(opened.context.db, app.id)).toEqual(app)
  })

  it('keeps an id the caller chose, and refuses a duplicate without writing anything', async () => {
    await create({ id: 'app_001', name: 'First' })
    const eventsBefore = await audit()
    await expect(create({ id: 'app_001', name: 'Second' })).rejects.toMatchObject({ code: 'conflict', field: 'id' })
    expect(await listApplications(opened.context.db)).toHaveLength(1)
    expect(await audit()).toEqual(eventsBefore)
  })

  it('filters by text, tag, team and environment', async () => {
    await create({ id: 'app_a', name: 'Claims Bot', tags: ['customer-data'], team: 'Claims', environment: 'production' })
    await create({ id: 'app_b', name: 'Claims Bot (staging)', tags: ['customer-data', 'staging'], team: 'Claims', environment: 'staging' })
    await create({ id: 'app_c', name: 'Code Copilot', tags: ['internal'], team: 'Engineering', environment: 'production' })
    const ids = async (filter: object) => (await listApplications(opened.context.db, filter)).map((a) => a.id)
    expect(await ids({})).toEqual(['app_a', 'app_b', 'app_c'])
    expect(await ids({ search: 'claims' })).toEqual(['app_a', 'app_b'])
    expect(await ids({ search: '100%' })).toEqual([])
    expect(await ids({ tag: 'customer-data' })).toEqual(['app_a', 'app_b'])
    expect(await ids({ team: 'engineering' })).toEqual(['app_c'])
    expect(await ids({ environment: 'production', tag: 'customer-data' })).toEqual(['app_a'])
  })

  it('updates only the fields sent, replaces tags, and records before and after in the audit trail', async () => {
    const app = await create({ name: 'Bot', tags: ['a', 'b'], team: 'CX' })
    const updated = await update({ id: app.id, tags: ['c'], environment: 'staging' })
    expect(updated).toMatchObject({ name: 'Bot', team: 'CX', tags: ['c'], environment: 'staging' })
    const [event] = await audit()
    expect(event).toMatchObject({
      action: 'application.updated',
      entity_id: app.id,
      actor: { id: 'owner', name: 'Olivia Owner' },
      before: { tags: ['a', 'b'], environment: null },
      after: { tags: ['c'], environment: 'staging' },
    })
  })

  it('clears team and environment when sent empty or null', async () => {
    const app = await create({ name: 'Bot', team: 'CX', environment: 'production' })
    const updated = await update({ id: app.id, team: '', environment: null })
    expect(updated).toMatchObject({ team: null, environment: null })
  })

  it('writes no audit event for a patch that changes nothing', async () => {
    const app = await create({ name: 'Bot', tags: ['x'] })
    const before = await audit()
    await update({ id: app.id, name: 'Bot', tags: ['X'] })
    expect(await audit()).toEqual(before)
  })

  it('writes the audit event in the same transaction as the change', async () => {
    await create({ id: 'app_tx', name: 'Bot' })
    // A change that fails after its row was written must leave neither the row nor an audit event.
    const failing = opened.context.mutate(['applications'], async (tx) => {
      await tx.updateTable('applications').set({ name: 'Half-written' }).where('id', '=', 'app_tx').execute()
      throw new EngineError('conflict', 'simulated failure after the write')
    })
    await expect(failing).rejects.toThrow('simulated failure')
    expect((await getApplication(opened.context.db, 'app_tx')).name).toBe('Bot')
    expect((await audit()).map((e) => e.action)).toEqual(['application.created'])
  })

  it('answers not_found for an unknown id', async () => {
    await expect(getApplication(opened.context.db, 'app_missing')).rejects.toMatchObject({ code: 'not_found', field: 'id' })
  })

  it('announces changes only after they commit', async () => {
    const seen: string[][] = []
    opened.context.changes.on('changed', (event) => seen.push(event.areas))
    await create({ id: 'app_once', name: 'Bot' })
    await expect(create({ id: 'app_once', name: 'Bot again' })).rejects.toMatchObject({ code: 'conflict' })
    // Evaluation may announce 'compliance' on its own; the failed create announces nothing.
    expect(seen.filter((areas) => areas.includes('applications'))).toEqual([['applications', 'policies', 'compliance', 'audit']])
  })

  it('refuses a second application with the same name in one environment, however it is cased or composed, naming the one that has it', async () => {
    await create({ id: 'app_cafe', name: 'Caf\u00e9 Bot', environment: 'production' })
    await create({ id: 'app_plain', name: 'Plain Bot' })
    const eventsBefore = await audit()
    for (const name of ['Caf\u00e9 Bot', 'CAF\u00c9 BOT', 'Cafe\u0301 bot']) {
      const refused = await failure(create({ name, environment: 'Production' }))
      expect(refused).toMatchObject({ code: 'conflict', field: 'name', message: expect.stringContaining('app_cafe') })
      expect(refused.message).toContain('"Caf\u00e9 Bot" already exists in production')
    }
    // Applications without an environment share one.
    expect(await failure(create({ name: 'plain bot' }))).toMatchObject({ code: 'conflict', field: 'name', message: expect.stringContaining('without an environment (app_plain)') })
    expect(await listApplications(opened.context.db)).toHaveLength(2)
    expect(await audit()).toEqual(eventsBefore)
    // The same name in another environment is another application.
    expect(await create({ name: 'Caf\u00e9 Bot', environment: 'staging' })).toMatchObject({ environment: 'staging' })
    expect(await create({ name: 'Plain Bot', environment: 'staging' })).toMatchObject({ environment: 'staging' })
  })

  it('refuses a rename or a move that would make two alike, and lets an application keep or recase its own name', async () => {
    await create({ id: 'app_prod', name: 'Claims Bot', environment: 'production' })
    await create({ id: 'app_stage', name: 'Claims Bot', environment: 'staging' })
    await create({ id: 'app_other', name: 'Other Bot', environment: 'production' })
    expect(await failure(update({ id: 'app_stage', environment: 'production' }))).toMatchObject({ code: 'conflict', field: 'name', message: expect.stringContaining('app_prod') })
    expect(await failure(update({ id: 'app_other', name: 'CLAIMS bot' }))).toMatchObject({ code: 'conflict', field: 'name', message: expect.stringContaining('app_prod') })
    expect((await getApplication(opened.context.db, 'app_stage')).environment).toBe('staging')
    expect(await update({ id: 'app_prod', name: 'Claims BOT', tags: ['x'] })).toMatchObject({ name: 'Claims BOT' })
  })

  it('opens a workspace that already holds two alike, and keeps both editable until one is renamed', async () => {
    await create({ id: 'app_one', name: 'Twin', environment: 'production' })
    // As a workspace written before names were checked could hold.
    await opened.context.mutate([], (tx) =>
      tx.insertInto('applications').values({ id: 'app_two', name: 'twin', team: null, environment: 'production', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute(),
    )
    await opened.engine.close()
    opened = await openTestEngine(opened.engine.path)
    expect(await update({ id: 'app_two', tags: ['legacy'], team: 'CX' })).toMatchObject({ name: 'twin', tags: ['legacy'] })
    expect(await failure(update({ id: 'app_two', name: 'TWIN' }))).toMatchObject({ code: 'conflict', field: 'name' })
    expect(await update({ id: 'app_two', name: 'Twin (old)' })).toMatchObject({ name: 'Twin (old)' })
  })
})
