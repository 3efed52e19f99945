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
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appId, buildPortfolio, hotReadsWithBareBaseline, load as loadFor, startGovernServe, type Load } from './portfolio'

const APPLICATIONS = 1000
const HOURS = 30
const SECONDS = 10
const CONNECTIONS = 10
const load = (url: string, headers: Record<string, string>) => loadFor(url, headers, CONNECTIONS, SECONDS)

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
  const { token } = await buildPortfolio(file, APPLICATIONS, HOURS)
  const auth = { authorization: `Bearer ${token}` }
  const server = await startGovernServe(['--db', file])
  const { api, orgUrl, appUrl, org, bare } = await hotReadsWithBareBaseline(server.url, auth, folder)
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
