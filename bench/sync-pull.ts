/**
 * A desktop connecting to the organisation's server: the first full pull of a workspace of 1,000
 * applications under the four templates with 30 days of hourly buckets (target ≤ 60 s, with the
 * progress the console shows), then an incremental pull after an hour of new data for every
 * application (target ≤ 1 s). The server is `govern serve` in a process of its own, as it would
 * be. Each figure is printed beside a bare baseline measured in the same run: copying the same
 * rows from the server's file into an empty SQLite file with no network, JSON or engine between.
 * Run with `npx tsx bench/sync-pull.ts` (APPLICATIONS=… and DAYS=… for a smaller run).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { METRIC_BY_KEY, type MetricKey } from '../src-shared/domain/metrics'
import { openEngineParts } from '../src-main/engine/engine'
import { FileCredentialStore } from '../src-main/engine/sync/file-credentials'
import { REPLICATED_TABLES } from '../src-main/engine/sync/replicated-tables'
import { caller } from '../src-main/testing/workspace'
import { writeSteadyMonitoringData } from './steady-monitoring-data'

const APPLICATIONS = Number(process.env.APPLICATIONS ?? 1000)
const DAYS = Number(process.env.DAYS ?? 30)
const root = join(__dirname, '..')
const appId = (i: number) => `app_${String(i).padStart(4, '0')}`

async function buildServerWorkspace(file: string): Promise<{ token: string; metrics: MetricKey[] }> {
  const { engine, evaluator } = await openEngineParts(file)
  const call = caller(engine)
  for (let i = 0; i < APPLICATIONS; i++) await call('applications.create', { id: appId(i), name: `Application ${i} of the portfolio`, tags: ['production'] })
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  writeSteadyMonitoringData(file, Array.from({ length: APPLICATIONS }, (_, i) => appId(i)), metrics, DAYS * 24, 0.2)
  await evaluator.evaluateNow()
  const token = (await engine.tokens.create({ name: 'desktops', role: 'org_admin' })).secret
  await engine.close()
  return { token, metrics: [...metrics] }
}

let serverLog = ''

function serve(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), '--import', 'tsx', join(root, 'src-main', 'cli', 'govern.ts'), 'serve', '--db', file, '--port', '0', '--rate-limit', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const read = (piece: Buffer) => {
      output += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output)?.[1]
      if (!url) return
      child.stdout!.off('data', read)
      child.stdout!.resume()
      resolve({ url, child })
    }
    // The server's log goes to stderr: kept only for its last lines, to show if it fails.
    child.stderr!.on('data', (piece: Buffer) => (serverLog = (serverLog + piece.toString()).slice(-4000)))
    child.stdout!.on('data', read)
    child.once('exit', (code) => reject(new Error(`govern serve exited with ${code}: ${output}`)))
  })
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
    const { token, metrics } = await buildServerWorkspace(serverFile)
    console.log('done')
    const bare = bareCopy(serverFile, join(folder, 'bare.sqlite'))
    const server = await serve(serverFile)
    const desktop = await openEngineParts(join(folder, 'desktop.sqlite'), { credentials: new FileCredentialStore(join(folder, 'token.json')), ...(process.env.PAGE ? { syncTuning: { pageSize: Number(process.env.PAGE) } } : {}) })
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
