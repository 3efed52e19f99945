import { homedir } from 'node:os'
import { join } from 'node:path'

export const PRODUCT_NAME = 'Governance Console'
export const WORKSPACE_FILE = 'workspace.sqlite'
/** The folder, beside the default workspace, that holds each workspace's audit signing key (audit/key-store.ts). */
export const AUDIT_KEY_FOLDER = 'audit-keys'

/** The console's folder in the user's config directory: the same folder Electron calls userData for this app. */
function consoleFolder(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = homedir()
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(appData, PRODUCT_NAME)
}

/**
 * Where the default workspace lives: the same folder Electron calls userData for this app, so the
 * desktop app and `govern` open the same file. GOVERN_WORKSPACE overrides it.
 */
export function defaultWorkspacePath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GOVERN_WORKSPACE) return env.GOVERN_WORKSPACE
  return join(consoleFolder(env, platform), WORKSPACE_FILE)
}

/**
 * Where audit signing keys are kept: in the user's config directory, whatever folder the
 * workspace is in, so someone given a copy of the workspace's folder has no key with it.
 * GOVERN_AUDIT_KEYS overrides it; the desktop app uses the same folder (its userData).
 */
export function defaultAuditKeyFolder(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GOVERN_AUDIT_KEYS) return env.GOVERN_AUDIT_KEYS
  return join(consoleFolder(env, platform), AUDIT_KEY_FOLDER)
}
