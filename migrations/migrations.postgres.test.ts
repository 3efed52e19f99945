/**
 * The migrations on a real PostgreSQL server: the schema they make holds the same tables, columns,
 * keys, indexes and guards as a SQLite workspace's, the audit trail is append-only there too, and
 * events written before the chain are chained on upgrade as they are on SQLite.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { afterAll, describe, expect, it } from 'vitest'
import { auditEventHash, CHAIN_START, type HashedAuditFields } from '../src-main/engine/audit-hash'
import { KNOWN_MIGRATIONS, MIGRATION_TABLE } from '../src-main/engine/db/migrate'
import { openDatabase } from '../src-main/engine/db/open'
import { connectPostgres, migratePostgres } from '../src-main/engine/db/postgres'
import type { Database } from '../src-main/engine/db/schema'
import { WorkspaceError } from '../src-main/engine/errors'
import { changesAfter } from '../src-main/engine/sync/change-feed'
import { testDatabases } from '../src-main/testing/postgres-database'
import { postgresSchemaShape, sqliteSchemaShape, type SchemaShape } from '../src-main/testing/schema-shape'
import { tempFolder } from '../src-main/testing/workspace'
import { migrationsFor } from '.'
import { postgresMigrations, sqliteMigrations, type MigrationDialect } from './dialect'

const databases = testDatabases()
const folder = tempFolder()
const opened: Array<Kysely<Database>> = []
afterAll(async () => {
  for (const db of opened) await db.destroy()
  folder.remove()
})

async function emptyDatabase() {
  const connection = await connectPostgres(await databases.create())
  opened.push(connection.db)
  return connection
}

async function migratedDatabase(): Promise<Kysely<Database>> {
  const { db, target } = await emptyDatabase()
  await migratePostgres(db, target)
  return db
}

async function sqliteShape(): Promise<SchemaShape> {
  const file = folder.path('fresh.sqlite')
  await (await openDatabase(file)).close()
  const sqlite = new BetterSqlite3(file, { readonly: true })
  try {
    return sqliteSchemaShape(sqlite)
  } finally {
    sqlite.close()
  }
}

/** SQLite's integer is 64 bits and its real a double: bigint and double precision, not int4 and float4. */
const POSTGRES_TYPE: Record<string, string> = { integer: 'bigint', real: 'double precision', text: 'text', blob: 'bytea' }

/**
 * SQLite's shape as PostgreSQL should hold it. Two documented differences in the guards: INSERT
 * OR REPLACE exists only on SQLite, so its trigger does too; TRUNCATE exists only on PostgreSQL,
 * so each table refusing deletes refuses it as well (the change feed's triggers record, not refuse).
 */
function onPostgres(shape: SchemaShape): SchemaShape {
  return Object.fromEntries(
    Object.entries(shape).map(([name, table]) => [
      name,
      {
        ...table,
        columns: table.columns.map((column) => ({ ...column, type: POSTGRES_TYPE[column.type] ?? `no PostgreSQL type for ${column.type}` })),
        triggers: table.triggers
          .filter((trigger) => trigger !== 'audit_events_append_only_replace')
          .flatMap((trigger) => (trigger.endsWith('_delete') && !trigger.startsWith('row_changes_') ? [trigger, `${trigger}_truncate`] : [trigger]))
          .sort(),
      },
    ]),
  )
}

