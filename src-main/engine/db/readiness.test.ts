import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openEngine } from '../engine'
import { tempFolder } from '../../testing/workspace'
import { KNOWN_MIGRATIONS } from './migrate'

const folder = tempFolder()
afterAll(() => folder.remove())

/** What another program on the same file (another version of the console, say) does to its record of migrations. */
function onTheSameFile(file: string, change: (sqlite: BetterSqlite3.Database) => void): void {
  const other = new BetterSqlite3(file)
  try {
    change(other)
  } finally {
    other.close()
  }
}

describe('whether an open workspace can serve', () => {
  it('is ready once opened, and not once closed', async () => {
    const engine = await openEngine(folder.path('open-close.sqlite'))
    expect(await engine.readiness()).toEqual({ ready: true })
    await engine.close()
    expect(await engine.readiness()).toMatchObject({ ready: false, reason: 'closed' })
  })

  it('is not ready once a newer console has upgraded the file under it, and says so without naming versions', async () => {
    const file = folder.path('upgraded.sqlite')
    const engine = await openEngine(file)
    try {
      onTheSameFile(file, (other) =>
        other.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999_from_a_newer_console', new Date().toISOString()),
      )
      const readiness = await engine.readiness()
      expect(readiness).toMatchObject({ ready: false, reason: 'migrations_ahead', message: expect.stringContaining('upgrade this server') })
      expect(JSON.stringify(readiness)).not.toContain(KNOWN_MIGRATIONS.at(-1))
    } finally {
      await engine.close()
    }
  })

  it('is not ready when the file lacks a migration this build applies, or records them out of order', async () => {
    const file = folder.path('behind.sqlite')
    const engine = await openEngine(file)
    try {
      onTheSameFile(file, (other) => other.prepare('DELETE FROM kysely_migration WHERE name = ?').run(KNOWN_MIGRATIONS.at(-1)))
      expect(await engine.readiness()).toMatchObject({ ready: false, reason: 'migrations_behind' })
      onTheSameFile(file, (other) => other.prepare('DELETE FROM kysely_migration WHERE name = ?').run(KNOWN_MIGRATIONS[0]))
      expect(await engine.readiness()).toMatchObject({ ready: false, reason: 'migrations_out_of_order' })
    } finally {
      await engine.close()
    }
  })
})
