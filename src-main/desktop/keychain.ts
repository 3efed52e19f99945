/**
 * The desktop app's CredentialStore: each connected workspace's server token, encrypted with the
 * OS keychain through Electron's safeStorage and kept as a file only this user may read, in a
 * folder of the app's own (userData), never in the workspace file.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EngineError } from '../engine/errors'
import type { CredentialStore } from '../engine/sync/credentials'

/** The few calls of Electron's safeStorage this module makes. */
export interface SafeStorageCalls {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: which secret store backs the key; 'basic_text' means none does. */
  getSelectedStorageBackend?(): string
}

/**
 * The keychain cannot keep a token here, with what the person can do about it. An EngineError, so
 * its message reaches the person (in Settings, or as the sync's last error) rather than a generic one.
 */
export class KeychainUnavailableError extends EngineError {
  constructor(message: string) {
    super('internal', message)
    this.name = 'KeychainUnavailableError'
  }
}

/** A kept token that no longer decrypts: another user's keychain, a reset keychain, or an altered file. */
export class KeychainUnreadableError extends EngineError {
  constructor(message: string) {
    super('internal', message)
    this.name = 'KeychainUnreadableError'
  }
}

/** The folder under userData that holds the encrypted tokens. */
export const TOKEN_FOLDER = 'server-tokens'

const LINUX_ADVICE =
  'Start a secret service (GNOME Keyring or KWallet) and unlock it, or start the app with --password-store=gnome-libsecret (or kwallet5, kwallet6) if yours is not detected, then connect again.'

/** Why the keychain cannot protect a token now, or undefined when it can. */
export function keychainUnavailableReason(safeStorage: SafeStorageCalls, platform: NodeJS.Platform): string | undefined {
  // On Linux with no secret store, Chromium "encrypts" with a password written in its source:
  // as good as plain text, so it counts as no keychain at all.
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined
  if (backend === 'basic_text') return `This computer has no keychain to protect the server token: no secret service was found. ${LINUX_ADVICE}`
  if (safeStorage.isEncryptionAvailable()) return undefined
  if (platform === 'linux') return `The keychain is not available to protect the server token. ${LINUX_ADVICE}`
  if (platform === 'darwin') return 'The macOS Keychain is not available to protect the server token. Unlock your login keychain (Keychain Access), then connect again.'
  return 'The system’s credential protection is not available to protect the server token. Sign in to Windows as yourself (not a temporary profile), then connect again.'
}

/**
 * Tokens kept by workspace id. The file name is a digest of the id, so any id is a safe file
 * name and two workspaces never share a file.
 */
export function createKeychain(safeStorage: SafeStorageCalls, userDataPath: string, platform: NodeJS.Platform = process.platform): CredentialStore {
  const folder = join(userDataPath, TOKEN_FOLDER)
  const fileOf = (workspaceId: string) => join(folder, `${createHash('sha256').update(workspaceId).digest('hex').slice(0, 32)}.token`)

  const refuseWithoutKeychain = () => {
    const reason = keychainUnavailableReason(safeStorage, platform)
    if (reason) throw new KeychainUnavailableError(reason)
  }

  return {
    async read(workspaceId) {
      let encrypted: Buffer
      try {
        encrypted = await readFile(fileOf(workspaceId))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
      refuseWithoutKeychain()
      try {
        return safeStorage.decryptString(encrypted)
      } catch {
        throw new KeychainUnreadableError('The server token kept for this workspace cannot be read with this computer’s keychain (it was changed or reset). Disconnect, then connect again with a new token.')
      }
    },
    async write(workspaceId, token) {
      refuseWithoutKeychain()
      const encrypted = safeStorage.encryptString(token)
      await mkdir(folder, { recursive: true, mode: 0o700 })
      // Written whole under another name, then moved: a crash never leaves half a token.
      const file = fileOf(workspaceId)
      const partial = `${file}.partial`
      // A partial file left by a crash is replaced, not reused: the mode applies only to a new file.
      await rm(partial, { force: true })
      await writeFile(partial, encrypted, { mode: 0o600 })
      await rename(partial, file)
    },
    async forget(workspaceId) {
      await rm(fileOf(workspaceId), { force: true })
    },
  }
}
