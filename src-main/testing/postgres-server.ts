/**
 * A throwaway PostgreSQL server for tests: a new cluster of Debian's packaged binaries in a
 * temporary folder, listening on 127.0.0.1 alone, stopped and removed afterwards, even if the
 * process that started it dies first.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where Debian's postgresql package puts each version's server binaries. */
const DEBIAN_POSTGRES = '/usr/lib/postgresql'
const INSTALL_HINT = "install Debian's postgresql package (apt-get install postgresql; `npm test` does), or point GOVERN_TEST_DATABASE_URL at a server of your own"

/** The migrated database every engine test's database is copied from (postgres-global-setup.ts). */
export const TEMPLATE_DATABASE = 'govern_engine_template'

export interface PostgresServer {
  /** Connects as the cluster's superuser to its `postgres` database. */
  url: string
  /** How long starting it took, in milliseconds. */
  startupMs: number
  stop(): void
}

/**
 * The newest packaged version's binaries. /usr/local/bin may hold initdb and pg_ctl of another
 * origin; the package's own folder is the one whose version we know.
 */
export function postgresBinaries(): string | undefined {
  if (!existsSync(DEBIAN_POSTGRES)) return undefined
  const versions = readdirSync(DEBIAN_POSTGRES)
    .filter((version) => existsSync(join(DEBIAN_POSTGRES, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(DEBIAN_POSTGRES, versions[0], 'bin')
}

/** initdb refuses to run as root, so as root the cluster belongs to Debian's `postgres` user. */
function clusterOwner(): { uid: number; gid: number; run: (command: string, args: string[]) => [string, string[]] } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
  const uid = id('-u')
  if (!Number.isInteger(uid) || uid <= 0) throw new Error(`There is no postgres user to run the test cluster as; ${INSTALL_HINT}.`)
  return { uid, gid: id('-g'), run: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]] }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const started = performance.now()
  const bin = postgresBinaries()
  if (!bin) throw new Error(`PostgreSQL tests need a PostgreSQL server: ${INSTALL_HINT}.`)
  const owner = clusterOwner()
  const folder = mkdtempSync(join(tmpdir(), 'govern-postgres-'))
  const data = join(folder, 'data')
  const log = join(folder, 'server.log')
  const password = randomBytes(18).toString('base64url')
  if (owner) chownSync(folder, owner.uid, owner.gid)
  chmodSync(folder, 0o700)

  const run = (program: string, args: string[]) => {
    const [command, argv] = owner ? owner.run(join(bin, program), args) : [join(bin, program), args]
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 })
    if (result.status !== 0) {
      const serverLog = existsSync(log) ? `\n${readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}` : ''
      throw new Error(`${program} ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`}): ${String(result.stderr ?? '').trim()}${serverLog}`)
    }
  }
  const stopCluster = (mode: 'fast' | 'immediate') => run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30'])

  // Stops the cluster and removes the folder once this process is gone, however it went.
  const pgCtl = owner ? `runuser -u postgres -- ${join(bin, 'pg_ctl')}` : join(bin, 'pg_ctl')
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${pgCtl} stop -D '${data}' -m immediate; rm -rf '${folder}'`], { detached: true, stdio: 'ignore' })
  watchdog.unref()
  let running = false
  try {
    const passwordFile = join(folder, 'password')
    writeFileSync(passwordFile, password, { mode: 0o600 })
    if (owner) chownSync(passwordFile, owner.uid, owner.gid)
    // The C locale sorts and lower-cases text byte by byte, as SQLite does. Sockets go only in
    // the folder, and over TCP even the superuser signs in with the password.
    run('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'])
    rmSync(passwordFile)

    let port = 0
    for (let attempt = 1; !running; attempt++) {
      port = await freePort()
      // Durability is worth nothing to a cluster thrown away after the run.
      const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
      try {
        run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', settings])
        running = true
      } catch (error) {
        // Another program may have taken the port between our look and the server's bind.
        if (attempt === 3 || !readFileSync(log, 'utf8').includes('could not bind')) throw error
      }
    }

    const startupMs = performance.now() - started
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      startupMs,
      stop() {
        // Should this fail, the watchdog still stops the cluster once this process ends.
        stopCluster('fast')
        watchdog.kill()
        rmSync(folder, { recursive: true, force: true })
      },
    }
  } catch (error) {
    watchdog.kill()
    if (running) stopCluster('immediate')
    rmSync(folder, { recursive: true, force: true })
    throw error
  }
}
