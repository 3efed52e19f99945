/** An application leaving the portfolio (retiring): out of compliance at once, its history kept. */
import type { Tx } from '../db/schema'
import { applyEvaluation } from './evaluator'

/**
 * Closes the application's open gaps at `at` and withdraws its statuses, in the caller's
 * transaction, rather than at the evaluator's next run: dashboards, counts and alerts leave it
 * from the moment it retires. The caller has already taken it out of the portfolio. Answers how
 * many gaps closed; they are not recorded one by one, the retirement's own event lists them.
 */
export async function withdrawFromCompliance(tx: Tx, at: string, applicationId: string): Promise<number> {
  const closed = await tx.updateTable('gaps').set({ resolved_at: at }).where('application_id', '=', applicationId).where('resolved_at', 'is', null).returning('id').execute()
  // The evaluator's own step: an application asked for and out of the portfolio keeps no status,
  // and the day's counts are recounted without it.
  await applyEvaluation(tx, at, [applicationId])
  return closed.length
}
