/**
 * What the server benchmarks share: the portfolio they serve (applications under the four
 * templates, with steady hourly data, on a SQLite file or a PostgreSQL database alike), starting
 * `govern serve` and the bare baseline server as processes of their own, and driving them with
 * autocannon on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import autocannon from 'autocannon'
import type { Input, ProcedureName } from '../src-shared/api/contract'
import type { MetricKey } from '../src-shared/domain/metrics'
import { chunks, rowsPerInsert } from '../src-main/engine/batch'
import { openEngineParts } from '../src-main/engine/engine'
import { dispatch } from '../src-main/transport/dispatch'
import { steadySeries } from './steady-monitoring-data'

export const root = join(__dirname, '..')
export const appId = (i: number) => `app_${String(i).padStart(4, '0')}`
export const REST_API_URL = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/

/**
 * `applications` applications under the four templates with `hours` hours of data ending at the
 * last whole hour, a fifth of them failing something, evaluated; answers an org_admin token and
 * the metrics the policies ask for.
 */
export async function buildPortfolio(location: string, applications: number, hours: number): Promise<{ token: string; metrics: MetricKey[] }> {
  const { engine, context, evaluator } = await openEngineParts(location)
  const owner = { actor: await engine.owner() }
  const call = async <K extends ProcedureName>(procedure: K, input: Input<K>) => {
    const result = await dispatch(engine, procedure, input, owner)
    if (!result.ok) throw new Error(`${procedure}: ${result.error.message}`)
    return result.value as { alert_rules: Array<{ metric: MetricKey }> }
  }
  for (let i = 0; i < applications; i++) await call('applications.create', { id: appId(i), name: `Application ${i} of the portfolio`, tags: ['production'] })
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  // The data the bare way, rows straight into the tables, an application at a time: ingestion has
  // a benchmark of its own.
  const ids = Array.from({ length: applications }, (_, i) => appId(i))
  for (const slice of chunks(ids, 50)) {
    await context.bookkeep(async (tx) => {
      for (const { applicationId, metric, buckets } of steadySeries(slice, metrics, hours, 0.2)) {
        const { id } = await tx.insertInto('metric_series').values({ application_id: applicationId, metric }).returning('id').executeTakeFirstOrThrow()
        const rows = buckets.map(([hour, n, total, sum, sketch]) => ({ series_id: Number(id), hour, n, total, sum, sketch }))
        for (const rowsSlice of chunks(rows, rowsPerInsert(6))) await tx.insertInto('metric_buckets').values(rowsSlice).execute()
      }
    })
  }
  await evaluator.evaluateNow()
  const token = (await engine.tokens.create({ name: 'bench', role: 'org_admin' })).secret
  await engine.close()
  return { token, metrics: [...metrics] }
}

/**
 * Starts a server process and resolves with the base URL it prints on stdout. Its log (stderr, a
 * line a request) goes to a file, as a service's would: through a pipe, it would hold the server
 * up whenever the load generator, which shares this process, is slow to read it.
 */
export function startProcess(args: string[], pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'govern-bench-log-')), 'server.log')
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', log] })
  closeSync(log)
  return new Promise((resolve, reject) => {
    let output = ''
    let started = false
    const read = (piece: Buffer) => {
      output += piece.toString()
      const url = pattern.exec(output)?.[1]
      if (!url) return
      started = true
      child.stdout!.off('data', read)
      child.stdout!.resume()
      resolve({ url, child })
    }
    child.stdout!.on('data', read)
    child.once('exit', (code) => {
      if (!started) reject(new Error(`server exited with ${code}: ${output}${readFileSync(logFile, 'utf8')}`))
      rmSync(dirname(logFile), { recursive: true, force: true })
    })
  })
}

/** Stops a server process and resolves once it has exited, so its files can be removed. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  return exited
}

/** `govern serve` on a workspace (`--db FILE` or `--database-url URL`), with no rate limit. */
export function startGovernServe(workspaceArgs: string[]): Promise<{ url: string; child: ChildProcess }> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  return startProcess([...profile, '--import', 'tsx', join(root, 'src-main/cli/govern.ts'), 'serve', ...workspaceArgs, '--port', '0', '--rate-limit', '0'], REST_API_URL)
}

