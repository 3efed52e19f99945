import { type Kysely, sql } from 'kysely'

/**
 * Every evaluation reads the open gaps of a kind: for thousands of applications that is
 * thousands of rows. An index of open gaps alone, holding every column the lookup reads, answers
 * it without touching the table, and stays small as resolved history grows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('gaps_open_by_kind').execute()
  await db.schema
    .createIndex('gaps_open_by_kind')
    .on('gaps')
    .columns(['kind', 'application_id', 'policy_id', 'requirement'])
    .where(sql.ref('resolved_at'), 'is', null)
    .execute()
}
