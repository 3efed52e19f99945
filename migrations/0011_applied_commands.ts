import type { Kysely } from 'kysely'

/**
 * A change sent with an id its sender chose (an Idempotency-Key over HTTP) is applied once: the
 * id is recorded in the transaction of the change it made, so a retry after a lost answer finds
 * it and changes nothing twice. Ids are the sender's, so they are kept per actor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('applied_commands')
    .addColumn('actor_id', 'text', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull())
    .addColumn('procedure', 'text', (column) => column.notNull())
    .addColumn('request_sha256', 'text', (column) => column.notNull())
    .addColumn('applied_at', 'text', (column) => column.notNull())
    // The answer, kept just after the change commits; null only if the process stopped in between.
    .addColumn('answer_json', 'text')
    .addPrimaryKeyConstraint('applied_commands_pk', ['actor_id', 'id'])
    .execute()
}
