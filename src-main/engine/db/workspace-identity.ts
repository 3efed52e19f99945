/** The workspace's own id (`ws_…`), set once when the workspace was created or upgraded: audit packages name it. */
import type { Db } from './schema'

export async function workspaceId(db: Db): Promise<string> {
  const row = await db.selectFrom('workspace_identity').select('id').executeTakeFirstOrThrow()
  return row.id
}
