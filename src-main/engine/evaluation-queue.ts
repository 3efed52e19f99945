/**
 * Which applications await evaluation. Mutations add to it in their own transaction, so a change
 * is never committed without its re-evaluation being owed; the evaluator drains it.
 */
import { chunks, rowsPerInsert } from './batch'
import type { Db, Tx } from './db/schema'

export async function queueEvaluation(tx: Tx, now: string, applicationIds: readonly string[]): Promise<void> {
  for (const slice of chunks([...new Set(applicationIds)], rowsPerInsert(2))) {
    await tx
      .insertInto('evaluation_queue')
      .values(slice.map((application_id) => ({ application_id, queued_at: now })))
      .onConflict((oc) => oc.column('application_id').doNothing())
      .execute()
  }
}

/** Whether anything (or, given an id, that application) awaits evaluation. */
export async function isQueued(db: Db, applicationId?: string): Promise<boolean> {
  let query = db.selectFrom('evaluation_queue').select('application_id')
  if (applicationId) query = query.where('application_id', '=', applicationId)
  return (await query.limit(1).executeTakeFirst()) !== undefined
}

export async function queuedApplications(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('evaluation_queue').select('application_id').execute()
  return rows.map((row) => row.application_id)
}

export async function clearQueued(tx: Tx, applicationIds: readonly string[]): Promise<void> {
  for (const slice of chunks(applicationIds, 5000)) await tx.deleteFrom('evaluation_queue').where('application_id', 'in', slice).execute()
}
