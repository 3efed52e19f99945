/**
 * vitest's global set-up for the `postgres` project: one PostgreSQL server for the whole run,
 * started only when PostgreSQL tests are among those run. GOVERN_TEST_DATABASE_URL names a server
 * of your own instead: its user needs CREATEDB (tests make databases of their own), and it must
 * sign users in by password (a test signs in with a wrong one).
 */
import { Client } from 'pg'
import type { TestProject } from 'vitest/node'
import { migrateDatabaseAt } from '../engine/db/postgres'
import { startPostgresServer, TEMPLATE_DATABASE } from './postgres-server'

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
    await makeTemplate(own)
    return undefined
  }
  const server = await startPostgresServer()
  console.log(`PostgreSQL test server ready in ${Math.round(server.startupMs)} ms`)
  project.provide('postgresAdminUrl', server.url)
  try {
    await makeTemplate(server.url)
  } catch (error) {
    server.stop()
    throw error
  }
  return () => server.stop()
}

/** A new, fully migrated workspace that engine tests copy (engine-database.ts). */
async function makeTemplate(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${TEMPLATE_DATABASE}`
  await migrateDatabaseAt(url.toString())
}
