/** `govern migrate` on a workspace file, run as the real command. */
import { afterAll, describe, expect, it } from 'vitest'
import { KNOWN_MIGRATIONS } from '../engine/db/migrate'
import { tempFolder } from '../testing/workspace'
import { runGovern } from '../testing/govern-cli'

const folder = tempFolder()
afterAll(() => folder.remove())

function govern(env: Record<string, string>, ...args: string[]) {
  const { GOVERN_DATABASE_URL: _ignored, ...inherited } = process.env
  return runGovern(args, { ...inherited, ...env })
}

describe('govern migrate --db', () => {
  it('applies every migration to a new workspace file, listing them, then finds nothing to apply', () => {
    const db = folder.path('new.sqlite')
    const first = govern({}, 'migrate', '--db', db)
    expect(first.code).toBe(0)
    expect(first.out).toBe(`Applied ${KNOWN_MIGRATIONS.length} migrations to ${db}:\n${KNOWN_MIGRATIONS.map((name) => `  ${name}\n`).join('')}It is now at schema ${KNOWN_MIGRATIONS.at(-1)}.\n`)
    const again = govern({}, 'migrate', '--db', db)
    expect(again.code).toBe(0)
    expect(again.out).toBe(`${db} is up to date (schema ${KNOWN_MIGRATIONS.at(-1)}); nothing to apply.\n`)
  })

  it('refuses to be told of a file and a database at once, rather than pick one', () => {
    const run = govern({ GOVERN_DATABASE_URL: 'postgres://governance@db.example.com/governance' }, 'migrate', '--db', folder.path('either.sqlite'))
    expect(run.code).not.toBe(0)
    expect(run.err).toContain("environment variable 'GOVERN_DATABASE_URL' cannot be used with option '--db <file>'")
  })
})
