/**
 * A new desktop's first pull through the server's snapshot, for real: a server engine behind its
 * HTTP server, desktops reaching it through a relay that notes what they ask and can hold, cut
 * or hide the snapshot. The desktop ends with exactly the server's rows (bytes included), later
 * changes come through the feed, and a snapshot cut off leaves the desktop as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SYNC_SNAPSHOT_ROUTE } from '../../../src-shared/api/sync'
import { ApiRelay } from '../../testing/api-relay'
import { openDesktop, replicatedDigest, replicatedRows, startSyncServer, SwitchableLink, type Desktop, type SyncServer } from '../../testing/sync-world'
import { tempFolder } from '../../testing/workspace'
import { writeNewSeries } from '../../engine/metrics/buckets'
import { startServer } from './server'

const START = '2026-03-02T09:00:00.000Z'
let folder: ReturnType<typeof tempFolder>
let server: SyncServer
let relay: ApiRelay
let link: SwitchableLink
let desktop: Desktop

/** Monitoring data for an application, a latency sketch (bytes) among it. */
async function sendData(applicationId: string, minutesAgo: number): Promise<void> {
  const timestamp = new Date(Date.parse(START) - minutesAgo * 60_000).toISOString()
  await server.call('metrics.ingest', {
    id: applicationId,
    observations: [
      { metric: 'pii', timestamp, count: 1, total: 100 },
      { metric: 'latency_p95', timestamp, values: [120, 340, 800] },
    ],
  })
}

beforeEach(async () => {
  folder = tempFolder()
  server = await startSyncServer(folder.path('server.sqlite'), START)
  await server.call('applications.create', { id: 'app_claims', name: 'Claims Bot', tags: ['governed'] })
  await server.call('policies.create', {
    name: 'Customer Data',
    alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
    attestation_rule_ids: [],
    scope: { apply_to_all: false, tags: ['governed'], application_ids: [] },
    enforcement_delay_days: 0,
  })
  for (const minutesAgo of [30, 90, 150]) await sendData('app_claims', minutesAgo)
  await server.engine.settle()
  relay = await ApiRelay.to(server.http.url)
  link = await SwitchableLink.to(relay.url)
  desktop = await openDesktop('dana', folder.path('dana.sqlite'), link, START)
})
afterEach(async () => {
  await desktop.engine.close()
  await link.close()
  await relay.close()
  await server.close()
  folder.remove()
})

const snapshotsAsked = () => relay.asked.filter((path) => path.startsWith(`/api/v1${SYNC_SNAPSHOT_ROUTE.path}`))
const feedAsked = () => relay.asked.filter((path) => path.startsWith('/api/v1/sync/changes'))
/** Pages of the feed from its start (connecting asks for one change from there, to learn the workspace's id). */
const feedFromStart = () => feedAsked().filter((path) => /after=0&/.test(path) && !/limit=1$/.test(path))

async function connect(): Promise<Awaited<ReturnType<Desktop['call']>>> {
  await desktop.call('sync.connect', { url: link.url, token: server.token })
  return desktop.call('sync.now', {})
}

