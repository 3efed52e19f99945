import type { Kysely } from 'kysely'

/**
 * An application is retired rather than deleted: it leaves lists, coverage and compliance from the
 * moment it retires, and everything that names it (the audit trail, its gaps, its data) stays.
 * Each retirement is kept with its end, so the compliance of any past moment knows whether the
 * application was in the portfolio then, and with the coverage it left, so reinstating it resumes
 * each policy where it stood (an undone retirement grants no new grace period).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('retired_at', 'text').execute()
  await db.schema
    .createTable('application_retirements')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('retired_at', 'text', (c) => c.notNull())
    .addColumn('reinstated_at', 'text')
    .addColumn('coverage_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
  await db.schema.createIndex('application_retirements_by_application').on('application_retirements').columns(['application_id', 'retired_at']).execute()
}
