/**
 * The server under load, as monitoring tools and a busy portfolio drive it: `govern serve` on a
 * workspace of 1,000 applications under the four templates, most of them failing something, so
 * the organisation's compliance report weighs about a megabyte and a half. A loopback load
 * generator (autocannon) measures each figure beside a bare Node server answering the same bytes
 * in the same run, and prints the ratio:
 *   - GET /organization/policies/compliance, the full answer, compressed as clients ask
 *     (target ≥ 500 requests/s at p99 ≤ 100 ms);
 *   - GET /applications/{id}/compliance, idle, and while full evaluations and imports run back to
 *     back (target p99 ≤ 60 ms under that load).
 * Run with `npm run bench`; BENCH_PROFILE=folder writes the server's CPU profile there.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import type { MetricKey } from '../src-shared/domain/metrics'
import { openEngineParts } from '../src-main/engine/engine'
import { caller } from '../src-main/testing/workspace'
import { writeSteadyMonitoringData } from './steady-monitoring-data'

const APPLICATIONS = 1000
const HOURS = 30
const SECONDS = 10
const CONNECTIONS = 10
const root = join(__dirname, '..')
const appId = (i: number) => `app_${String(i).padStart(4, '0')}`


async function buildWorkspace(file: string): Promise<string> {
  const { engine, evaluator } = await openEngineParts(file)
  const call = caller(engine)
  for (let i = 0; i < APPLICATIONS; i++) await call('applications.create', { id: appId(i), name: `Application ${i} of the portfolio`, tags: ['production'] })
  const metrics = new Set<MetricKey>()
  for (const template_id of ['system_health', 'sensitive_data', 'hardened_external', 'performance_monitored'] as const) {
    const policy = await call('policies.createFromTemplate', { template_id, scope: { apply_to_all: true, tags: [], application_ids: [] } })
    for (const rule of policy.alert_rules) metrics.add(rule.metric)
  }
  writeSteadyMonitoringData(file, Array.from({ length: APPLICATIONS }, (_, i) => appId(i)), metrics, HOURS, 0.2)
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
      if (url) resolve({ url, child })
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

/**
 * A CSV of per-inference events over the last day. It is made before the clock starts (the load
 * generator shares this process, and a busy process would be measured as a slow server); each
 * import adds one line of its own, so each is a new file and real work.
 */
function importFile(events: number): (seed: number) => string {
  const lines = ['timestamp,latency_ms,error,pii']
  const now = Date.now()
  for (let k = 0; k < events; k++) lines.push(`${new Date(now - ((k * 7919) % 86_000) * 1000).toISOString()},${500 + (k % 900)},${k % 50 === 0},${k % 97 === 0}`)
  const body = `${lines.join('\n')}\n`
  return (seed) => `${body}${new Date(now - seed * 1000).toISOString()},${seed % 900},false,false\n`
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-server-'))
  const file = join(folder, 'server.sqlite')
  const token = await buildWorkspace(file)
  const auth = { authorization: `Bearer ${token}` }
  const server = await startProcess([...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), '--import', 'tsx', join(root, 'src-main/cli/govern.ts'), 'serve', '--db', file, '--port', '0', '--rate-limit', '0'], /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/)
  const api = `${server.url}/api/v1`
  const orgUrl = `${api}/organization/policies/compliance`
  const appUrl = `${api}/applications/${appId(1)}/compliance`

  const org = await rawBody(orgUrl, auth)
  writeFileSync(join(folder, 'org'), org)
  writeFileSync(join(folder, 'org.br'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'br' }))
  writeFileSync(join(folder, 'org.gz'), await rawBody(orgUrl, { ...auth, 'accept-encoding': 'gzip' }))
  writeFileSync(join(folder, 'app'), await rawBody(appUrl, auth))
  const bare = await startProcess(['-e', BARE_SERVER, folder], /(http:\/\/127\.0\.0\.1:\d+)/)
  const report = JSON.parse(org.toString()) as { policies: Array<{ gap_count: number }> }

  const compressed = { ...auth, 'accept-encoding': 'br, gzip' }
  const orgLoad = await load(orgUrl, compressed)
  const orgBare = await load(`${bare.url}/org`, compressed)
  const orgPlain = await load(orgUrl, auth)
  const orgPlainBare = await load(`${bare.url}/org`, auth)
  const appIdle = await load(appUrl, auth)
  const appBare = await load(`${bare.url}/app`, auth)

  // Under load: full evaluations and imports back to back, through the same server. The bare
  // server is measured under the same load, so the ratio shows what the machine can do then.
  const background = { running: false, evaluations: 0, imports: 0 }
  const nextImport = importFile(100_000)
  const underLoad = async <T>(work: () => Promise<T>): Promise<T> => {
    background.running = true
    const evaluating = (async () => {
      while (background.running) {
        const response = await fetch(`${api}/organization/compliance/evaluate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })
        if (response.ok) background.evaluations++
        await response.arrayBuffer()
      }
    })()
    const importing = (async () => {
      for (let seed = background.imports + 1; background.running; seed++) {
        const response = await fetch(`${api}/applications/${appId(999)}/inferences`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: nextImport(seed) })
        if (response.ok) background.imports++
        await response.arrayBuffer()
      }
    })()
    try {
      return await work()
    } finally {
      background.running = false
      await Promise.all([evaluating, importing])
    }
  }
  const appLoaded = await underLoad(() => load(appUrl, auth))
  const appLoadedBare = await underLoad(() => load(`${bare.url}/app`, auth))

  server.child.kill('SIGTERM')
  bare.child.kill('SIGTERM')
  rmSync(folder, { recursive: true, force: true })

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
  const figure = (name: string, engine: Load, baseline: Load) =>
    `${name}: ${Math.round(engine.rps)} requests/s, p50 ${engine.p50} ms, p99 ${engine.p99} ms${engine.failed ? `, ${engine.failed} failed` : ''}; bare ${Math.round(baseline.rps)} requests/s, p99 ${baseline.p99} ms; ratio ${(engine.rps / baseline.rps).toFixed(2)}`
  console.log(`workspace: ${APPLICATIONS} applications, 4 policies, ${report.policies.reduce((n, p) => n + p.gap_count, 0)} gaps; the report is ${(org.length / 1e6).toFixed(2)} MB (${CONNECTIONS} connections, ${SECONDS} s each)`)
  console.log(`${figure('organisation report, compressed', orgLoad, orgBare)} (target ≥ 500/s at p99 ≤ 100 ms) ${verdict(orgLoad.rps >= 500 && orgLoad.p99 <= 100 && orgLoad.failed === 0)}`)
  console.log(figure('organisation report, uncompressed', orgPlain, orgPlainBare))
  console.log(figure('one application, idle', appIdle, appBare))
  console.log(`${figure('one application, during full evaluations and imports', appLoaded, appLoadedBare)}; ${background.evaluations} full evaluations and ${background.imports} imports of 100,000 events meanwhile, over both runs (target p99 ≤ 60 ms) ${verdict(appLoaded.p99 <= 60 && appLoaded.failed === 0)}`)
}

void main()
