import type { Kysely } from 'kysely'

/**
 * A person is deactivated rather than deleted: they stay in the directory, in groups' records and
 * in every audit event, but are no longer picked as reviewer, owner or escalation contact, and the
 * API tokens acting for them stop working.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute()
}
