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
  /**
   * Records every insert, update and delete of `table`'s rows in row_changes (0012_sync.ts): its
   * key as a JSON array, with a new seq, one entry per row. Rows already there are recorded too.
   */
  recordRowChanges(db: Kysely<unknown>, table: string, key: readonly string[]): Promise<void>
  /**
   * Lets a refusal trigger stand aside while a desktop applies its server's rows (sync_state.pulling),
   * so the server's trail and versions may replace a desktop's provisional ones. Only a SQLite
   * workspace is ever a desktop: on PostgreSQL the refusal stays as it is.
   */
  relaxWhilePulling(db: Kysely<unknown>, trigger: RefusalTrigger & { key?: string }): Promise<void>
}

const WHILE_PULLING = 'EXISTS (SELECT 1 FROM sync_state WHERE pulling = 1)'

function sqliteKey(row: 'NEW.' | 'OLD.' | '', key: readonly string[]): string {
  return `json_array(${key.map((column) => row + identifier(column)).join(', ')})`
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
  async recordRowChanges(db, table, key) {
    const name = identifier(table)
    // Delete then insert, not INSERT OR REPLACE: an outer INSERT OR IGNORE would turn the replace
    // into an ignore, and the row's change would keep its old seq, behind some reader's cursor.
    const record = (row: 'NEW.' | 'OLD.') => `DELETE FROM row_changes WHERE table_name = '${name}' AND row_key = ${sqliteKey(row, key)};
      INSERT INTO row_changes (table_name, row_key) VALUES ('${name}', ${sqliteKey(row, key)});`
    await sql.raw(`CREATE TRIGGER row_changes_${name}_insert AFTER INSERT ON ${name} BEGIN ${record('NEW.')} END`).execute(db)
    await sql.raw(`CREATE TRIGGER row_changes_${name}_update AFTER UPDATE ON ${name} BEGIN ${record('OLD.')} ${record('NEW.')} END`).execute(db)
    await sql.raw(`CREATE TRIGGER row_changes_${name}_delete AFTER DELETE ON ${name} BEGIN ${record('OLD.')} END`).execute(db)
    await sql.raw(`INSERT INTO row_changes (table_name, row_key) SELECT '${name}', ${sqliteKey('', key)} FROM ${name}`).execute(db)
  },
  async relaxWhilePulling(db, trigger) {
    await sqliteMigrations.dropTrigger(db, trigger.name, trigger.table)
    const replacing = trigger.key ? `EXISTS (SELECT 1 FROM ${identifier(trigger.table)} WHERE ${identifier(trigger.key)} = NEW.${identifier(trigger.key)}) AND ` : ''
    await sql.raw(`CREATE TRIGGER ${identifier(trigger.name)} BEFORE ${trigger.change} ON ${identifier(trigger.table)}
    WHEN ${replacing}NOT ${WHILE_PULLING}
    BEGIN SELECT RAISE(ABORT, ${literal(trigger.message)}); END`).execute(db)
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

/**
 * The change feed's trigger: the row's key (the columns named as the trigger's arguments) as a
 * JSON array, moved to a new seq, so the feed holds one entry per row with its latest change last.
 * Writes on a server are serialised, so seq order is commit order.
 */
const RECORD_ROW_CHANGE = sql.raw(`CREATE OR REPLACE FUNCTION record_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE changed_key text;
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT jsonb_agg(to_jsonb(OLD) -> column_name ORDER BY ordinal)::text INTO changed_key FROM unnest(TG_ARGV) WITH ORDINALITY AS pk(column_name, ordinal);
        INSERT INTO row_changes (table_name, row_key) VALUES (TG_TABLE_NAME, changed_key)
          ON CONFLICT (table_name, row_key) DO UPDATE SET seq = nextval(pg_get_serial_sequence('row_changes', 'seq'));
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT jsonb_agg(to_jsonb(NEW) -> column_name ORDER BY ordinal)::text INTO changed_key FROM unnest(TG_ARGV) WITH ORDINALITY AS pk(column_name, ordinal);
        INSERT INTO row_changes (table_name, row_key) VALUES (TG_TABLE_NAME, changed_key)
          ON CONFLICT (table_name, row_key) DO UPDATE SET seq = nextval(pg_get_serial_sequence('row_changes', 'seq'));
      END IF;
      RETURN NULL;
    END $$`)

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
  async recordRowChanges(db, table, key) {
    await RECORD_ROW_CHANGE.execute(db)
    const name = identifier(table)
    const columns = key.map((column) => literal(identifier(column))).join(', ')
    // Named as on SQLite, one a kind of change, so both schemas hold the same triggers.
    for (const change of ['insert', 'update', 'delete']) {
      await sql.raw(`CREATE TRIGGER row_changes_${name}_${change} AFTER ${change.toUpperCase()} ON ${name}
    FOR EACH ROW EXECUTE FUNCTION record_row_change(${columns})`).execute(db)
    }
    await sql.raw(`INSERT INTO row_changes (table_name, row_key) SELECT '${name}', jsonb_build_array(${key.map(identifier).join(', ')})::text FROM ${name}`).execute(db)
  },
  // A PostgreSQL workspace is a server: it never pulls, so its refusals never stand aside.
  relaxWhilePulling: async () => {},
}
