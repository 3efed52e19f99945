// `npm test`: installs what is missing (dependencies, Debian's Chromium, PostgreSQL and the sqlite3 shell), then runs
// typecheck, lint, the unit/integration tests (vitest, real SQLite files and a throwaway PostgreSQL
// server) and the end-to-end tests (Playwright driving Chromium against `govern serve`, and the
// desktop app where Electron exists).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { electronBinary, ensureDependencies, ensureProjectNode, mustRun, root, say } from './lib/setup.mjs'

const bin = (name) => join(root, 'node_modules', '.bin', name)
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Runs a command as root: directly when we are root, through sudo otherwise. */
function asRoot(command, args) {
  const [program, argv] = process.getuid?.() === 0 ? [command, args] : ['sudo', [command, ...args]]
  return spawnSync(program, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

let aptUpdated = false
function aptInstall(name) {
  if (!aptUpdated) asRoot('apt-get', ['update', '-qq'])
  aptUpdated = true
  asRoot('apt-get', ['install', '-y', '-qq', name])
}

function ensureChromium() {
  if (existsSync(chromium)) return
  say('Installing Debian’s Chromium for the end-to-end tests (apt-get install chromium)')
  aptInstall('chromium')
  if (!existsSync(chromium)) {
    process.stderr.write(`✖ Chromium is needed at ${chromium} for the end-to-end tests; install it (apt-get install chromium) or set CHROMIUM_PATH.\n`)
    process.exit(1)
  }
}

/** Debian's PostgreSQL server binaries, of any version: the tests start a cluster of their own. */
function postgresInstalled() {
  const versions = '/usr/lib/postgresql'
  return existsSync(versions) && readdirSync(versions).some((version) => existsSync(join(versions, version, 'bin', 'initdb')))
}

function ensurePostgres() {
  if (process.env.GOVERN_TEST_DATABASE_URL || postgresInstalled()) return
  say('Installing Debian’s PostgreSQL for the PostgreSQL tests (apt-get install postgresql)')
  // Only the binaries are wanted: the package would otherwise create a cluster and leave it running
  // as a service. Its own configuration reads this folder.
  asRoot('sh', ['-c', 'mkdir -p /etc/postgresql-common/createcluster.d && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/governance-console-tests.conf'])
  aptInstall('postgresql')
  if (!postgresInstalled()) {
    process.stderr.write('✖ PostgreSQL is needed for the PostgreSQL tests; install it (apt-get install postgresql) or set GOVERN_TEST_DATABASE_URL to a server of your own.\n')
    process.exit(1)
  }
}

/**
 * Debian's sqlite3 shell: the crash tests run it (and its .backup) against a served workspace, as
 * people do, to show the server keeps its locks and loses no write.
 */
function ensureSqliteShell() {
  const found = () => spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status === 0
  if (found()) return
  say('Installing Debian’s sqlite3 shell for the crash tests (apt-get install sqlite3)')
  aptInstall('sqlite3')
  if (!found()) {
    process.stderr.write('✖ The sqlite3 shell is needed for the crash tests; install it (apt-get install sqlite3).\n')
    process.exit(1)
  }
}

await ensureProjectNode()
say(`Node ${process.version} (${process.execPath}) runs the build, the tests and every process they start`)
await ensureDependencies()
ensureChromium()
ensurePostgres()
ensureSqliteShell()

const reports = join(root, '.tmp', 'test-reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

await mustRun('Typecheck (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])
await mustRun('Lint (oxlint, with the layering rules)', bin('oxlint'), ['-c', '.oxlintrc.json', '--deny-warnings', 'src-main', 'src-shared', 'src-renderer', 'migrations', 'e2e', 'bench', 'scripts'])
await mustRun('Build (electron-vite)', bin('electron-vite'), ['build'])

const vitestJson = join(reports, 'vitest.json')
const playwrightJson = join(reports, 'playwright.json')
say('Unit and integration tests (vitest, real SQLite files and a throwaway PostgreSQL server)')
const unitCode = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], { cwd: root, stdio: 'inherit' }).status
say(`End-to-end tests (Playwright in ${chromium}${electronBinary() ? ', and the Electron app' : '; no Electron runtime here, so the desktop tests are skipped'})`)
const e2eCode = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
}).status

function vitestCounts() {
  if (!existsSync(vitestJson)) return { passed: 0, failed: 1, skipped: 0, skippedNames: [] }
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'))
  const skipped = report.testResults.flatMap((file) => file.assertionResults.filter((t) => t.status === 'skipped' || t.status === 'pending'))
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: skipped.length, skippedNames: skipped.map((t) => t.fullName) }
}

function playwrightCounts() {
  if (!existsSync(playwrightJson)) return { passed: 0, failed: 1, skipped: 0, skippedNames: [] }
  const report = JSON.parse(readFileSync(playwrightJson, 'utf8'))
  const skippedNames = []
  const walk = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status === 'skipped') {
          const reason = test.annotations?.find((a) => a.type === 'skip')?.description
          skippedNames.push(`${[...trail, spec.title].join(' › ')}${reason ? ` (${reason})` : ''}`)
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...trail, child.title])
  }
  for (const suite of report.suites) walk(suite, [])
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats
  return { passed: expected + flaky, failed: unexpected, skipped, skippedNames }
}

const unit = vitestCounts()
const e2e = playwrightCounts()
for (const name of [...unit.skippedNames, ...e2e.skippedNames]) say(`skipped: ${name}`)
const failed = unit.failed + e2e.failed + (unitCode !== 0 && unit.failed === 0 ? 1 : 0) + (e2eCode !== 0 && e2e.failed === 0 ? 1 : 0)
process.stdout.write(`${unit.passed + e2e.passed} passed, ${failed} failed, ${unit.skipped + e2e.skipped} skipped\n`)
process.exit(failed > 0 ? 1 : 0)
