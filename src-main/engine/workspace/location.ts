import { homedir } from 'node:os'
import { join } from 'node:path'

export const PRODUCT_NAME = 'Governance Console'
export const WORKSPACE_FILE = 'workspace.sqlite'

/**
 * Where the default workspace lives: the same folder Electron calls userData for this app, so the
 * desktop app and `govern` open the same file. GOVERN_WORKSPACE overrides it.
 */
export function defaultWorkspacePath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GOVERN_WORKSPACE) return env.GOVERN_WORKSPACE
  const home = homedir()
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(appData, PRODUCT_NAME, WORKSPACE_FILE)
}
