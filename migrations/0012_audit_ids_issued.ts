import { sql, type Kysely } from 'kysely'
import type { MigrationDialect } from './dialect'

/**
 * The highest audit event id ever handed out, kept in the workspace itself. Event ids are given
 * explicitly, one after the last, so the chain check sees a removed newest event as a gap; SQLite
 * tracks that high-water mark for its AUTOINCREMENT tables, PostgreSQL does not (its sequences
 * advance outside transactions, and an explicit id does not move them). A trigger keeps it on
 * both, in the transaction that writes the event.
 */
export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await sql`CREATE TABLE audit_ids_issued (
    id ${dialect.type('INTEGER')} PRIMARY KEY CHECK (id = 1),
    highest_id ${dialect.type('INTEGER')} NOT NULL
  )`.execute(db)
  if (dialect.name === 'sqlite') {
    await sql`INSERT INTO audit_ids_issued (id, highest_id) SELECT 1, max(
        coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0),
        coalesce((SELECT max(id) FROM audit_events), 0))`.execute(db)
    await sql`CREATE TRIGGER audit_events_issue_id AFTER INSERT ON audit_events
    BEGIN UPDATE audit_ids_issued SET highest_id = max(highest_id, NEW.id); END`.execute(db)
  } else {
    await sql`INSERT INTO audit_ids_issued (id, highest_id) SELECT 1, coalesce(max(id), 0) FROM audit_events`.execute(db)
    await sql`CREATE OR REPLACE FUNCTION audit_events_issue_id() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE audit_ids_issued SET highest_id = greatest(highest_id, NEW.id); RETURN NEW; END $$`.execute(db)
    await sql`CREATE TRIGGER audit_events_issue_id AFTER INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_issue_id()`.execute(db)
  }
}
