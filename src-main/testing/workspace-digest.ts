/** A fingerprint of every row of every table, to prove that a refused change wrote nothing. */
import { createHash } from 'node:crypto'
import BetterSqlite3 from 'better-sqlite3'

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
