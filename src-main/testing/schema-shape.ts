/**
 * A workspace schema as both databases can describe it, for holding PostgreSQL's to SQLite's:
 * tables, columns (type, nullability, default), primary keys, foreign keys, indexes and triggers,
 * read from SQLite's pragmas and PostgreSQL's catalogs. Auto-generated index names differ between
 * the two, so indexes are compared by what they index; the ones the migrations name, by name too.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'

export interface ColumnShape {
  name: string
  type: string
  nullable: boolean
  default: string | null
  /** Its value handed out by the database, never the same twice (AUTOINCREMENT, an identity). */
  generated: boolean
}

export interface IndexShape {
  /** Null where the database named it itself (a UNIQUE column or constraint). */
  name: string | null
  unique: boolean
  columns: string
  where: string | null
}

export interface ForeignKeyShape {
  column: string
  references: string
  onDelete: string
}

export interface TableShape {
  columns: ColumnShape[]
  primaryKey: string[]
  foreignKeys: ForeignKeyShape[]
  indexes: IndexShape[]
  triggers: string[]
}

export type SchemaShape = Record<string, TableShape>

/** kysely's Migrator makes its own tables in each database's own way; they are not the migrations'. */
const NOT_OURS = new Set(['kysely_migration', 'kysely_migration_lock', 'sqlite_sequence'])

/** SQL text compared without the quoting, casts, brackets and spacing each database writes. */
function normalised(text: string): string {
  return text.replace(/::[a-z ]+/g, '').replace(/["'()\s]/g, '').toLowerCase()
}

/** The indexed columns and the predicate of a CREATE INDEX statement, either database's. */
function indexParts(statement: string): { columns: string; where: string | null } {
  const open = /\bon\s+\S+(?:\s+using\s+\w+)?\s*\(/i.exec(statement)
  if (!open) throw new Error(`Cannot read the index ${statement}`)
  let depth = 1
  let close = open.index + open[0].length
  for (; depth > 0; close++) depth += statement[close] === '(' ? 1 : statement[close] === ')' ? -1 : 0
  const where = /^\s*where\s+(.*)$/is.exec(statement.slice(close))
  return { columns: normalised(statement.slice(open.index + open[0].length, close - 1)), where: where ? normalised(where[1]!) : null }
}

function byColumn(a: ForeignKeyShape, b: ForeignKeyShape): number {
  return a.column.localeCompare(b.column)
}

function byIndex(a: IndexShape, b: IndexShape): number {
  return `${a.name ?? ''}|${a.columns}`.localeCompare(`${b.name ?? ''}|${b.columns}`)
}

export function sqliteSchemaShape(sqlite: BetterSqlite3.Database): SchemaShape {
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
    .map((row) => row.name)
    .filter((name) => !NOT_OURS.has(name))
  const shape: SchemaShape = {}
  for (const table of tables) {
    const columns = sqlite.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; pk: number; dflt_value: string | null }[]
    const indexes = sqlite.pragma(`index_list(${table})`) as { name: string; unique: number; origin: string }[]
    const foreignKeys = sqlite.pragma(`foreign_key_list(${table})`) as { from: string; table: string; to: string; on_delete: string }[]
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name").all(table) as { name: string }[]
    const { sql: definition } = sqlite.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }
    shape[table] = {
      // A primary key is never null in practice; SQLite merely fails to insist, outside an integer key.
      columns: columns.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        nullable: c.notnull === 0 && c.pk === 0,
        default: c.dflt_value === null ? null : normalised(c.dflt_value),
        generated: definition.includes(`"${c.name}" integer primary key autoincrement`),
      })),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      foreignKeys: foreignKeys.map((fk) => ({ column: fk.from, references: `${fk.table}.${fk.to}`, onDelete: fk.on_delete.toLowerCase() })).sort(byColumn),
      indexes: indexes
        .filter((index) => index.origin !== 'pk')
        .map((index) => {
          const { sql: statement } = sqlite.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(index.name) as { sql: string | null }
          const parts = statement === null ? { columns: normalised((sqlite.pragma(`index_info(${index.name})`) as { name: string }[]).map((c) => c.name).join(',')), where: null } : indexParts(statement)
          return { name: index.origin === 'c' ? index.name : null, unique: index.unique === 1, ...parts }
        })
        .sort(byIndex),
      triggers: triggers.map((trigger) => trigger.name),
    }
  }
  return shape
}

const ON_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }

export async function postgresSchemaShape<DB>(db: Kysely<DB>): Promise<SchemaShape> {
  const { rows: columns } = await sql<{ table: string; name: string; type: string; nullable: string; default: string | null; identity: string }>`
    SELECT table_name AS "table", column_name AS "name", data_type AS "type", is_nullable AS "nullable", column_default AS "default", is_identity AS "identity"
    FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`.execute(db)
  const { rows: keys } = await sql<{ table: string; column: string; kind: string; references: string | null; on_delete: string }>`
    SELECT c.conrelid::regclass::text AS "table", a.attname AS "column", c.contype AS "kind",
      CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text || '.' || fa.attname END AS "references", c.confdeltype AS "on_delete"
    FROM pg_constraint c
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
    LEFT JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[k.position]
    WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f')
    ORDER BY c.conrelid::regclass::text, c.conname, k.position`.execute(db)
  const { rows: indexes } = await sql<{ table: string; name: string; unique: boolean; constraint: boolean; definition: string }>`
    SELECT t.relname AS "table", i.relname AS "name", x.indisunique AS "unique",
      EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS "constraint", pg_get_indexdef(x.indexrelid) AS "definition"
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary`.execute(db)
  const { rows: triggers } = await sql<{ table: string; name: string }>`
    SELECT c.relname AS "table", t.tgname AS "name" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal ORDER BY t.tgname`.execute(db)

  const shape: SchemaShape = {}
  for (const column of columns) {
    if (NOT_OURS.has(column.table)) continue
    const table = (shape[column.table] ??= { columns: [], primaryKey: [], foreignKeys: [], indexes: [], triggers: [] })
    table.columns.push({ name: column.name, type: column.type, nullable: column.nullable === 'YES', default: column.default === null ? null : normalised(column.default), generated: column.identity === 'YES' })
  }
  for (const key of keys) {
    const table = shape[key.table]
    if (!table) continue
    if (key.kind === 'p') table.primaryKey.push(key.column)
    else table.foreignKeys.push({ column: key.column, references: key.references!, onDelete: ON_DELETE[key.on_delete]! })
  }
  for (const index of indexes) {
    shape[index.table]?.indexes.push({ name: index.constraint ? null : index.name, unique: index.unique, ...indexParts(index.definition) })
  }
  for (const table of Object.values(shape)) {
    table.indexes.sort(byIndex)
    table.foreignKeys.sort(byColumn)
  }
  for (const trigger of triggers) shape[trigger.table]?.triggers.push(trigger.name)
  return shape
}
