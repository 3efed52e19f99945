/**
 * A workspace served by `govern serve` while other programs open the same file: the sqlite3 shell,
 * its `.backup`, another process on the same library (a script, a backup tool). In WAL mode a
 * SQLite connection that closes checkpoints the WAL and deletes it when it can lock the file
 * exclusively, that is when no other process holds a lock on it. Closing any handle a process has
 * on a file drops every POSIX lock that process holds on it, so a server that once read its own
 * file through a handle of its own is invisible from then on: a passing `sqlite3 FILE 'select 1'`
 * deletes the WAL under it, and every write acknowledged since is lost at the next crash.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOVERN_ENTRY, REPO_ROOT } from '../../testing/govern-cli'
import { posixLocksHeld } from '../../testing/posix-locks'
import { caller, tempFolder } from '../../testing/workspace'
import { openEngine } from '../engine'

const folder = tempFolder()
const file = folder.path('served.sqlite')
const children: ChildProcess[] = []
let token: string
let serve: { child: ChildProcess; base: string; exited: Promise<NodeJS.Signals | number | null> }

/**
 * SQLite's unix VFS: a connection reading the file holds a shared (READ) lock on the 510 bytes
 * from PENDING_BYTE + 2 (0x40000002) of the database file, and every connection to a WAL
 * workspace a READ lock on byte 128 of its -shm (the "dead man switch").
 */
const SHARED_LOCK_ON_FILE = { kind: 'READ', from: 1_073_741_826, to: 1_073_742_335 }
const SHARED_LOCK_ON_SHM = { kind: 'READ', from: 128, to: 128 }

/** Debian's sqlite3 shell (`npm test` installs it when missing): the program people reach for. */
function sqliteShell(): string {
  const probe = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' })
  if (probe.status !== 0) throw new Error(`These tests run the sqlite3 shell, which is missing here: apt-get install sqlite3 (npm test installs it). ${probe.error?.message ?? probe.stderr}`)
  return 'sqlite3'
}

function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/** Runs another program to its end; answers its exit code. */
function runToEnd(command: string, args: string[]): Promise<number | null> {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'ignore' })
  children.push(child)
  return finished(child)
}

/** Another process on the same library: opens the workspace, reads, closes, as a script or a backup tool would. */
const LIBRARY_CLIENT = `
const Database = require('better-sqlite3')
const db = new Database(process.argv[1], { fileMustExist: true })
db.pragma('busy_timeout = 2000')
db.prepare('SELECT count(*) FROM applications').pluck().get()
db.close()
`

beforeAll(async () => {
  sqliteShell()
  const engine = await openEngine(file)
  await caller(engine)('policies.createFromTemplate', { template_id: 'system_health', scope: { apply_to_all: true, tags: [], application_ids: [] } })
  token = (await engine.tokens.create({ name: 'writer', role: 'org_admin' })).secret
  await engine.close()

  const child = spawn(process.execPath, ['--import', 'tsx', GOVERN_ENTRY, 'serve', '--db', file, '--port', '0'], { cwd: REPO_ROOT })
  children.push(child)
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)))
  let printed = ''
  child.stderr!.on('data', (piece: Buffer) => (printed += piece.toString()))
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (piece: Buffer) => {
      printed += piece.toString()
      const url = /REST API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(printed)?.[1]
      if (url) resolve(url)
    })
    void exited.then((end) => reject(new Error(`govern serve ended (${end}): ${printed}`)))
  })
  serve = { child, base, exited }
  // Answered on the evaluation thread, then on the report thread: both have opened the workspace too.
  for (const path of ['/organization/policies/compliance', '/organization/reports/compliance?format=csv']) {
    const response = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
    await response.arrayBuffer()
    expect(response.status, path).toBe(200)
  }
})

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  folder.remove()
})

