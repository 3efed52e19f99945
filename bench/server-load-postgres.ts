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
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import { migrateDatabaseAt } from '../src-main/engine/db/postgres'
import { startPostgresServer } from '../src-main/testing/postgres-server'
import { buildPortfolio, hotReadsWithBareBaseline, load as loadFor, startGovernServe, type Load } from './portfolio'

const APPLICATIONS = 1000
const HOURS = 30
const SECONDS = 10
const CONNECTIONS = 10
const TARGET = { rps: 1500, p99: 50 }
const load = (url: string, headers: Record<string, string>) => loadFor(url, headers, CONNECTIONS, SECONDS)

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
  const server = await startGovernServe(workspaceArgs)
  const { orgUrl, appUrl, org, bare } = await hotReadsWithBareBaseline(server.url, auth, folder)
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
    const { token: sqliteToken } = await buildPortfolio(file, APPLICATIONS, HOURS)
    const sqliteBuildS = (performance.now() - started) / 1000
    started = performance.now()
    const { token: postgresToken } = await buildPortfolio(databaseUrl.toString(), APPLICATIONS, HOURS)
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
