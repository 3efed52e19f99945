/**
 * Where SQLite and PostgreSQL differ in what the migrations write, so each migration is written
 * once. Migrations speak SQLite: its column types (integer, real, text, blob) and its triggers.
 * On SQLite every statement is exactly the one the migration held before it was written for both
 * databases, since users' workspaces were migrated by those (fresh-sqlite-workspace.test.ts).
 */
import { ColumnDefinitionNode, DataTypeNode, GeneratedNode, OperationNodeTransformer, sql, type ColumnDataType, type Kysely, type KyselyPlugin, type QueryId, type RawBuilder } from 'kysely'

/** A column type as the migrations name it: SQLite's. */
export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB'

/** A trigger that makes the database itself refuse one kind of change to a table's rows. */
export interface RefusalTrigger {
  name: string
  change: 'INSERT' | 'UPDATE' | 'DELETE'
  table: string
  /** The error the refused statement fails with. */
  message: string
}

export interface MigrationDialect {
  readonly name: 'sqlite' | 'postgres'
  /** The handle a migration builds its schema with: on PostgreSQL, SQLite's column types come out as their equivalents. */
  builder(db: Kysely<unknown>): Kysely<unknown>
  /** A column type, for the few tables whose DDL is written out by hand. */
  type(name: ColumnType): RawBuilder<unknown>
  /** Ends a hand-written CREATE TABLE: SQLite keeps these tables clustered on their primary key. */
  readonly tableOptions: RawBuilder<unknown>
  refuse(db: Kysely<unknown>, trigger: RefusalTrigger): Promise<void>
  /**
   * Refuses an INSERT onto the `key` of an existing row. SQLite's INSERT OR REPLACE deletes that
   * row without firing its delete triggers, so an append-only table needs this as well.
   */
  refuseReplace(db: Kysely<unknown>, trigger: Omit<RefusalTrigger, 'change'> & { key: string }): Promise<void>
  dropTrigger(db: Kysely<unknown>, name: string, table: string): Promise<void>
}

/** Names and messages are the migrations' own constants, written into DDL where nothing can be bound. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${name} is not a plain lower-case identifier`)
  return name
}

export const sqliteMigrations: MigrationDialect = {
  name: 'sqlite',
  builder: (db) => db,
  type: (name) => sql.raw(name),
  tableOptions: sql.raw(' WITHOUT ROWID'),
  async refuse(db, { name, change, table, message }) {
    await sql.raw(`CREATE TRIGGER ${identifier(name)} BEFORE ${change} ON ${identifier(table)}
    BEGIN SELECT RAISE(ABORT, ${literal(message)}); END`).execute(db)
  },
  async refuseReplace(db, { name, table, key, message }) {
    await sql.raw(`CREATE TRIGGER ${identifier(name)} BEFORE INSERT ON ${identifier(table)}
    WHEN EXISTS (SELECT 1 FROM ${identifier(table)} WHERE ${identifier(key)} = NEW.${identifier(key)})
    BEGIN SELECT RAISE(ABORT, ${literal(message)}); END`).execute(db)
  },
  async dropTrigger(db, name) {
    await sql.raw(`DROP TRIGGER ${identifier(name)}`).execute(db)
  },
}

/**
 * SQLite's integer is 64 bits and its real a double, so they are PostgreSQL's bigint and double
 * precision: stored counts reach 2^53 − 1 (0006_counts_near_exact_limit.ts).
 */
const POSTGRES_TYPES: Record<Lowercase<ColumnType>, ColumnDataType> = {
  integer: 'bigint',
  real: 'double precision',
  text: 'text',
  blob: 'bytea',
}

function postgresType(name: string): ColumnDataType {
  const type = POSTGRES_TYPES[name.toLowerCase() as Lowercase<ColumnType>]
  if (!type) throw new Error(`Migrations name SQLite's column types (${Object.keys(POSTGRES_TYPES).join(', ')}), not ${name}`)
  return type
}

class PostgresColumns extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    return DataTypeNode.create(postgresType(node.dataType))
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode, queryId?: QueryId): ColumnDefinitionNode {
    const column = super.transformColumnDefinition(node, queryId)
    if (!column.autoIncrement) return column
    // Like AUTOINCREMENT, an identity never hands out an id twice, even after the newest row is deleted.
    return ColumnDefinitionNode.cloneWith(column, { autoIncrement: false, generated: GeneratedNode.create({ byDefault: true, identity: true }) })
  }
}

const postgresColumns: KyselyPlugin = {
  transformQuery: ({ node, queryId }) => new PostgresColumns().transformNode(node, queryId),
  transformResult: async ({ result }) => result,
}

/** Every refusal trigger runs this, with its message as the trigger's argument. */
const REFUSE_CHANGE = sql.raw(`CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$`)

export const postgresMigrations: MigrationDialect = {
  name: 'postgres',
  builder: (db) => db.withPlugin(postgresColumns),
  type: (name) => sql.raw(postgresType(name)),
  tableOptions: sql.raw(''),
  async refuse(db, { name, change, table, message }) {
    await REFUSE_CHANGE.execute(db)
    await sql.raw(`CREATE TRIGGER ${identifier(name)} BEFORE ${change} ON ${identifier(table)}
    FOR EACH ROW EXECUTE FUNCTION refuse_change(${literal(message)})`).execute(db)
    // TRUNCATE empties a table without a row's delete trigger firing.
    if (change === 'DELETE') {
      await sql.raw(`CREATE TRIGGER ${identifier(`${name}_truncate`)} BEFORE TRUNCATE ON ${identifier(table)}
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change(${literal(message)})`).execute(db)
    }
  },
  // PostgreSQL has no INSERT OR REPLACE: its upsert updates the row, which the update trigger refuses.
  refuseReplace: async () => {},
  async dropTrigger(db, name, table) {
    await sql.raw(`DROP TRIGGER ${identifier(name)} ON ${identifier(table)}`).execute(db)
  },
}
