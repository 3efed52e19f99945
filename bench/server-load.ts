/**
 * The server under load, as monitoring tools and a busy portfolio drive it: `govern serve` on a
 * workspace of 1,000 applications under the four templates, most of them failing something, so
 * the organisation's compliance report weighs about a megabyte and a half. A loopback load
 * generator (autocannon) measures each figure beside a bare Node server answering the same bytes
 * in the same run, under the same background work, and prints both ratios:
 *   - GET /organization/policies/compliance, the full answer, compressed as clients ask, idle and
 *     while monitoring data arrives every 100 ms (target ≥ 2,000 requests/s at p99 ≤ 30 ms);
 *   - GET /applications/{id}/compliance, idle, and while full evaluations and imports run back to
 *     back (target p99 ≤ 30 ms under that load).
 * Run with `npm run bench`; BENCH_SCALE=tiny runs it small and short (for CI: it only shows the
 * benchmark runs); BENCH_PROFILE=folder writes the server's CPU profile there.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchScale, buildPortfolio, dataArriving, evaluationsAndImports, figureBeside, hotReadsWithBareBaseline, load as loadFor, startGovernServe, stopProcess, type Load } from './portfolio'

const SCALE = benchScale()
const CONNECTIONS = 10
const TARGET = { orgRps: 2000, p99: 30 }
const load = (url: string, headers: Record<string, string>) => loadFor(url, headers, CONNECTIONS, SCALE.seconds)

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-server-'))
  const file = join(folder, 'server.sqlite')
  const { token } = await buildPortfolio(file, SCALE.applications, SCALE.hours)
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

  // The bare server is measured under the same background work, so the ratio shows what the
  // machine can do then.
  const arriving = dataArriving(api, auth, SCALE.applications)
  const orgArriving = await arriving.during(() => load(orgUrl, compressed))
  const orgArrivingBare = await arriving.during(() => load(`${bare.url}/org`, compressed))
  const busy = evaluationsAndImports(api, auth, SCALE.applications, SCALE.importEvents)
  const appLoaded = await busy.during(() => load(appUrl, auth))
  const appLoadedBare = await busy.during(() => load(`${bare.url}/app`, auth))

  await Promise.all([stopProcess(server.child), stopProcess(bare.child)])
  rmSync(folder, { recursive: true, force: true })

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
  const orgMet = (l: Load) => l.rps >= TARGET.orgRps && l.p99 <= TARGET.p99 && l.failed === 0
  console.log(`workspace: ${SCALE.applications} applications, 4 policies, ${report.policies.reduce((n, p) => n + p.gap_count, 0)} gaps; the report is ${(org.length / 1e6).toFixed(2)} MB (${CONNECTIONS} connections, ${SCALE.seconds} s each)${SCALE.tiny ? ' — BENCH_SCALE=tiny: a check that it runs, not a measurement' : ''}`)
  console.log(`${figureBeside('organisation report, compressed', orgLoad, orgBare)} (target ≥ ${TARGET.orgRps}/s at p99 ≤ ${TARGET.p99} ms) ${verdict(orgMet(orgLoad))}`)
  console.log(`${figureBeside('organisation report, compressed, while data arrives every 100 ms', orgArriving, orgArrivingBare)}; ${arriving.done.batches} batches meanwhile, over both runs (target ≥ ${TARGET.orgRps}/s at p99 ≤ ${TARGET.p99} ms) ${verdict(orgMet(orgArriving))}`)
  console.log(figureBeside('organisation report, uncompressed', orgPlain, orgPlainBare))
  console.log(figureBeside('one application, idle', appIdle, appBare))
  console.log(`${figureBeside('one application, during full evaluations and imports', appLoaded, appLoadedBare)}; ${busy.done.evaluations} full evaluations and ${busy.done.imports} imports of ${SCALE.importEvents.toLocaleString('en')} events meanwhile, over both runs (target p99 ≤ ${TARGET.p99} ms) ${verdict(appLoaded.p99 <= TARGET.p99 && appLoaded.failed === 0)}`)
}

void main()