describe('a workspace govern serve holds while other SQLite programs open it', () => {
  it('keeps its locks on the file after its worker threads have opened it', () => {
    expect(posixLocksHeld(serve.child.pid!, file)).toContainEqual(SHARED_LOCK_ON_FILE)
    expect(posixLocksHeld(serve.child.pid!, `${file}-shm`)).toContainEqual(SHARED_LOCK_ON_SHM)
  })

  it('loses no acknowledged write to the sqlite3 shell, its .backup or another process, across kill -9', async () => {
    const shell = sqliteShell()
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const outcomes = new Map<string, 'acknowledged' | 'refused' | 'unanswered'>()
    const unexpected: string[] = []
    let next = 0
    // Set once serve is killed; the loops below read it between their awaits.
    const run = { stopped: false }

    const writer = async () => {
      while (!run.stopped) {
        const id = `app_w${next++}`
        outcomes.set(id, 'unanswered')
        try {
          const response = await fetch(`${serve.base}/api/v1/applications`, { method: 'POST', headers, body: JSON.stringify({ id, name: `Written ${id}` }) })
          const body = await response.text()
          // Busy (the shell held the write lock for a moment) is a refusal that wrote nothing.
          if (response.status !== 201 && response.status !== 503) unexpected.push(`${id}: ${response.status} ${body}`)
          outcomes.set(id, response.status === 201 ? 'acknowledged' : 'refused')
        } catch {
          return // killed: this write's answer never came
        }
      }
    }

    const backups: string[] = []
    const clients = { select: [] as Array<number | null>, backup: [] as Array<number | null>, library: [] as Array<number | null> }
    const otherPrograms = async () => {
      for (let round = 0; !run.stopped; round++) {
        const backup = folder.path(`backup-${round}.sqlite`)
        clients.select.push(await runToEnd(shell, [file, 'select 1']))
        const backedUp = await runToEnd(shell, [file, `.backup ${backup}`])
        clients.backup.push(backedUp)
        if (backedUp === 0) backups.push(backup)
        clients.library.push(await runToEnd(process.execPath, ['-e', LIBRARY_CLIENT, file]))
      }
    }

    const succeeded = (codes: Array<number | null>) => codes.filter((code) => code === 0).length
    const acknowledged = () => [...outcomes.values()].filter((outcome) => outcome === 'acknowledged').length
    const enough = () => acknowledged() >= 300 && Object.values(clients).every((codes) => succeeded(codes) >= 5)

    const writing = Promise.all([writer(), writer(), writer(), writer()])
    const interfering = otherPrograms()
    const deadline = Date.now() + 150_000
    while (!enough()) {
      if (Date.now() > deadline) throw new Error(`Not enough happened in time: ${acknowledged()} writes acknowledged, other programs ${JSON.stringify(clients)}`)
      await sleep(25)
    }
    // Still there after all of them, as it was before.
    expect(posixLocksHeld(serve.child.pid!, file)).toContainEqual(SHARED_LOCK_ON_FILE)
    serve.child.kill('SIGKILL')
    run.stopped = true
    await Promise.all([writing, interfering])
    expect(await serve.exited).toBe('SIGKILL')

    // Opened as the product opens it: this is where SQLite recovers from the crash.
    await (await openEngine(file)).close()
    const db = new BetterSqlite3(file, { readonly: true })
    const integrity = db.pragma('integrity_check', { simple: true })
    const stored = new Set(db.prepare("SELECT id FROM applications WHERE id LIKE 'app_w%'").pluck().all() as string[])
    db.close()
    const lost = [...outcomes].filter(([id, outcome]) => outcome === 'acknowledged' && !stored.has(id)).map(([id]) => id)
    const refusedYetStored = [...outcomes].filter(([id, outcome]) => outcome === 'refused' && stored.has(id)).map(([id]) => id)
    const about = `${acknowledged()} writes acknowledged; other programs' exit codes ${JSON.stringify(clients)}`
    expect(lost, `acknowledged writes lost (${about})`).toEqual([])
    expect(refusedYetStored, about).toEqual([])
    expect(unexpected, about).toEqual([])
    expect(integrity, about).toBe('ok')

    const lastBackup = new BetterSqlite3(backups.at(-1)!, { readonly: true })
    expect(lastBackup.pragma('integrity_check', { simple: true })).toBe('ok')
    lastBackup.close()
    console.info(`other SQLite clients: ${about}; ${stored.size} applications stored`)
  }, 180_000)
})
