/**
 * A desktop taking its server's snapshot, on real workspaces: the server's own snapshot makes the
 * desktop its copy; one of another workspace, cut short, or malformed is refused with the reason,
 * and the desktop's workspace is left exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicatedDigest } from '../../testing/sync-world'
import { workspaceDigest } from '../../testing/workspace-digest'
import { caller, openDesktopTestEngine, openTestEngine, tempFolder, type TestEngine } from '../../testing/workspace'
import { replaceWithSnapshot } from './apply-snapshot'

const folder = tempFolder()
let server: TestEngine
let desktop: TestEngine
/** The server's snapshot, a line a string. */
let lines: string[]
let serverWorkspace: string

beforeAll(async () => {
  server = await openTestEngine(folder.path('server.sqlite'))
  const call = caller(server.engine)
  await call('applications.create', { id: 'app_claims', name: 'Claims Bot', tags: ['governed'] })
  await call('metrics.ingest', { id: 'app_claims', observations: [{ metric: 'latency_p95', timestamp: server.clock.now().toISOString(), values: [120, 800] }] })
  await server.engine.settle()
  let text = ''
  await server.engine.writeSyncSnapshot(async (piece) => void (text += piece))
  lines = text.trimEnd().split('\n')
  serverWorkspace = (JSON.parse(lines[0]!) as { workspace_id: string }).workspace_id
  desktop = await openDesktopTestEngine(folder.path('desktop.sqlite'))
})
afterAll(async () => {
  await desktop.engine.close()
  await server.engine.close()
  folder.remove()
})

async function* streamOf(some: readonly string[]): AsyncGenerator<string> {
  for (const line of some) yield line
}

function take(some: readonly string[], expected = serverWorkspace): Promise<void> {
  return desktop.context.mutate(['workspace'], (tx) => replaceWithSnapshot(tx, streamOf(some), expected, () => undefined))
}

/** The snapshot with the line holding `marker` changed. */
function withLine(marker: string, change: (line: string) => string): string[] {
  const at = lines.findIndex((line) => line.includes(marker))
  expect(at).toBeGreaterThan(0)
  return lines.map((line, index) => (index === at ? change(line) : line))
}

describe('taking the server’s snapshot on a desktop', () => {
  it('refuses, keeping nothing, a snapshot of another workspace, cut short, miscounted, or with a column this desktop lacks', async () => {
    const before = workspaceDigest(folder.path('desktop.sqlite'))
    const refusals: Array<[string[], RegExp, string?]> = [
      [lines, /another workspace/, 'ws_someone_else'],
      [lines.slice(0, -1), /cut off after \d+ of \d+ rows/],
      [lines.slice(0, Math.floor(lines.length / 2)), /cut off/],
      [withLine('"end":true', (line) => line.replace(/"rows":\d+/, '"rows":1')), /says it sent 1/],
      [withLine('"table":"metric_buckets"', (line) => line.replace(',"sketch"', '')), /a row of metric_buckets does not have its 5 columns/],
      [withLine('"table":"applications"', (line) => line.replace('"name"', '"nickname"')), /columns this desktop does not know \(nickname\)/],
      [withLine('"app_claims","Claims Bot"', (line) => line.replace('"Claims Bot"', '{"not":"a value"}')), /not text, a number, bytes or null/],
      [withLine('"app_claims","Claims Bot"', (line) => line.slice(0, 20)), /not JSON/],
    ]
    for (const [some, reason, workspace] of refusals) {
      await expect(take(some, workspace), String(reason)).rejects.toMatchObject({ name: 'ServerUnavailable', message: expect.stringMatching(reason) })
      expect(workspaceDigest(folder.path('desktop.sqlite'))).toBe(before)
    }
  })

  it('makes the desktop a copy of the server, bytes included, with the snapshot’s cursor and nothing recorded as changed here', async () => {
    await take(lines)
    expect(await replicatedDigest(folder.path('desktop.sqlite'))).toBe(await replicatedDigest(server.engine.path))
    const state = await desktop.context.db.selectFrom('sync_state').select('cursor').executeTakeFirstOrThrow()
    expect(state.cursor).toBe((JSON.parse(lines[0]!) as { cursor: string }).cursor)
    expect(await desktop.context.db.selectFrom('row_changes').select('seq').execute()).toEqual([])
    // The trigger that records a change made here stood aside only while the rows went in.
    await caller(desktop.engine)('applications.update', { id: 'app_claims', name: 'Claims Assistant' })
    expect((await desktop.context.db.selectFrom('row_changes').select('row_key').where('table_name', '=', 'applications').execute()).map((row) => row.row_key)).toEqual(['["app_claims"]'])
  })
})
