/**
 * Where a test's engine keeps its workspace. The engine's and API's suites run twice: on SQLite
 * files, and (the `engine-on-postgres` project, GOVERN_TEST_DATABASE=postgres) on PostgreSQL,
 * where each workspace file a test names stands for a database of its own, copied from a
 * migrated template so it opens as fast as a new file. Opening the same file again (a restart,
 * a second process) opens the same database. Each test file's databases are dropped after it.
 */
import { afterAll } from 'vitest'
import { createDatabase, dropDatabases } from './postgres-database'
import { TEMPLATE_DATABASE } from './postgres-server'

export const ENGINE_TESTS_ON_POSTGRES = process.env.GOVERN_TEST_DATABASE === 'postgres'


const databases = new Map<string, Promise<string>>()

if (ENGINE_TESTS_ON_POSTGRES) afterAll(async () => dropDatabases(await Promise.all(databases.values())))

/**
 * The workspace a test's file name stands for: the file itself, or its PostgreSQL database's URL.
 * An engine's `path` names its database without the password, and opens the same database again.
 */
export async function testWorkspaceLocation(file: string): Promise<string> {
  if (!ENGINE_TESTS_ON_POSTGRES) return file
  let url = databases.get(file)
  if (!url) {
    databases.set(file, (url = createDatabase(TEMPLATE_DATABASE)))
    void url.then((made) => databases.set(withoutPassword(made), url!), () => undefined)
  }
  return url
}

function withoutPassword(url: string): string {
  const parsed = new URL(url)
  return `postgres://${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host}${parsed.pathname}`
}
