/**
 * The desktop app's audit signing keys: each workspace's Ed25519 key encrypted with the OS
 * keychain through Electron's safeStorage, in the app's own folder (userData/audit-keys), never in
 * the workspace. The public half and the newest signed heads sit beside it in the clear, where
 * `govern audit verify` finds them too (it uses the same folder by default).
 *
 * Opening the workspace never waits on the keychain: without one (Linux with no secret service),
 * the key is kept as a file only this user may read, as `govern` keeps its own; a key the keychain
 * can no longer decrypt (a reset keychain) is put aside and a new one made. Either way the new key
 * is named in the chain, and what the old one signed still verifies against its public half.
 */
import { join } from 'node:path'
import { createFileKeyStore, type AuditKeyStore } from '../engine/audit/key-store'
import { AUDIT_KEY_FOLDER } from '../engine/workspace/location'
import { keychainUnavailableReason, type SafeStorageCalls } from './keychain'

/** The keys in `folder`: the app's own (userData/audit-keys, see auditKeyFolder), or another where GOVERN_AUDIT_KEYS says. */
export function createAuditKeychain(safeStorage: SafeStorageCalls, folder: string, platform: NodeJS.Platform = process.platform, warn: (message: string) => void = console.warn): AuditKeyStore {
  const sealed = createFileKeyStore(folder, { kind: 'keychain', seal: (pem) => safeStorage.encryptString(pem), unseal: (bytes) => safeStorage.decryptString(bytes) })
  const plain = createFileKeyStore(folder)
  return {
    folder,
    publicKeys: (workspaceId) => sealed.publicKeys(workspaceId),
    heads: (workspaceId) => sealed.heads(workspaceId),
    keepHead: (workspaceId, head) => sealed.keepHead(workspaceId, head),
    async signingKey(workspaceId) {
      const unavailable = keychainUnavailableReason(safeStorage, platform)
      if (unavailable) {
        warn(`The audit signing key is kept as a file only you may read, in ${folder}, not in the keychain: ${unavailable}`)
        return plain.signingKey(workspaceId)
      }
      try {
        return await sealed.signingKey(workspaceId)
      } catch (error) {
        if (!(await sealed.holdsKey(workspaceId))) throw error
        warn(`The audit signing key kept for workspace ${workspaceId} cannot be read with this computer’s keychain (it was reset?); it is put aside, and a new key signs from now on`)
        await sealed.setKeyAside(workspaceId)
        return sealed.signingKey(workspaceId)
      }
    },
  }
}

/** userData/audit-keys, the folder `govern` uses by default too; GOVERN_AUDIT_KEYS names another, as it does for `govern`. */
export function auditKeyFolder(userDataPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.GOVERN_AUDIT_KEYS ?? join(userDataPath, AUDIT_KEY_FOLDER)
}
