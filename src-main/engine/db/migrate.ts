/**
 * Bringing a workspace's schema up to date, on SQLite or PostgreSQL alike: which migrations it
 * has, whether this version of the console may build on them, and running the rest.
 */
import type { Kysely } from 'kysely'
import { Migrator } from 'kysely/migration'
import { MIGRATIONS, migrationsFor } from '../../../migrations'
import type { MigrationDialect } from '../../../migrations/dialect'
import { WorkspaceError } from '../errors'

export const MIGRATION_TABLE = 'kysely_migration'

export const KNOWN_MIGRATIONS: readonly string[] = MIGRATIONS.map(([name]) => name)

/**
 * Why migrations already applied to a workspace cannot be built on: some unknown to this version
 * (a newer console wrote it), or not in this version's order. Undefined when they can.
 */
export function appliedMigrationsProblem(applied: readonly string[]): { reason: 'schema_too_new'; newest: string } | { reason: 'schema_mismatch' } | undefined {
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name))
  if (unknown.length > 0) return { reason: 'schema_too_new', newest: unknown.at(-1)! }
  const isPrefix = applied.every((name, index) => KNOWN_MIGRATIONS[index] === name)
  return isPrefix ? undefined : { reason: 'schema_mismatch' }
}

/** Applies every pending migration, in one transaction; answers their names, oldest first. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: MigrationDialect, workspace: string): Promise<string[]> {
  const migrations = migrationsFor(dialect)
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: MIGRATION_TABLE })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName
    throw new WorkspaceError(
      'migration_failed',
      `Could not bring ${workspace} up to date${failed ? ` (migration ${failed})` : ''}: ${(error as Error).message}`,
    )
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName)
}
