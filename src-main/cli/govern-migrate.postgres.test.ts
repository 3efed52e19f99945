/** `govern migrate --database-url` on a real PostgreSQL server, run as the real command. */
import { describe, expect, it } from 'vitest'
import { KNOWN_MIGRATIONS } from '../engine/db/migrate'
import { testDatabases } from '../testing/postgres-database'
import { runGovern } from '../testing/govern-cli'

const databases = testDatabases()

function govern(env: Record<string, string>, ...args: string[]) {
  const { GOVERN_DATABASE_URL: _ignored, ...inherited } = process.env
  return runGovern(args, { ...inherited, ...env })
}

/** How the command names a database: its URL without the password. */
function withoutPassword(url: string): string {
  const named = new URL(url)
  named.password = ''
  return named.toString()
}

describe('govern migrate --database-url', () => {
  it('applies every migration to an empty database, naming it without its password, then finds nothing to apply', async () => {
    const url = await databases.create()
    const first = govern({}, 'migrate', '--database-url', url)
    expect(first.err).toBe('')
    expect(first.code).toBe(0)
    expect(first.out).toBe(`Applied ${KNOWN_MIGRATIONS.length} migrations to ${withoutPassword(url)}:\n${KNOWN_MIGRATIONS.map((name) => `  ${name}\n`).join('')}It is now at schema ${KNOWN_MIGRATIONS.at(-1)}.\n`)
    // The URL may come from the environment instead, keeping the password out of the process list.
    const again = govern({ GOVERN_DATABASE_URL: url }, 'migrate')
    expect(again.code).toBe(0)
    expect(again.out).toBe(`${withoutPassword(url)} is up to date (schema ${KNOWN_MIGRATIONS.at(-1)}); nothing to apply.\n`)
  })

  it('exits 2 saying why when it cannot connect, never printing the password', async () => {
    const url = new URL(await databases.create())
    url.password = 'wrong-s3cret'
    const run = govern({}, 'migrate', '--database-url', url.toString())
    expect(run.code).toBe(2)
    expect(run.err).toMatch(/^govern: Cannot connect to postgres:\/\/postgres@127\.0\.0\.1:\d+\/govern_test_\w+: the server at 127\.0\.0\.1:\d+ did not accept user postgres/)
    expect(run.err).not.toContain('wrong-s3cret')
    expect(run.out).toBe('')
  })
})
