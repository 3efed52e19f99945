import { userInfo } from 'node:os'
import type { Actor } from '../../../src-shared/domain/common'

/** The person at this computer: the workspace owner, an org admin of their local workspace. */
export function workspaceOwner(): Actor {
  let name = 'Workspace owner'
  try {
    name = userInfo().username || name
  } catch {
    // Some sandboxes have no passwd entry for the user; the generic name will do.
  }
  return { id: 'owner', name, role: 'org_admin' }
}
