/** A fingerprint of every row of every table, to prove that a refused change wrote nothing. */
import { createHash } from 'node:crypto'
import BetterSqlite3 from 'better-sqlite3'
import { sql } from 'kysely'
import { isTestDatabase, withRawWorkspace } from './engine-database'

/** Read through a connection of its own, so it sees exactly what has been committed. */
export function workspaceDigest(file: string): string {
  const sqlite = new BetterSqlite3(file, { readonly: true })
  try {
    return digestOf(sqlite)
  } finally {
    sqlite.close()
  }
}

function digestOf(sqlite: BetterSqlite3.Database): string {
  const hash = createHash('sha256')
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  for (const table of tables) {
    // Rows in a fixed order whatever the table's keys: sorted by their own serialised form.
    const rows = (sqlite.prepare(`SELECT * FROM "${table}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort()
    hash.update(`${table}\n${rows.join('\n')}\n`)
  }
  return hash.digest('hex')
}

/**
 * The same fingerprint of a test engine's workspace, on SQLite or PostgreSQL alike
 * (engine-database.ts), read through a connection of its own.
 */
export async function workspaceDigestOf(enginePath: string): Promise<string> {
  if (!isTestDatabase(enginePath)) return workspaceDigest(enginePath)
  return withRawWorkspace(enginePath, async (db) => {
    const tables = (await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`.execute(db)).rows
    const hash = createHash('sha256')
    for (const { name } of tables) {
      const rows = (await db.selectFrom(name).selectAll().execute()).map((row) => JSON.stringify(row)).sort()
      hash.update(`${name}\n${rows.join('\n')}\n`)
    }
    return hash.digest('hex')
  })
}