describe('the migrations on PostgreSQL', () => {
  it('apply to an empty database, all of them, and apply nothing the second time', async () => {
    const { db, target } = await emptyDatabase()
    expect(await migratePostgres(db, target)).toEqual(KNOWN_MIGRATIONS)
    expect(await migratePostgres(db, target)).toEqual([])
  })

  it('make the tables, columns, keys, indexes and triggers a SQLite workspace has, in PostgreSQL types', async () => {
    const expected = onPostgres(await sqliteShape())
    const actual = await postgresSchemaShape(await migratedDatabase())
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
    for (const table of Object.keys(expected)) expect({ table, ...actual[table] }).toEqual({ table, ...expected[table] })
  })

  it('seed the same reference rows as on SQLite', async () => {
    const golden = JSON.parse(readFileSync(join(__dirname, 'fresh-sqlite-workspace.golden.json'), 'utf8')) as Record<string, unknown[]>
    const db = await migratedDatabase()
    expect(await db.selectFrom('alert_rules').selectAll().orderBy('id').execute()).toEqual(golden.alert_rules)
    expect(await db.selectFrom('attestation_clock').selectAll().execute()).toEqual(golden.attestation_clock)
    expect(await db.selectFrom('users').select(['id', 'role', 'created_at']).execute()).toEqual([{ id: 'usr_owner', role: 'org_admin', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) }])
  })

  it('keep the audit trail, policy versions and the workspace identity from being rewritten or removed', async () => {
    const db = await migratedDatabase()
    await sql`INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id) VALUES ('t', 'a', 'A', 'x', 'y', 'z')`.execute(db)
    await expect(sql`UPDATE audit_events SET action = 'rewritten'`.execute(db)).rejects.toThrow('audit events are append-only')
    await expect(sql`DELETE FROM audit_events`.execute(db)).rejects.toThrow('audit events are append-only')
    await expect(sql`TRUNCATE audit_events`.execute(db)).rejects.toThrow('audit events are append-only')
    await expect(sql`INSERT INTO audit_events SELECT * FROM audit_events ON CONFLICT (id) DO UPDATE SET actor_name = 'Mallory'`.execute(db)).rejects.toThrow('audit events are append-only')
    expect(await db.selectFrom('audit_events').select(['id', 'action', 'actor_name']).execute()).toEqual([{ id: 1, action: 'x', actor_name: 'A' }])

    await sql`INSERT INTO policies (id, name, enforcement_delay_days, status, auto_apply, auto_restore, apply_to_all, version, created_at, updated_at)
      VALUES ('pol_1', 'P', 0, 'draft', 0, 0, 0, 1, 't', 't')`.execute(db)
    await sql`INSERT INTO policy_versions VALUES ('pol_1', 1, 't', 'a', 'A', 's', '{}')`.execute(db)
    await expect(sql`UPDATE policy_versions SET summary = 'other'`.execute(db)).rejects.toThrow('policy versions are immutable')
    await expect(sql`DELETE FROM policy_versions`.execute(db)).rejects.toThrow('policy versions are immutable')

    await expect(sql`INSERT INTO workspace_identity VALUES ('ws_other', 't')`.execute(db)).rejects.toThrow('a workspace has one identity')
    await expect(sql`UPDATE workspace_identity SET id = 'ws_other'`.execute(db)).rejects.toThrow('a workspace identity never changes')
    await expect(sql`DELETE FROM workspace_identity`.execute(db)).rejects.toThrow('a workspace identity never changes')
  })

  it('keep a change feed of each replicated row’s latest change, in commit order, as on SQLite', async () => {
    const db = await migratedDatabase()
    const start = (await changesAfter(db, '0', 10_000)).next
    await sql`INSERT INTO applications (id, name, created_at, updated_at) VALUES ('app_a', 'A', 't', 't'), ('app_b', 'B', 't', 't')`.execute(db)
    await sql`INSERT INTO application_tags VALUES ('app_a', 'prod'), ('app_a', 'eu')`.execute(db)
    await sql`UPDATE applications SET name = 'A2' WHERE id = 'app_a'`.execute(db)
    await sql`DELETE FROM application_tags WHERE tag = 'eu'`.execute(db)
    // Not replicated: never in the feed.
    await sql`INSERT INTO evaluation_queue VALUES ('app_a', 't')`.execute(db)
    const page = await changesAfter(db, start, 10_000)
    expect(page.changes).toEqual([
      { table: 'applications', key: ['app_b'], row: expect.objectContaining({ name: 'B' }) },
      { table: 'application_tags', key: ['app_a', 'prod'], row: { application_id: 'app_a', tag: 'prod' } },
      { table: 'applications', key: ['app_a'], row: expect.objectContaining({ name: 'A2' }) },
      { table: 'application_tags', key: ['app_a', 'eu'], row: null },
    ])
    expect(page.remaining).toBe(0)
    expect((await changesAfter(db, page.next, 10)).changes).toEqual([])
    // A full page counts what follows.
    expect(await changesAfter(db, start, 1)).toMatchObject({ remaining: 3 })
  })

  it('chain the events a workspace held before it had a chain as SQLite does, to the same head', async () => {
    // More than the migration reads at once, so the chain carries across its reads.
    const events = Array.from({ length: 1200 }, (_, n) => ({
      at: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
      actor_id: 'owner',
      actor_name: 'Olivia',
      action: 'application.created',
      entity_type: 'application',
      entity_id: `app_${n}`,
      after_json: JSON.stringify({ name: `App ${n}` }),
    }))
    const before = (dialect: MigrationDialect) => Object.fromEntries(Object.entries(migrationsFor(dialect)).filter(([name]) => name < '0010'))

    const { db, target } = await emptyDatabase()
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before(postgresMigrations) }, migrationTableName: MIGRATION_TABLE }).migrateToLatest()
    expect(error).toBeUndefined()
    await db.insertInto('audit_events').values(events).execute()
    expect((await migratePostgres(db, target))[0]).toBe('0010_audit_chain')
    const { rows } = await sql<HashedAuditFields & { prev_hash: string; hash: string }>`SELECT * FROM audit_events ORDER BY id`.execute(db)
    let prevHash = CHAIN_START
    for (const row of rows) {
      expect(row.prev_hash).toBe(prevHash)
      expect(row.hash).toBe(auditEventHash(prevHash, row))
      prevHash = row.hash
    }

    const file = folder.path('before-the-chain.sqlite')
    const sqlite = new BetterSqlite3(file)
    const onSqlite = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
    await new Migrator({ db: onSqlite, provider: { getMigrations: async () => before(sqliteMigrations) }, migrationTableName: MIGRATION_TABLE }).migrateToLatest()
    await onSqlite.insertInto('audit_events').values(events).execute()
    await onSqlite.destroy()
    const upgraded = await openDatabase(file)
    const sqliteHashes = await upgraded.reader.selectFrom('audit_events').select('hash').orderBy('id').execute()
    await upgraded.close()
    expect(sqliteHashes).toEqual(rows.map((row) => ({ hash: row.hash })))
  })

  it('refuse a database holding another program\'s tables, and one written by a newer console, leaving both untouched', async () => {
    const foreign = await emptyDatabase()
    await sql`CREATE TABLE recipes (id integer PRIMARY KEY, title text)`.execute(foreign.db)
    await expect(migratePostgres(foreign.db, foreign.target)).rejects.toMatchObject({ reason: 'not_a_workspace', message: expect.stringMatching(/holds tables of another program \(recipes\)/) })
    expect((await postgresSchemaShape(foreign.db)).recipes).toBeDefined()
    expect(Object.keys(await postgresSchemaShape(foreign.db))).toEqual(['recipes'])

    const newer = await emptyDatabase()
    await migratePostgres(newer.db, newer.target)
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_a_newer_console', '2030-01-01T00:00:00.000Z')`.execute(newer.db)
    const refusal = migratePostgres(newer.db, newer.target)
    await expect(refusal).rejects.toBeInstanceOf(WorkspaceError)
    await expect(refusal).rejects.toMatchObject({ reason: 'schema_too_new', message: expect.stringContaining('9999_from_a_newer_console') })
  })
})
