import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { WorkspaceError } from '../errors'
import { posixLocksHeld } from '../../testing/posix-locks'
import { tempFolder } from '../../testing/workspace'
import { KNOWN_MIGRATIONS } from './migrate'
import { openDatabase } from './open'

const folder = tempFolder()
afterAll(() => folder.remove())

function fingerprint(file: string): { sha: string; mtime: number; size: number } {
  const stats = statSync(file)
  return { sha: createHash('sha256').update(readFileSync(file)).digest('hex'), mtime: stats.mtimeMs, size: stats.size }
}

async function expectRefusal(file: string, reason: WorkspaceError['reason'], message: RegExp, options: Parameters<typeof openDatabase>[1] = {}) {
  const before = fingerprint(file)
  const opening = openDatabase(file, options)
  await expect(opening).rejects.toBeInstanceOf(WorkspaceError)
  await expect(opening).rejects.toMatchObject({ reason, message: expect.stringMatching(message) })
  expect(fingerprint(file)).toEqual(before)
}

describe('opening a workspace', () => {
  it('creates and migrates a new workspace file, with WAL and foreign keys on', async () => {
    const file = folder.path('nested/new.sqlite')
    const opened = await openDatabase(file)
    expect(existsSync(file)).toBe(true)
    expect(opened.schemaVersion).toBe(KNOWN_MIGRATIONS.at(-1))
    const raw = new BetterSqlite3(file, { readonly: true })
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    raw.close()
    // Foreign keys hold on every write: a tag for an application that does not exist is refused.
    await expect(opened.write((tx) => tx.insertInto('application_tags').values({ application_id: 'app_none', tag: 'x' }).execute())).rejects.toThrow(/FOREIGN KEY/)
    const tables = await opened.reader.introspection.getTables()
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['applications', 'application_tags', 'audit_events', 'api_tokens']))
    await opened.close()
  })

  it('opens an existing workspace again without re-running its migrations', async () => {
    const file = folder.path('again.sqlite')
    const first = await openDatabase(file)
    await first.write((tx) => tx.insertInto('applications').values({ id: 'app_1', name: 'Kept', team: null, environment: null, created_at: 'x', updated_at: 'x' }).execute())
    await first.close()
    const second = await openDatabase(file)
    expect(await second.reader.selectFrom('applications').select('name').execute()).toEqual([{ name: 'Kept' }])
    await second.close()
  })

  it('refuses a file that is not a SQLite database and leaves it untouched', async () => {
    const file = folder.path('notes.sqlite')
    writeFileSync(file, 'These are my meeting notes, not a database.\n'.repeat(20))
    await expectRefusal(file, 'not_a_workspace', /is not a Governance Console workspace \(it is not a SQLite database\)/)
  })

  it('refuses a SQLite database that belongs to another program and leaves it untouched', async () => {
    const file = folder.path('other-app.sqlite')
    const other = new BetterSqlite3(file)
    other.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO recipes (title) VALUES (\'soup\')')
    other.close()
    await expectRefusal(file, 'not_a_workspace', /SQLite database but not a Governance Console workspace/)
  })

  it('refuses a workspace written by a newer version and leaves it untouched', async () => {
    const file = folder.path('from-the-future.sqlite')
    await (await openDatabase(file)).close()
    const raw = new BetterSqlite3(file)
    raw.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999_from_a_newer_console', '2030-01-01T00:00:00.000Z')
    raw.close()
    await expectRefusal(file, 'schema_too_new', /written by a newer version of Governance Console .*9999_from_a_newer_console/)
  })

  it('keeps the audit trail append-only at the database level, and closed to any other program', async () => {
    const file = folder.path('append-only.sqlite')
    const opened = await openDatabase(file)
    await opened.write((tx) => tx.insertInto('audit_events').values({ at: 't', actor_id: 'a', actor_name: 'A', action: 'x', entity_type: 'y', entity_id: 'z', prev_hash: null, hash: null }).execute())
    await expect(opened.write((tx) => tx.updateTable('audit_events').set({ action: 'rewritten' }).execute())).rejects.toThrow(/append-only/)
    await expect(opened.write((tx) => tx.deleteFrom('audit_events').execute())).rejects.toThrow(/append-only/)
    await opened.close()
    const sqlite = new BetterSqlite3(file)
    expect(() => sqlite.prepare("INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id) VALUES ('t', 'a', 'A', 'x', 'y', 'z')").run()).toThrow(/no such function/)
    expect(() => sqlite.prepare('DELETE FROM audit_events').run()).toThrow(/no such function/)
    sqlite.close()
  })

  it('leaves everything in the workspace file when closed, even after raw reads alone on the read connection', async () => {
    const file = folder.path('closed-clean.sqlite')
    const opened = await openDatabase(file)
    expect(await opened.appliedMigrations()).toEqual(KNOWN_MIGRATIONS)
    await opened.close()
    // A copy of the file alone (a backup, say) then holds every migration: nothing was left in the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false)
    const raw = new BetterSqlite3(file, { readonly: true })
    expect(raw.prepare('SELECT count(*) FROM kysely_migration').pluck().get()).toBe(KNOWN_MIGRATIONS.length)
    raw.close()
  })

  it('refuses a file shorter than a SQLite header as not a SQLite database', async () => {
    const file = folder.path('short.sqlite')
    writeFileSync(file, 'PK\u0003\u0004')
    await expectRefusal(file, 'not_a_workspace', /is not a Governance Console workspace \(it is not a SQLite database\)/)
  })

  it('refuses a folder', async () => {
    const path = folder.path('a-folder.sqlite')
    mkdirSync(path)
    await expect(openDatabase(path)).rejects.toMatchObject({ reason: 'not_a_workspace', message: `${path} is a folder, not a workspace file.` })
  })

  it('makes a new workspace of an empty file', async () => {
    const file = folder.path('empty.sqlite')
    writeFileSync(file, '')
    const opened = await openDatabase(file)
    expect(await opened.appliedMigrations()).toEqual(KNOWN_MIGRATIONS)
    await opened.close()
  })

  it('told the workspace must exist, refuses a missing path and creates nothing there, not even its folder', async () => {
    const file = folder.path('not-here/mistyped.sqlite')
    await expect(openDatabase(file, { mustExist: true })).rejects.toMatchObject({ reason: 'no_workspace', message: `There is no workspace at ${file}. Nothing was created there.` })
    expect(existsSync(dirname(file))).toBe(false)
  })

  it('told the workspace must exist, refuses an empty file and leaves it empty', async () => {
    const file = folder.path('empty-kept.sqlite')
    writeFileSync(file, '')
    await expectRefusal(file, 'no_workspace', /is an empty file, not a workspace\. It was left untouched\.$/, { mustExist: true })
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('told the workspace must exist, opens one that does', async () => {
    const file = folder.path('exists.sqlite')
    await (await openDatabase(file)).close()
    const opened = await openDatabase(file, { mustExist: true })
    expect(await opened.appliedMigrations()).toEqual(KNOWN_MIGRATIONS)
    await opened.close()
  })

  /**
   * SQLite knows whether another program still uses a WAL workspace by its POSIX locks, and this
   * process drops all of its own on a file when it closes any handle on it. The second opening is
   * what a worker thread does; SQLite shares one set of locks per file across the process, so it
   * would not take them again.
   */
  it('keeps this process\'s locks on the file when it opens the workspace again, as its worker threads do', async () => {
    const file = folder.path('locked.sqlite')
    const first = await openDatabase(file)
    const second = await openDatabase(file)
    // SQLite's shared lock: the 510 bytes from PENDING_BYTE + 2 (0x40000002).
    expect(posixLocksHeld(process.pid, file)).toContainEqual({ kind: 'READ', from: 1_073_741_826, to: 1_073_742_335 })
    await second.close()
    expect(posixLocksHeld(process.pid, file)).toContainEqual({ kind: 'READ', from: 1_073_741_826, to: 1_073_742_335 })
    await first.close()
  })
})
