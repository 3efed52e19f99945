/**
 * The server's two hot reads on PostgreSQL beside the same on SQLite, in one run: `govern serve`
 * (no rate limit) on a throwaway PostgreSQL cluster and on a SQLite file, each holding the same
 * 1,000 applications under the four templates with 30 hours of hourly data, driven on loopback by
 * autocannon:
 *   - GET /organization/policies/compliance, compressed as clients ask;
 *   - GET /applications/{id}/compliance.
 * Each figure is printed beside a bare Node server answering the same bytes, measured in the same
 * run just after it, and beside the issue's target: ≥ 1,500 requests/s at p99 ≤ 50 ms.
 * The cluster is the tests' (postgres-server.ts): fsync off, which reads do not notice.
 * Run with `npx tsx bench/server-load-postgres.ts`; BENCH_PROFILE=folder writes each server's CPU profile there.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { Client } from 'pg'
import type { Input, ProcedureName } from '../src-shared/api/contract'
import type { MetricKey } from '../src-shared/domain/metrics'
import { chunks, rowsPerInsert } from '../src-main/engine/batch'
import { migrateDatabaseAt } from '../src-main/engine/db/postgres'
import { openEngineParts } from '../src-main/engine/engine'
import { startPostgresServer } from '../src-main/testing/postgres-server'
import { dispatch } from '../src-main/transport/dispatch'
import { steadySeries } from './steady-monitoring-data'

const APPLICATIONS = 1000
const HOURS = 30
const SECONDS = 10
const CONNECTIONS = 10
const TARGET = { rps: 1500, p99: 50 }
const root = join(__dirname, '..')
const appId = (i: number) => `app_${String(i).padStart(4, '0')}`

/** The bench's portfolio, built through the engine on either database; answers an org_admin token. */
async function buildWorkspace(location: string): Promise<string> {
  const { engine, context, evaluator } = await openEngineParts(location)
  const owner = { actor: await engine.owner() }
  const call = async <K extends ProcedureName>(procedure: K, input: Input<K>) => {
    const result = await dispatch(engine, procedure, input, owner)
    if (!result.ok) throw new Error(`${procedure}: ${result.error.message}`)
    return result.value as { alert_rules: Array<{ metric: MetricKey }> }
  }
  for (let i = 0; i < APPLICATIONS; i++) await call('applications.create', { id: appId(i), name: `Application ${i} of the portfolio`, tags: ['production'] })
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  // The data the bare way, rows straight into the tables: ingestion has a benchmark of its own.
  await context.bookkeep(async (tx) => {
    const rows: Array<{ series_id: number; hour: number; n: number; total: number | null; sum: number | null; sketch: Uint8Array | null }> = []
    for (const { applicationId, metric, buckets } of steadySeries(Array.from({ length: APPLICATIONS }, (_, i) => appId(i)), metrics, HOURS, 0.2)) {
      const { id } = await tx.insertInto('metric_series').values({ application_id: applicationId, metric }).returning('id').executeTakeFirstOrThrow()
      for (const [hour, n, total, sum, sketch] of buckets) rows.push({ series_id: Number(id), hour, n, total, sum, sketch })
    }
    for (const slice of chunks(rows, rowsPerInsert(6))) await tx.insertInto('metric_buckets').values(slice).execute()
  })
  await evaluator.evaluateNow()
  const token = (await engine.tokens.create({ name: 'bench', role: 'org_admin' })).secret
  await engine.close()
  return token
}

/** Starts a server process and resolves with the base URL it prints. */
function startProcess(args: string[], pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const read = (piece: Buffer) => {
      output += piece.toString()
      const url = pattern.exec(output)?.[1]
      if (!url) return
      // From here its log lines (one a request) are drained unread: read, they would cost the load
      // generator, which shares this process, more and more as they pile up.
      child.stdout!.off('data', read)
      child.stderr!.off('data', read)
      child.stdout!.resume()
      child.stderr!.resume()
      resolve({ url, child })
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
}

/** The bare baseline: plain node:http answering the same bytes, compressed the same, nothing else. */
const BARE_SERVER = `
const { createServer } = require('node:http')
const { readFileSync } = require('node:fs')
const [folder] = process.argv.slice(1)
const bodies = Object.fromEntries(['org', 'org.br', 'org.gz', 'app'].map((name) => [name, readFileSync(folder + '/' + name)]))
createServer((req, res) => {
  const accept = req.headers['accept-encoding'] || ''
  const name = req.url.startsWith('/org') ? (accept.includes('br') ? 'org.br' : accept.includes('gzip') ? 'org.gz' : 'org') : 'app'
  const headers = { 'content-type': 'application/json' }
  if (name.endsWith('.br')) headers['content-encoding'] = 'br'
  if (name.endsWith('.gz')) headers['content-encoding'] = 'gzip'
  res.writeHead(200, headers)
  res.end(bodies[name])
}).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port) })
`

async function rawBody(url: string, headers: Record<string, string>): Promise<Buffer> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const pieces: Buffer[] = []
      res.on('data', (piece: Buffer) => pieces.push(piece))
      res.on('end', () => resolve(Buffer.concat(pieces)))
    })
      .on('error', reject)
      .end()
  })
}

