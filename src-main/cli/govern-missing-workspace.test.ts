/**
 * Only `govern serve` and `govern migrate` make a new workspace. Every other command, pointed at
 * a path where there is none (a mistyped --db), says so and exits 2 ("cannot check"), and nothing
 * appears at that path: before, `govern check` made an empty workspace there and answered from it.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runGovern, type GovernRun } from '../testing/govern-cli'
import { tempFolder } from '../testing/workspace'
import { runCli } from './govern'

const folder = tempFolder()
afterAll(() => folder.remove())

const events = folder.path('events.jsonl')
writeFileSync(events, '{"timestamp": "2026-03-01T10:00:00Z", "latency_ms": 800}\n')
const notAPackage = folder.path('package.zip')
writeFileSync(notAPackage, 'not a zip')

/** Without GOVERN_WORKSPACE or GOVERN_DATABASE_URL from the environment the tests run in. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { GOVERN_WORKSPACE: _workspace, GOVERN_DATABASE_URL: _url, ...inherited } = process.env
  return { ...inherited, ...extra }
}

const sqliteFilesAt = (db: string) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`].filter((file) => existsSync(file))

const COMMANDS: Array<{ command: string; args: (db: string) => string[]; exit: number }> = [
  { command: 'token create', args: (db) => ['token', 'create', '--db', db, '--name', 'ci'], exit: 2 },
  { command: 'token list', args: (db) => ['token', 'list', '--db', db], exit: 2 },
  { command: 'token revoke', args: (db) => ['token', 'revoke', '--db', db, 'tok_abc'], exit: 2 },
  { command: 'import', args: (db) => ['import', '--db', db, '--app', 'app_a', events], exit: 2 },
  { command: 'check', args: (db) => ['check', '--db', db, '--app', 'app_a'], exit: 2 },
  { command: 'report', args: (db) => ['report', '--db', db, '--format', 'csv', '--out', `${db}.report.zip`], exit: 2 },
  { command: 'info', args: (db) => ['info', '--db', db], exit: 2 },
  { command: 'audit verify', args: (db) => ['audit', 'verify', '--db', db], exit: 2 },
  { command: 'audit verify --package', args: (db) => ['audit', 'verify', '--package', notAPackage, '--db', db], exit: 2 },
]

/** The command as its binary runs it (govern.ts's main), without the cost of starting a process per row. */
async function govern(args: string[]): Promise<GovernRun> {
  const run = { out: '', err: '' }
  const code = await runCli(args, { out: (line) => (run.out += `${line}\n`), err: (line) => (run.err += `${line}\n`) })
  return { code, ...run }
}

describe('govern on a --db where there is no workspace', () => {
  it.each(COMMANDS)('$command exits $exit naming the path, and creates nothing there', async ({ command, args, exit }) => {
    const db = folder.path(`${command.replaceAll(' ', '-')}.sqlite`)
    const run = await govern(args(db))
    expect(run.code).toBe(exit)
    expect(run.err).toBe(`govern: There is no workspace at ${db}. Nothing was created there. Check --db (or GOVERN_WORKSPACE); only \`govern serve\` and \`govern migrate\` make a new workspace.\n`)
    expect(run.out).toBe('')
    expect(sqliteFilesAt(db)).toEqual([])
    expect(existsSync(`${db}.report.zip`)).toBe(false)
  })

  it('creates no folder either, when the path is in one that does not exist', async () => {
    const db = folder.path('typo/workspace.sqlite')
    const run = await govern(['check', '--db', db, '--app', 'app_a'])
    expect(run.code).toBe(2)
    expect(run.err).toContain(`There is no workspace at ${db}.`)
    expect(existsSync(folder.path('typo'))).toBe(false)
  })

  it('refuses the default workspace too when it was never made, without making its folder', () => {
    const config = folder.path('config')
    const run = runGovern(['token', 'create', '--name', 'ci'], environment({ XDG_CONFIG_HOME: config }))
    expect(run.code).toBe(2)
    expect(run.err).toContain(`There is no workspace at ${join(config, 'Governance Console', 'workspace.sqlite')}.`)
    expect(existsSync(config)).toBe(false)
  })

  it('refuses an empty file, which SQLite would have made a workspace of, and leaves it empty', async () => {
    const db = folder.path('empty.sqlite')
    writeFileSync(db, '')
    const run = await govern(['info', '--db', db])
    expect(run.code).toBe(2)
    expect(run.err).toContain(`${db} is an empty file, not a workspace. It was left untouched.`)
    expect(statSync(db).size).toBe(0)
    expect(sqliteFilesAt(db)).toEqual([db])
  })

  it('lets govern migrate make one there, after which the others open it', () => {
    const db = folder.path('made.sqlite')
    expect(runGovern(['migrate', '--db', db], environment()).code).toBe(0)
    const info = runGovern(['info', '--db', db], environment())
    expect(info.code).toBe(0)
    expect(info.out).toContain(`workspace ${db}`)
    // The workspace and the log of its signed audit heads kept beside it; no WAL is left behind.
    expect(readdirSync(folder.path('')).filter((name) => name.startsWith('made.sqlite')).sort()).toEqual(['made.sqlite', 'made.sqlite.audit-heads.jsonl'])
  })
})
