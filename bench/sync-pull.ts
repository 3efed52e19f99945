/**
 * A desktop connecting to the organisation's server: the first full pull of a workspace of 1,000
 * applications under the four templates with 30 days of hourly buckets (target ≤ 60 s, with the
 * progress the console shows), which streams the server's snapshot (GET /api/v1/sync/snapshot)
 * into one transaction, then takes the feed from the snapshot's cursor; then an incremental pull
 * after an hour of new data for every application (target ≤ 1 s), through the change feed. The
 * server is `govern serve` in a process of its own, as it would be, running beside the desktop.
 * Each figure is printed beside a bare baseline measured in the same run: copying the same rows
 * from the server's file into an empty SQLite file (tables without keys, indexes or triggers)
 * with no network, JSON or engine between. Run with `npx tsx bench/sync-pull.ts` (APPLICATIONS=…
 * and DAYS=… for a smaller run); building the server's workspace is timed and printed too.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { METRIC_BY_KEY, type MetricKey } from '../src-shared/domain/metrics'
import { openEngineParts } from '../src-main/engine/engine'
import { FileCredentialStore } from '../src-main/engine/sync/file-credentials'
import { REPLICATED_TABLES } from '../src-main/engine/sync/replicated-tables'
import { caller } from '../src-main/testing/workspace'
import { appId, buildPortfolio, startGovernServe } from './portfolio'

const APPLICATIONS = Number(process.env.APPLICATIONS ?? 1000)
const DAYS = Number(process.env.DAYS ?? 30)
/** The server's log (on stderr), its last lines only: shown if a pull fails. */
let serverLog = ''

async function serve(file: string): Promise<{ url: string; child: ChildProcess }> {
  const server = await startGovernServe(['--db', file])
  server.child.stderr!.on('data', (piece: Buffer) => (serverLog = (serverLog + piece.toString()).slice(-4000)))
  return server
}

/** The bare copy: every replicated row read from the server's file and written to a new one, in one transaction. */
function bareCopy(serverFile: string, into: string, since?: { table: string; after: number }): { ms: number; rows: number } {
  const source = new BetterSqlite3(serverFile, { readonly: true })
  const target = new BetterSqlite3(into)
  const started = performance.now()
  let rows = 0
  target.exec('BEGIN')
  for (const table of Object.keys(REPLICATED_TABLES)) {
    if (since && table !== since.table) continue
    const read = source.prepare(`SELECT * FROM "${table}"${since ? ` WHERE hour >= ${since.after}` : ''}`)
    const columns = read.columns().map((column) => column.name)
    if (!since) target.exec(`CREATE TABLE "${table}" (${columns.map((name) => `"${name}"`).join(', ')})`)
    const write = target.prepare(`INSERT INTO "${table}" VALUES (${columns.map(() => '?').join(', ')})`)
    for (const row of read.raw(true).iterate()) {
      write.run(row as unknown[])
      rows++
    }
  }
  target.exec('COMMIT')
  const ms = performance.now() - started
  source.close()
  target.close()
  return { ms, rows }
}

/** One more hour of observations for every application, through the server's REST API. */
async function anHourOfNewData(url: string, token: string, metrics: readonly MetricKey[]): Promise<void> {
  const timestamp = new Date().toISOString()
  for (let i = 0; i < APPLICATIONS; i++) {
    const observations = metrics.map((metric) => {
      const kind = METRIC_BY_KEY[metric].kind
      if (kind === 'latency' || kind === 'score') return { metric, timestamp, values: [kind === 'latency' ? 800 : 0.9] }
      if (kind === 'throughput') return { metric: 'requests', timestamp, count: 100 }
      return { metric, timestamp, count: 1, total: 100 }
    })
    const response = await fetch(`${url}/api/v1/applications/${appId(i)}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: appId(i), batch_id: `bench-hour-${i}`, observations }),
    })
    if (!response.ok) throw new Error(`ingest for ${appId(i)} answered ${response.status}: ${await response.text()}`)
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-sync-'))
  try {
    const serverFile = join(folder, 'server.sqlite')
    process.stdout.write(`Building the server's workspace: ${APPLICATIONS} applications, ${DAYS} days of hourly buckets… `)
    const building = performance.now()
    const { token, metrics } = await buildPortfolio(serverFile, APPLICATIONS, DAYS * 24)
    console.log(`done in ${seconds(performance.now() - building)}`)
    const bare = bareCopy(serverFile, join(folder, 'bare.sqlite'))
    const server = await serve(serverFile)
    const desktop = await openEngineParts(join(folder, 'desktop.sqlite'), { credentials: new FileCredentialStore(join(folder, 'token.json')) })
    const call = caller(desktop.engine)
    try {
      let shown = ''
      const progress = setInterval(() => {
        void call('sync.status', {}).then((status) => {
          const line = status.progress ? `  pulling: ${status.progress.done.toLocaleString('en-US')} of ${status.progress.total.toLocaleString('en-US')} rows` : ''
          if (line && line !== shown) console.log((shown = line))
        })
      }, 2000)
      const started = performance.now()
      await call('sync.connect', { url: server.url, token })
      const first = await call('sync.now', {})
      const firstMs = performance.now() - started
      clearInterval(progress)
      if (first.state !== 'online' || first.pending !== 0) throw new Error(`the first pull ended ${JSON.stringify(first)}\n${serverLog}`)
      console.log(`First full pull:   ${seconds(firstMs)} for ${bare.rows.toLocaleString('en-US')} rows; bare copy ${seconds(bare.ms)} (${(firstMs / bare.ms).toFixed(1)}×); target ≤ 60 s`)

      await anHourOfNewData(server.url, token, metrics)
      const hour = Math.floor(Date.now() / 3_600_000)
      const bareHour = bareCopy(serverFile, join(folder, 'bare.sqlite'), { table: 'metric_buckets', after: hour })
      const again = performance.now()
      const incremental = await call('sync.now', {})
      const incrementalMs = performance.now() - again
      if (incremental.state !== 'online') throw new Error(`the incremental pull ended ${JSON.stringify(incremental)}\n${serverLog}`)
      console.log(`Incremental pull:  ${seconds(incrementalMs)} after an hour of new data (${bareHour.rows.toLocaleString('en-US')} new buckets); bare copy ${seconds(bareHour.ms)} (${(incrementalMs / Math.max(bareHour.ms, 1)).toFixed(1)}×); target ≤ 1 s`)
    } finally {
      await desktop.engine.close()
      server.child.kill('SIGTERM')
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
