/**
 * A connected desktop's outbox on a real workspace file: each change and the command its server
 * will be sent commit together or not at all; creates carry the id the desktop chose; the
 * desktop's own business (tokens, sync settings) is not sent, and its evaluator stands down.
 */
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileCredentialStore } from './file-credentials'
import { caller, openDesktopTestEngine, tempFolder, TEST_OWNER, type TestEngine } from '../../testing/workspace'
import { workspaceDigest } from '../../testing/workspace-digest'

const folder = tempFolder()
const file = folder.path('desktop.sqlite')
let desktop: TestEngine
let call: ReturnType<typeof caller>

beforeAll(async () => {
  // Connected, as a desktop is once it has met its server; the server is never reached here.
  await (await openDesktopTestEngine(file)).engine.close()
  const sqlite = new BetterSqlite3(file)
  sqlite.prepare("UPDATE sync_state SET server_url = 'http://127.0.0.1:9', server_workspace_id = 'ws_server', cursor = '10'").run()
  sqlite.close()
  desktop = await openDesktopTestEngine(file, undefined, { credentials: new FileCredentialStore(folder.path('tokens.json')) })
  call = caller(desktop.engine)
})
afterAll(async () => {
  await desktop.engine.close()
  folder.remove()
})

const outbox = () => desktop.context.db.selectFrom('sync_outbox').selectAll().orderBy('position').execute()

describe('the outbox of a connected desktop', () => {
  it('records a change as a command in the transaction that makes it, with the id the desktop chose', async () => {
    const app = await call('applications.create', { name: 'Claims Bot', tags: ['prod'] })
    const [command] = await outbox()
    expect(command).toMatchObject({ procedure: 'applications.create', state: 'pending' })
    expect(JSON.parse(command!.input_json)).toMatchObject({ id: app.id, name: 'Claims Bot', tags: ['prod'] })
    expect((await call('sync.status', {})).pending).toBe(1)
  })

  it('records nothing when the change is refused, and leaves the workspace as it was', async () => {
    const before = workspaceDigest(file)
    await expect(call('policies.update', { id: 'pol_missing', name: 'Nope' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(call('applications.create', { id: (await outbox())[0]!.input_json.match(/app_\w+/)![0], name: 'Twin' })).rejects.toMatchObject({ code: 'conflict' })
    expect(await outbox()).toHaveLength(1)
    expect(workspaceDigest(file)).toBe(before)
  })

  it('sends nothing of the desktop’s own business, and keeps its audit events apart from the server’s', async () => {
    await call('tokens.create', { name: 'local script', role: 'auditor' })
    expect(await outbox()).toHaveLength(1)
    const event = (await call('audit.list', { action: 'token.created' })).events[0]!
    expect(event.id).toBeLessThan(0)
    expect((await call('audit.verify', {})).ok).toBe(true)
  })

  it('refuses loading the sample into a connected workspace', async () => {
    await expect(call('workspace.loadSample', {})).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('server') })
  })

  it('sends a file imported in parts as one import, and a streamed file whole', async () => {
    const app = await call('applications.create', { name: 'Importer' })
    const event = (minutesAgo: number, latency: number) => JSON.stringify({ timestamp: new Date(desktop.clock.now().getTime() - minutesAgo * 60_000).toISOString(), latency_ms: latency, error: false })
    const lines = [event(30, 100), event(20, 200), event(10, 300)]
    const { import_id } = await call('inferences.begin', { id: app.id, format: 'jsonl', file_name: 'events.jsonl' })
    await call('inferences.append', { import_id, part: 0, text: `${lines[0]}\n${lines[1]}\n` })
    await call('inferences.append', { import_id, part: 1, text: lines[2]! })
    await call('inferences.commit', { import_id })
    const streamed = [event(40, 400), event(50, 500)].join('\n')
    async function* upload() {
      yield streamed.slice(0, 20)
      yield new TextEncoder().encode(streamed.slice(20))
    }
    await desktop.engine.handlers['inferences.import']({ id: app.id, format: 'jsonl' }, { actor: TEST_OWNER, upload: upload() })
    const imports = (await outbox()).filter((command) => command.procedure === 'inferences.import').map((command) => JSON.parse(command.input_json) as unknown)
    expect(imports).toEqual([
      { id: app.id, format: 'jsonl', content: `${lines.join('\n')}\n` },
      { id: app.id, format: 'jsonl', content: streamed },
    ])
  })

  it('sends an edit on the version this desktop holds, noting the records it changes', async () => {
    const group = await call('groups.create', { name: 'Reviewers' })
    // Joining moves the group's version too: it is at 2 from here.
    const person = await call('users.create', { name: 'Rui Reviewer', group_ids: [group.id] })
    await call('groups.update', { id: group.id, description: 'Reads everything' })
    await call('users.update', { id: person.id, group_ids: [] })
    const [created, described, left] = (await outbox()).slice(-3)
    expect(JSON.parse(created!.records_json!)).toEqual([`users:${person.id}`, `groups:${group.id}`])
    expect(JSON.parse(described!.input_json)).toEqual({ id: group.id, description: 'Reads everything', base_version: 2 })
    expect(JSON.parse(described!.records_json!)).toEqual([`groups:${group.id}`])
    expect(JSON.parse(left!.input_json)).toEqual({ id: person.id, group_ids: [], base_version: 1 })
    expect(JSON.parse(left!.records_json!)).toEqual([`users:${person.id}`, `groups:${group.id}`])
    // A version named by the caller is kept as it is.
    await call('users.update', { id: person.id, base_version: 2, name: 'Rui R.' })
    expect(JSON.parse((await outbox()).at(-1)!.input_json)).toMatchObject({ base_version: 2 })
  })

  it('leaves compliance to the server', async () => {
    expect(await call('compliance.evaluate', {})).toMatchObject({ applications: 0 })
  })
})
