/**
 * Where a connected workspace keeps its server token: never in the workspace file. The desktop
 * app keeps it in the OS keychain (desktop/keychain.ts, through Electron's safeStorage); `govern`
 * keeps it in a file only its user may read, beside the workspace.
 */
export interface CredentialStore {
  /** The token kept for this workspace, or undefined when none is. */
  read(workspaceId: string): Promise<string | undefined>
  write(workspaceId: string, token: string): Promise<void>
  forget(workspaceId: string): Promise<void>
}