/** The bare baseline: plain node:http answering the same bytes, compressed the same, nothing else. */
export const BARE_SERVER = `
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

export async function rawBody(url: string, headers: Record<string, string>): Promise<Buffer> {
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

export interface Load {
  rps: number
  p50: number
  p99: number
  failed: number
}

export async function load(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds, headers })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts }
}

/**
 * The two hot reads of a running server, and a bare server answering the bytes each answered
 * (compressed the same): the baseline measured beside them.
 */
export async function hotReadsWithBareBaseline(serverUrl: string, auth: Record<string, string>, folder: string) {
  const api = `${serverUrl}/api/v1`
  const orgUrl = `${api}/organization/policies/compliance`
  const appUrl = `${api}/applications/${appId(1)}/compliance`
  const org = await rawBody(orgUrl, auth)
  writeFileSync(join(folder, 'org'), org)
  writeFileSync(join(folder, 'org.br'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'br' }))
  writeFileSync(join(folder, 'org.gz'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'gzip' }))
  writeFileSync(join(folder, 'app'), await rawBody(appUrl, auth))
  const bare = await startProcess(['-e', BARE_SERVER, folder], /(http:\/\/127\.0\.0\.1:\d+)/)
  return { api, orgUrl, appUrl, org, bare }
}

/**
 * How large a run is: the full portfolio, or with BENCH_SCALE=tiny a few applications for a few
 * seconds, so CI can check the benchmark still runs (its figures then mean nothing).
 */
export function benchScale(): { tiny: boolean; applications: number; hours: number; seconds: number; importEvents: number } {
  const tiny = process.env.BENCH_SCALE === 'tiny'
  return tiny ? { tiny, applications: 20, hours: 3, seconds: 1, importEvents: 1_000 } : { tiny, applications: 1000, hours: 30, seconds: 10, importEvents: 100_000 }
}

/**
 * A CSV of per-inference events over the last day. It is made before the clock starts (the load
 * generator shares this process, and a busy process would be measured as a slow server); each
 * import adds one line of its own, so each is a new file and real work.
 */
export function importFile(events: number): (seed: number) => string {
  const lines = ['timestamp,latency_ms,error,pii']
  const now = Date.now()
  for (let k = 0; k < events; k++) lines.push(`${new Date(now - ((k * 7919) % 86_000) * 1000).toISOString()},${500 + (k % 900)},${k % 50 === 0},${k % 97 === 0}`)
  const body = `${lines.join('\n')}\n`
  return (seed) => `${body}${new Date(now - seed * 1000).toISOString()},${seed % 900},false,false\n`
}

/** Work a server does beside the reads measured; `during` runs the measurement while it goes on. */
export interface BackgroundWork {
  during<T>(work: () => Promise<T>): Promise<T>
  /** What it got done, over every run. */
  readonly done: Record<string, number>
}

/**
 * Full evaluations and imports of `events` events into the last application, back to back,
 * through the server at `api`.
 */
export function evaluationsAndImports(api: string, auth: Record<string, string>, applications: number, events: number): BackgroundWork {
  const done = { evaluations: 0, imports: 0 }
  const nextImport = importFile(events)
  return {
    done,
    during: async (work) => {
      const state = { running: true }
      const evaluating = (async () => {
        while (state.running) {
          const response = await fetch(`${api}/organization/compliance/evaluate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })
          if (response.ok) done.evaluations++
          await response.arrayBuffer()
        }
      })()
      const importing = (async () => {
        for (let seed = done.imports + 1; state.running; seed++) {
          const response = await fetch(`${api}/applications/${appId(applications - 1)}/inferences`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: nextImport(seed) })
          if (response.ok) done.imports++
          await response.arrayBuffer()
        }
      })()
      try {
        return await work()
      } finally {
        state.running = false
        await Promise.all([evaluating, importing])
      }
    },
  }
}

/**
 * Monitoring data arriving every 100 ms, each batch for the next application in turn (never the
 * one whose compliance is read): what moves the organisation's report on, ten times a second.
 */
export function dataArriving(api: string, auth: Record<string, string>, applications: number): BackgroundWork {
  const done = { batches: 0 }
  return {
    done,
    during: async (work) => {
      const state = { running: true }
      const arriving = (async () => {
        for (let n = 0; state.running; n++) {
          const id = appId(2 + (n % Math.max(1, applications - 2)))
          const timestamp = new Date(Date.now() - 60_000).toISOString()
          const observations = [{ metric: 'pii', timestamp, count: n % 3, total: 1000 }]
          const response = await fetch(`${api}/applications/${id}/metrics`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ observations }) })
          if (response.ok) done.batches++
          await response.arrayBuffer()
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      })()
      try {
        return await work()
      } finally {
        state.running = false
        await arriving
      }
    },
  }
}

/** A figure beside its bare baseline, with both ratios: requests/s (higher is better) and p99 (lower is better). */
export function figureBeside(name: string, engine: Load, baseline: Load): string {
  return `${name}: ${Math.round(engine.rps)} requests/s, p50 ${engine.p50} ms, p99 ${engine.p99} ms${engine.failed ? `, ${engine.failed} failed` : ''}; bare ${Math.round(baseline.rps)} requests/s, p99 ${baseline.p99} ms; ratio ${(engine.rps / baseline.rps).toFixed(2)} of the requests/s, ${(engine.p99 / Math.max(1, baseline.p99)).toFixed(2)}× the p99`
}