interface Load {
  rps: number
  p50: number
  p99: number
  failed: number
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts }
}

interface Measured {
  org: Load
  orgBare: Load
  app: Load
  appBare: Load
  reportBytes: number
}

/** Serves `workspaceArgs` with `govern serve` and measures both reads, each beside the bare server. */
async function measure(workspaceArgs: string[], token: string, folder: string): Promise<Measured> {
  const auth = { authorization: `Bearer ${token}` }
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const server = await startProcess([...profile, '--import', 'tsx', join(root, 'src-main/cli/govern.ts'), 'serve', ...workspaceArgs, '--port', '0', '--rate-limit', '0'], /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/)
  const api = `${server.url}/api/v1`
  const orgUrl = `${api}/organization/policies/compliance`
  const appUrl = `${api}/applications/${appId(1)}/compliance`
  const org = await rawBody(orgUrl, auth)
  writeFileSync(join(folder, 'org'), org)
  writeFileSync(join(folder, 'org.br'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'br' }))
  writeFileSync(join(folder, 'org.gz'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'gzip' }))
  writeFileSync(join(folder, 'app'), await rawBody(appUrl, auth))
  const bare = await startProcess(['-e', BARE_SERVER, folder], /(http:\/\/127\.0\.0\.1:\d+)/)
  const compressed = { ...auth, 'accept-encoding': 'br, gzip' }
  try {
    const orgLoad = await load(orgUrl, compressed)
    const orgBare = await load(`${bare.url}/org`, compressed)
    const app = await load(appUrl, auth)
    const appBare = await load(`${bare.url}/app`, auth)
    return { org: orgLoad, orgBare, app, appBare, reportBytes: org.length }
  } finally {
    server.child.kill('SIGTERM')
    bare.child.kill('SIGTERM')
  }
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-postgres-'))
  const cluster = await startPostgresServer()
  try {
    // Created as README recommends: UTF-8, C locale, from template0.
    const admin = new Client({ connectionString: cluster.url })
    await admin.connect()
    await admin.query(`CREATE DATABASE governance ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0`)
    await admin.end()
    const databaseUrl = new URL(cluster.url)
    databaseUrl.pathname = '/governance'
    await migrateDatabaseAt(databaseUrl.toString())

    const file = join(folder, 'server.sqlite')
    let started = performance.now()
    const sqliteToken = await buildWorkspace(file)
    const sqliteBuildS = (performance.now() - started) / 1000
    started = performance.now()
    const postgresToken = await buildWorkspace(databaseUrl.toString())
    const postgresBuildS = (performance.now() - started) / 1000

    const sqlite = await measure(['--db', file], sqliteToken, folder)
    const postgres = await measure(['--database-url', databaseUrl.toString()], postgresToken, folder)

    const verdict = (l: Load) => (l.rps >= TARGET.rps && l.p99 <= TARGET.p99 && l.failed === 0 ? 'PASS' : 'MISS')
    const figure = (name: string, engine: Load, baseline: Load) =>
      `  ${name}: ${Math.round(engine.rps)} requests/s, p50 ${engine.p50} ms, p99 ${engine.p99} ms${engine.failed ? `, ${engine.failed} failed` : ''}; bare ${Math.round(baseline.rps)} requests/s, p99 ${baseline.p99} ms; ratio ${(engine.rps / baseline.rps).toFixed(2)} (target ≥ ${TARGET.rps}/s at p99 ≤ ${TARGET.p99} ms) ${verdict(engine)}`
    console.log(`workspace: ${APPLICATIONS} applications, 4 policies, ${HOURS} hours of data; the report is ${(postgres.reportBytes / 1e6).toFixed(2)} MB (${CONNECTIONS} connections, ${SECONDS} s each); built in ${sqliteBuildS.toFixed(1)} s on SQLite, ${postgresBuildS.toFixed(1)} s on PostgreSQL`)
    for (const [name, measured] of [['SQLite', sqlite], ['PostgreSQL', postgres]] as const) {
      console.log(name)
      console.log(figure('organisation report, compressed', measured.org, measured.orgBare))
      console.log(figure('one application', measured.app, measured.appBare))
    }
    console.log(`PostgreSQL against SQLite: organisation report ${(postgres.org.rps / sqlite.org.rps).toFixed(2)}×, one application ${(postgres.app.rps / sqlite.app.rps).toFixed(2)}× the requests/s`)
  } finally {
    cluster.stop()
    rmSync(folder, { recursive: true, force: true })
  }
}

void main()
