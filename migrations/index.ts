/**
 * Every migration, in order. Forward-only: what a shipped migration does to a SQLite workspace
 * never changes (fresh-sqlite-workspace.test.ts holds it to that); new ones are added at the end.
 * A workspace whose applied list is not a prefix of this one is refused.
 */
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { MigrationDialect } from './dialect'
import * as foundation from './0001_foundation'
import * as policies from './0002_policies'
import * as compliance from './0003_compliance'
import * as openGapLookup from './0004_open_gap_lookup'
import * as sharedWorkspace from './0005_shared_workspace'
import * as countsNearExactLimit from './0006_counts_near_exact_limit'
import * as applicationRetirement from './0007_application_retirement'
import * as inactivePeople from './0008_inactive_people'
import * as attestations from './0009_attestations'
import * as auditChain from './0010_audit_chain'
import * as appliedCommands from './0011_applied_commands'
import * as auditIdsIssued from './0012_audit_ids_issued'
import * as sync from './0013_sync'
import * as auditCheckpoints from './0014_audit_checkpoints'
import * as recordVersions from './0015_record_versions'

/** A migration, written once for SQLite and PostgreSQL: it asks `dialect` where they differ. */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void>
}

export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: DialectMigration]> = [
  ['0001_foundation', foundation],
  ['0002_policies', policies],
  ['0003_compliance', compliance],
  ['0004_open_gap_lookup', openGapLookup],
  ['0005_shared_workspace', sharedWorkspace],
  ['0006_counts_near_exact_limit', countsNearExactLimit],
  ['0007_application_retirement', applicationRetirement],
  ['0008_inactive_people', inactivePeople],
  ['0009_attestations', attestations],
  ['0010_audit_chain', auditChain],
  ['0011_applied_commands', appliedCommands],
  ['0012_audit_ids_issued', auditIdsIssued],
  ['0013_sync', sync],
  ['0014_audit_checkpoints', auditCheckpoints],
  ['0015_record_versions', recordVersions],
]

/** The migrations as kysely's Migrator runs them on one kind of database. */
export function migrationsFor(dialect: MigrationDialect): Record<string, Migration> {
  return Object.fromEntries(MIGRATIONS.map(([name, migration]) => [name, { up: (db: Kysely<unknown>) => migration.up(dialect.builder(db), dialect) }]))
}
