import type { Kysely } from 'kysely'

/**
 * Every record an offline desktop edits counts its changes, as a policy does: applications,
 * people, groups and an application's alert rules carry a version, 1 for what exists now. An edit
 * made on a version the record has since moved past is refused as a conflict, so two desktops
 * editing one record offline never overwrite each other unseen. A desktop's outbox notes the
 * records each command changed, so a later edit of one of them waits behind a refused command.
 */
const VERSIONED = ['applications', 'users', 'groups', 'application_rules'] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of VERSIONED) {
    await db.schema
      .alterTable(table)
      .addColumn('version', 'integer', (column) => column.notNull().defaultTo(1))
      .execute()
  }
  // A JSON array of "table:id" keys; null for commands recorded before this migration.
  await db.schema.alterTable('sync_outbox').addColumn('records_json', 'text').execute()
}
