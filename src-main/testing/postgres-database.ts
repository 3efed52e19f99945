/**
 * Databases of their own for PostgreSQL tests, on the run's test server (postgres-global-setup.ts):
 * each test makes the empty ones it needs, so files running side by side never meet.
 */
import { randomBytes } from 'node:crypto'
import { Client } from 'pg'
import { afterAll, inject } from 'vitest'

export async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: inject('postgresAdminUrl') })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Makes empty databases on demand, each answered as its URL; all are dropped after the file. */
export function testDatabases(): { create: () => Promise<string> } {
  const made: string[] = []
  afterAll(() => dropDatabases(made))
  return {
    async create() {
      const url = await createDatabase()
      made.push(url)
      return url
    },
  }
}

/** A new database on the test server, empty or a copy of `template`; answered as its URL. */
export async function createDatabase(template?: string): Promise<string> {
  const name = `govern_test_${randomBytes(6).toString('hex')}`
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`))
  const url = new URL(inject('postgresAdminUrl'))
  url.pathname = `/${name}`
  return url.toString()
}

export async function dropDatabases(urls: Iterable<string>): Promise<void> {
  await asAdmin(async (client) => {
    for (const url of urls) await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`)
  })
}
