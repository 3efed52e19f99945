/**
 * Whether an open workspace can serve: its database answers a read, and the migrations applied to
 * it are exactly those this build knows. Opening migrates the file, but another program on the
 * same file (a newer console, say) may migrate it further while this one runs, and then this one
 * would read a schema it was not written for.
 */
export type NotReadyReason = 'closed' | 'database_unreachable' | 'migrations_behind' | 'migrations_ahead' | 'migrations_out_of_order'

export type WorkspaceReadiness = { ready: true } | { ready: false; reason: NotReadyReason; message: string }

export const WORKSPACE_CLOSED: WorkspaceReadiness = { ready: false, reason: 'closed', message: 'The workspace has been closed.' }

/** The migration names are left out of the messages: whoever asks learns no version to target. */
export function readinessOfMigrations(applied: readonly string[], known: readonly string[]): WorkspaceReadiness {
  if (applied.some((name) => !known.includes(name))) {
    return { ready: false, reason: 'migrations_ahead', message: 'A newer version of the console has upgraded the workspace; upgrade this server to serve it.' }
  }
  if (!applied.every((name, index) => known[index] === name)) {
    return { ready: false, reason: 'migrations_out_of_order', message: 'The workspace has migrations applied out of order; it cannot be served safely.' }
  }
  if (applied.length < known.length) {
    return { ready: false, reason: 'migrations_behind', message: 'The workspace lacks migrations this version applies when it opens a workspace; restart the server.' }
  }
  return { ready: true }
}

/** The read that shows the database answers is the one that lists the migrations applied. */
export async function readinessOfDatabase(appliedMigrations: () => Promise<string[]>, known: readonly string[]): Promise<WorkspaceReadiness> {
  let applied: string[]
  try {
    applied = await appliedMigrations()
  } catch (error) {
    return { ready: false, reason: 'database_unreachable', message: `The workspace database did not answer a read: ${(error as Error).message}` }
  }
  return readinessOfMigrations(applied, known)
}
