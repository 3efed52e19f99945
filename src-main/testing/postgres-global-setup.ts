/**
 * vitest's global set-up for the `postgres` project: one PostgreSQL server for the whole run,
 * started only when PostgreSQL tests are among those run. GOVERN_TEST_DATABASE_URL names a server
 * of your own instead: its user needs CREATEDB (tests make databases of their own), and it must
 * sign users in by password (a test signs in with a wrong one).
 */
import type { TestProject } from 'vitest/node'
import { startPostgresServer } from './postgres-server'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser's connection to the test server's maintenance database. */
    postgresAdminUrl: string
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const own = process.env.GOVERN_TEST_DATABASE_URL
  if (own) {
    project.provide('postgresAdminUrl', own)
    return undefined
  }
  const server = await startPostgresServer()
  console.log(`PostgreSQL test server ready in ${Math.round(server.startupMs)} ms`)
  project.provide('postgresAdminUrl', server.url)
  return () => server.stop()
}
