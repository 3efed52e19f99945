import type { Kysely } from 'kysely'

/**
 * Several processes may open one workspace (the desktop app, `govern serve`, `govern import`).
 * An alert is claimed for a while by the process sending it, so two never send it twice; and a
 * write too long to hold the write lock in one go (loading the sample workspace) runs as a task
 * of short steps, whose progress is saved with each step so it resumes after a crash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('claimed_until', 'text').execute()
  await db.schema
    .createTable('resumable_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('actor_json', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute()
}
