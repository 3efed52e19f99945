/**
 * The server's two hot reads on PostgreSQL beside the same on SQLite, in one run: `govern serve`
 * (no rate limit) on a throwaway PostgreSQL cluster and on a SQLite file, each holding the same
 * 1,000 applications under the four templates with 30 hours of hourly data, driven on loopback by
 * autocannon:
 *   - GET /organization/policies/compliance, compressed as clients ask, idle and while monitoring
 *     data arrives every 100 ms;
 *   - GET /applications/{id}/compliance, idle and while full evaluations and imports run back to
 *     back.
 * Each figure is printed beside a bare Node server answering the same bytes under the same
 * background work, measured in the same run just after it, with both ratios, and beside the
 * issue's targets: the report ≥ 2,000 requests/s at p99 ≤ 30 ms while data arrives, one
 * application at p99 ≤ 30 ms during evaluations and imports.
 * The cluster is the tests' (postgres-server.ts): fsync off, which reads do not notice.
 * Run with `npx tsx bench/server-load-postgres.ts`; BENCH_SCALE=tiny runs it small and short (for
 * CI); BENCH_PROFILE=folder writes each server's CPU profile there.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import { migrateDatabaseAt } from '../src-main/engine/db/postgres'
import { startPostgresServer } from '../src-main/testing/postgres-server'
import { benchScale, buildPortfolio, dataArriving, evaluationsAndImports, figureBeside, hotReadsWithBareBaseline, load as loadFor, startGovernServe, stopProcess, type Load } from './portfolio'

const SCALE = benchScale()
const CONNECTIONS = 10
const TARGET = { orgRps: 2000, p99: 30 }
const load = (url: string, headers: Record<string, string>) => loadFor(url, headers, CONNECTIONS, SCALE.seconds)

interface Measured {
  org: Load
  orgBare: Load
  orgArriving: Load
  orgArrivingBare: Load
  app: Load
  appBare: Load
  appBusy: Load
  appBusyBare: Load
  reportBytes: number
  background: string
}

/** Serves `workspaceArgs` with `govern serve` and measures both reads, each beside the bare server. */
async function measure(workspaceArgs: string[], token: string, folder: string): Promise<Measured> {
  const auth = { authorization: `Bearer ${token}` }
  const server = await startGovernServe(workspaceArgs)
  const { api, orgUrl, appUrl, org, bare } = await hotReadsWithBareBaseline(server.url, auth, folder)
  const compressed = { ...auth, 'accept-encoding': 'br, gzip' }
  try {
    const orgLoad = await load(orgUrl, compressed)
    const orgBare = await load(`${bare.url}/org`, compressed)
    const app = await load(appUrl, auth)
    const appBare = await load(`${bare.url}/app`, auth)
    const arriving = dataArriving(api, auth, SCALE.applications)
    const orgArriving = await arriving.during(() => load(orgUrl, compressed))
    const orgArrivingBare = await arriving.during(() => load(`${bare.url}/org`, compressed))
    const busy = evaluationsAndImports(api, auth, SCALE.applications, SCALE.importEvents)
    const appBusy = await busy.during(() => load(appUrl, auth))
    const appBusyBare = await busy.during(() => load(`${bare.url}/app`, auth))
    const background = `${arriving.done.batches} batches of data; ${busy.done.evaluations} full evaluations and ${busy.done.imports} imports of ${SCALE.importEvents.toLocaleString('en')} events`
    return { org: orgLoad, orgBare, orgArriving, orgArrivingBare, app, appBare, appBusy, appBusyBare, reportBytes: org.length, background }
  } finally {
    await Promise.all([stopProcess(server.child), stopProcess(bare.child)])
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
    const { token: sqliteToken } = await buildPortfolio(file, SCALE.applications, SCALE.hours)
    const sqliteBuildS = (performance.now() - started) / 1000
    started = performance.now()
    const { token: postgresToken } = await buildPortfolio(databaseUrl.toString(), SCALE.applications, SCALE.hours)
    const postgresBuildS = (performance.now() - started) / 1000
    // As after any bulk load: otherwise autovacuum gets to the new rows while the figures are taken.
    const vacuum = new Client({ connectionString: databaseUrl.toString() })
    await vacuum.connect()
    await vacuum.query('VACUUM (ANALYZE)')
    await vacuum.end()

    const sqlite = await measure(['--db', file], sqliteToken, folder)
    const postgres = await measure(['--database-url', databaseUrl.toString()], postgresToken, folder)

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
    const orgMet = (l: Load) => l.rps >= TARGET.orgRps && l.p99 <= TARGET.p99 && l.failed === 0
    console.log(`workspace: ${SCALE.applications} applications, 4 policies, ${SCALE.hours} hours of data; the report is ${(postgres.reportBytes / 1e6).toFixed(2)} MB (${CONNECTIONS} connections, ${SCALE.seconds} s each); built in ${sqliteBuildS.toFixed(1)} s on SQLite, ${postgresBuildS.toFixed(1)} s on PostgreSQL${SCALE.tiny ? ' — BENCH_SCALE=tiny: a check that it runs, not a measurement' : ''}`)
    for (const [name, m] of [['SQLite', sqlite], ['PostgreSQL', postgres]] as const) {
      console.log(name)
      console.log(`  ${figureBeside('organisation report, compressed', m.org, m.orgBare)}`)
      console.log(`  ${figureBeside('organisation report, compressed, while data arrives every 100 ms', m.orgArriving, m.orgArrivingBare)} (target ≥ ${TARGET.orgRps}/s at p99 ≤ ${TARGET.p99} ms) ${verdict(orgMet(m.orgArriving))}`)
      console.log(`  ${figureBeside('one application', m.app, m.appBare)}`)
      console.log(`  ${figureBeside('one application, during full evaluations and imports', m.appBusy, m.appBusyBare)} (target p99 ≤ ${TARGET.p99} ms) ${verdict(m.appBusy.p99 <= TARGET.p99 && m.appBusy.failed === 0)}`)
      console.log(`  meanwhile, over both runs of each: ${m.background}`)
    }
    console.log(`PostgreSQL against SQLite: organisation report ${(postgres.org.rps / sqlite.org.rps).toFixed(2)}×, one application ${(postgres.app.rps / sqlite.app.rps).toFixed(2)}× the requests/s`)
  } finally {
    cluster.stop()
    rmSync(folder, { recursive: true, force: true })
  }
}

void main()