describe('a first pull through the snapshot', () => {
  it('gives a new desktop exactly the server’s rows, bytes included, and later changes through the feed', async () => {
    expect(await connect()).toMatchObject({ state: 'online', pending: 0 })
    expect(snapshotsAsked()).toHaveLength(1)
    // The feed was read only from where the snapshot stood, never from the start.
    expect(feedAsked().length).toBeGreaterThan(0)
    expect(feedFromStart()).toEqual([])
    const rows = await replicatedRows(desktop.file)
    expect(rows).toEqual(await replicatedRows(server.engine.path))
    expect(rows.metric_buckets!.some((row) => (JSON.parse(row) as { sketch: unknown }).sketch !== null)).toBe(true)

    await server.call('applications.create', { name: 'Fraud Scorer', tags: ['governed'] })
    await sendData('app_claims', 10)
    await server.engine.settle()
    await desktop.call('sync.now', {})
    expect(snapshotsAsked()).toHaveLength(1)
    expect(await replicatedDigest(desktop.file)).toBe(await replicatedDigest(server.engine.path))
    expect((await desktop.call('applications.list', { search: 'Fraud Scorer' })).applications).toHaveLength(1)
  })

  it('brings a change the server made while the snapshot streamed through the feed after it, never lost', async () => {
    let release!: () => void
    relay.snapshot = { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) }
    await desktop.call('sync.connect', { url: link.url, token: server.token })
    const pulling = desktop.call('sync.now', {})
    // Once the desktop has the snapshot's first line, the server changes a policy and its covered applications.
    await waitFor(async () => (await desktop.call('sync.status', {})).progress !== undefined)
    await server.call('applications.create', { id: 'app_late', name: 'Late Bot', tags: ['governed'] })
    await sendData('app_late', 5)
    await server.engine.settle()
    release()
    expect(await pulling).toMatchObject({ state: 'online', pending: 0 })
    expect(await replicatedDigest(desktop.file)).toBe(await replicatedDigest(server.engine.path))
    expect((await desktop.call('applications.get', { id: 'app_late' })).name).toBe('Late Bot')
  })

  it('keeps nothing of a snapshot cut off part-way, says why it is offline, and pulls whole on the next try', async () => {
    const before = await replicatedDigest(desktop.file)
    await desktop.call('sync.connect', { url: link.url, token: server.token })
    const cuts = [
      { how: 'end', reason: /snapshot was cut off after \d+ of \d+ rows/ },
      { how: 'break', reason: /broke off its snapshot/ },
    ] as const
    for (const { how, reason } of cuts) {
      relay.snapshot = { kind: 'cut', afterBytes: 4_000, how }
      expect(await desktop.call('sync.now', {})).toMatchObject({ state: 'offline', last_error: expect.stringMatching(reason) })
      expect(await replicatedDigest(desktop.file)).toBe(before)
      const state = await desktop.parts.context.db.selectFrom('sync_state').select('cursor').executeTakeFirstOrThrow()
      expect(state.cursor).toBe('0')
    }
    relay.snapshot = { kind: 'pass' }
    expect(await desktop.call('sync.now', {})).toMatchObject({ state: 'online', pending: 0 })
    expect(await replicatedDigest(desktop.file)).toBe(await replicatedDigest(server.engine.path))
  })

  it('pulls the first copy from the feed, page by page, from a server too old for snapshots', async () => {
    relay.snapshot = { kind: 'absent' }
    await desktop.engine.close()
    desktop = await openDesktop('dana', desktop.file, link, START, { pageSize: 5 })
    expect(await connect()).toMatchObject({ state: 'online', pending: 0 })
    expect(snapshotsAsked()).toHaveLength(1)
    expect(feedFromStart()).toHaveLength(1)
    expect(feedAsked().length).toBeGreaterThan(3)
    expect(await replicatedDigest(desktop.file)).toBe(await replicatedDigest(server.engine.path))
  })
})

describe('the snapshot route', () => {
  const url = () => `${server.http.url}/api/v1${SYNC_SNAPSHOT_ROUTE.path}`

  it('refuses a request without a token, or with one it does not know', async () => {
    const none = await fetch(url())
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="govern"')
    expect((await fetch(url(), { headers: { authorization: 'Bearer gov_unknown' } })).status).toBe(401)
  })

  it('answers JSON lines: the header with the cursor and counts, each table’s columns and rows, and the end', async () => {
    const response = await fetch(url(), { headers: { authorization: `Bearer ${server.token}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)
    const header = lines[0] as { workspace_id: string; cursor: string; tables: Record<string, number> }
    const feed = await server.call('sync.changes', { after: '0', limit: 10_000 })
    expect(header).toMatchObject({ workspace_id: feed.workspace_id, cursor: feed.next })
    const end = lines.at(-1) as { end: boolean; rows: number }
    expect(end).toEqual({ end: true, rows: Object.values(header.tables).reduce((sum, count) => sum + count, 0) })
    expect(header.tables.metric_buckets).toBeGreaterThan(0)
    const applications = lines.findIndex((line) => (line as { table?: string }).table === 'applications')
    expect(lines[applications]).toMatchObject({ columns: expect.arrayContaining(['id', 'name']) })
    expect(lines[applications + 1]).toEqual([expect.arrayContaining(['app_claims', 'Claims Bot'])])
  })
})

describe('many desktops taking their first copy at once', () => {
  it('streams a few snapshots at a time and answers the next desktop busy until one ends', async () => {
    // A snapshot far larger than the connection's buffers, so one left unread stays under way.
    const hours = 400_000
    await server.parts.context.mutate(['metrics'], (tx) =>
      writeNewSeries(tx, 'app_claims', [{ metric: 'throughput_drop', firstHour: 100_000, n: new Float64Array(hours).fill(10), total: null, sum: null, sketches: null }]),
    )
    const oneAtATime = await startServer({ engine: server.engine, port: 0, log: () => undefined, requestsPerMinute: 0, snapshotsAtOnce: 1 })
    try {
      const ask = () => fetch(`${oneAtATime.url}/api/v1${SYNC_SNAPSHOT_ROUTE.path}`, { headers: { authorization: `Bearer ${server.token}` } })
      const first = await ask()
      expect(first.status).toBe(200)
      const reader = first.body!.getReader()
      await reader.read()
      const second = await ask()
      expect(second.status).toBe(503)
      expect(second.headers.get('retry-after')).toBe('1')
      expect(((await second.json()) as { message: string }).message).toMatch(/first copy already; try again shortly/)
      // The first desktop goes away: its snapshot is let go, and the next desktop's is streamed.
      await reader.cancel()
      await waitFor(async () => {
        const next = await ask()
        await next.body?.cancel()
        return next.status === 200
      })
    } finally {
      await oneAtATime.close(0)
    }
  })
})

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('waited 2 s in vain')
}
