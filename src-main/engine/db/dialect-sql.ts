/**
 * The few expressions SQLite and PostgreSQL spell differently, so the engine's areas write each
 * query once and never ask which database they are on.
 */
import { sql, type RawBuilder } from 'kysely'
import { onPostgres } from './prepared'
import type { Db } from './schema'

/** The values of a text column over the rows of a (sub)query, sorted, as a JSON array's text: '[]' for none. */
export function jsonArrayOf(db: Db, column: string): RawBuilder<string> {
  return onPostgres(db) ? sql<string>`coalesce(json_agg(${sql.ref(column)} ORDER BY ${sql.ref(column)})::text, '[]')` : sql<string>`json_group_array(${sql.ref(column)} ORDER BY ${sql.ref(column)})`
}

/**
 * Tells SQLite which index to read a table through, where its planner would not pick it; says
 * nothing on PostgreSQL, whose planner has the statistics to choose.
 */
export function indexedBy(db: Db, index: string): RawBuilder<unknown> {
  return onPostgres(db) ? sql`` : sql`indexed by ${sql.ref(index)}`
}
