/** Connecting to a workspace on PostgreSQL: a refusal names what is wrong, and never the password. */
import { createServer } from 'node:net'
import { sql } from 'kysely'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { testDatabases } from '../../testing/postgres-database'
import { WorkspaceError } from '../errors'
import { connectPostgres } from './postgres'

const databases = testDatabases()
const toClose: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of toClose) await close()
})

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function refusal(url: string): Promise<WorkspaceError> {
  const error = await connectPostgres(url).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(WorkspaceError)
  return error as WorkspaceError
}

describe('connecting to PostgreSQL', () => {
  it('refuses a URL that is not a PostgreSQL database URL, saying how to write one', async () => {
    expect(await refusal('not a url')).toMatchObject({ reason: 'bad_database_url', message: 'The database URL is not a URL; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE.' })
    expect((await refusal('mysql://admin:s3cret@db.example.com/governance')).message).toMatch(/^The database URL starts with mysql:\/\/ where a PostgreSQL one starts with postgres:\/\//)
    const noDatabase = await refusal('postgres://admin:s3cret@db.example.com:5432')
    expect(noDatabase.message).toMatch(/names no database/)
    expect(noDatabase.message).not.toContain('s3cret')
  })

  it('says when no server answers at the address, without the password', async () => {
    const port = await closedPort()
    const error = await refusal(`postgres://admin:s3cret@127.0.0.1:${port}/governance`)
    expect(error.reason).toBe('cannot_connect')
    expect(error.message).toMatch(new RegExp(`^Cannot connect to postgres://admin@127\\.0\\.0\\.1:${port}/governance: no PostgreSQL server answers at 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`))
    expect(error.message).not.toContain('s3cret')
  })

  it('says when the server does not accept the user and password, without the password', async () => {
    const url = new URL(await databases.create())
    url.password = 'wrong-s3cret'
    const error = await refusal(url.toString())
    expect(error.reason).toBe('cannot_connect')
    expect(error.message).toMatch(/did not accept user postgres \(password authentication failed for user "postgres"\); check the user and password in the URL/)
    expect(error.message).not.toContain('wrong-s3cret')
  })

  it('says when the database does not exist', async () => {
    const url = new URL(inject('postgresAdminUrl'))
    url.pathname = '/no_such_workspace'
    expect((await refusal(url.toString())).message).toMatch(/there is no database no_such_workspace on the server at 127\.0\.0\.1:\d+; create it first \(createdb no_such_workspace\)/)
  })

  it('reads 64-bit integers as numbers, as SQLite does, and refuses one JavaScript cannot hold exactly', async () => {
    const { db } = await connectPostgres(await databases.create())
    toClose.push(() => db.destroy())
    const { rows } = await sql<{ largest: number; count: number }>`SELECT 9007199254740991::bigint AS largest, count(*) AS count FROM generate_series(1, 3)`.execute(db)
    expect(rows).toEqual([{ largest: 9007199254740991, count: 3 }])
    await expect(sql`SELECT 9007199254740992::bigint AS beyond`.execute(db)).rejects.toThrow('9007199254740992 is beyond the integers JavaScript holds exactly')
  })
})
