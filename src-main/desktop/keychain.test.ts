import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempFolder } from '../testing/workspace'
import { KeychainUnavailableError, KeychainUnreadableError, TOKEN_FOLDER, createKeychain, type SafeStorageCalls } from './keychain'

const folders: Array<ReturnType<typeof tempFolder>> = []
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()))

function userData(): string {
  const folder = tempFolder()
  folders.push(folder)
  return folder.path('userData')
}

/**
 * A fake safeStorage: a reversible scrambling with a key of its own and an authentication byte,
 * so that a file altered on disk, or written with another key, fails to decrypt as the real one does.
 */
function fakeSafeStorage(options: { available?: boolean; backend?: string; key?: number } = {}): SafeStorageCalls {
  const key = options.key ?? 0x5a
  const sum = (bytes: Uint8Array) => bytes.reduce((total, byte) => (total + byte) % 256, key)
  return {
    isEncryptionAvailable: () => options.available ?? true,
    encryptString(plainText) {
      const plain = Buffer.from(plainText, 'utf8')
      return Buffer.concat([Buffer.from('v10'), Buffer.from([sum(plain)]), Buffer.from(plain.map((byte) => byte ^ key))])
    },
    decryptString(encrypted) {
      if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      const plain = Buffer.from(encrypted.subarray(4).map((byte) => byte ^ key))
      if (encrypted[3] !== sum(plain)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return plain.toString('utf8')
    },
    ...(options.backend ? { getSelectedStorageBackend: () => options.backend! } : {}),
  }
}

const TOKEN = 'gov_3f9a1c0b7e2d4a5f'

describe('the desktop keychain for server tokens', () => {
  it('keeps a token encrypted in a file only this user may read, and reads it back', async () => {
    const path = userData()
    const keychain = createKeychain(fakeSafeStorage({ backend: 'gnome_libsecret' }), path, 'linux')
    await keychain.write('wks_1', TOKEN)
    expect(await keychain.read('wks_1')).toBe(TOKEN)

    const files = readdirSync(join(path, TOKEN_FOLDER))
    expect(files).toHaveLength(1)
    const file = join(path, TOKEN_FOLDER, files[0]!)
    expect(readFileSync(file).includes(Buffer.from(TOKEN))).toBe(false)
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(statSync(join(path, TOKEN_FOLDER)).mode & 0o077).toBe(0)
    }
  })

  it('answers undefined for a workspace that has no token kept', async () => {
    const keychain = createKeychain(fakeSafeStorage(), userData(), 'darwin')
    expect(await keychain.read('wks_never_connected')).toBeUndefined()
  })

  it('keeps two workspaces’ tokens apart, and forgets one without the other', async () => {
    const keychain = createKeychain(fakeSafeStorage(), userData(), 'win32')
    await keychain.write('wks_a', 'token-a')
    await keychain.write('wks_b', 'token-b')
    expect(await keychain.read('wks_a')).toBe('token-a')
    expect(await keychain.read('wks_b')).toBe('token-b')

    await keychain.forget('wks_a')
    expect(await keychain.read('wks_a')).toBeUndefined()
    expect(await keychain.read('wks_b')).toBe('token-b')
    // Forgetting what is not kept is no error: disconnecting twice is harmless.
    await keychain.forget('wks_a')
  })

  it('replaces a workspace’s token when it connects again', async () => {
    const keychain = createKeychain(fakeSafeStorage(), userData(), 'darwin')
    await keychain.write('wks_1', 'old-token')
    await keychain.write('wks_1', 'new-token')
    expect(await keychain.read('wks_1')).toBe('new-token')
  })

  it('gives any workspace id a safe file name of its own', async () => {
    const path = userData()
    const keychain = createKeychain(fakeSafeStorage(), path, 'darwin')
    await keychain.write('../../escape', 'token-1')
    await keychain.write('..\\escape', 'token-2')
    expect(readdirSync(join(path, TOKEN_FOLDER))).toHaveLength(2)
    expect(await keychain.read('../../escape')).toBe('token-1')
  })

  it('refuses a tampered file with a named error rather than a wrong token', async () => {
    const path = userData()
    const keychain = createKeychain(fakeSafeStorage(), path, 'darwin')
    await keychain.write('wks_1', TOKEN)
    const file = join(path, TOKEN_FOLDER, readdirSync(join(path, TOKEN_FOLDER))[0]!)
    const bytes = readFileSync(file)
    bytes[bytes.length - 1]! ^= 0x01
    writeFileSync(file, bytes)
    await expect(keychain.read('wks_1')).rejects.toThrow(KeychainUnreadableError)
    await expect(keychain.read('wks_1')).rejects.toThrow(/Disconnect, then connect again/)
  })

  it('refuses a token written with another keychain (another user, a reset keychain)', async () => {
    const path = userData()
    await createKeychain(fakeSafeStorage({ key: 1 }), path, 'darwin').write('wks_1', TOKEN)
    await expect(createKeychain(fakeSafeStorage({ key: 2 }), path, 'darwin').read('wks_1')).rejects.toThrow(KeychainUnreadableError)
  })

  it('refuses to keep a token when encryption is unavailable, saying what to do, and writes nothing', async () => {
    const path = userData()
    const keychain = createKeychain(fakeSafeStorage({ available: false }), path, 'darwin')
    await expect(keychain.write('wks_1', TOKEN)).rejects.toThrow(KeychainUnavailableError)
    await expect(keychain.write('wks_1', TOKEN)).rejects.toThrow(/Unlock your login keychain/)
    expect(() => readdirSync(join(path, TOKEN_FOLDER))).toThrow()
  })

  it('refuses Linux’s basic_text backend, which encrypts with a password anyone can read', async () => {
    const keychain = createKeychain(fakeSafeStorage({ available: true, backend: 'basic_text' }), userData(), 'linux')
    await expect(keychain.write('wks_1', TOKEN)).rejects.toThrow(KeychainUnavailableError)
    await expect(keychain.write('wks_1', TOKEN)).rejects.toThrow(/GNOME Keyring or KWallet.*--password-store/)
  })

  it('refuses to read a kept token once the keychain has gone, rather than answering none', async () => {
    const path = userData()
    await createKeychain(fakeSafeStorage(), path, 'linux').write('wks_1', TOKEN)
    await expect(createKeychain(fakeSafeStorage({ available: false }), path, 'linux').read('wks_1')).rejects.toThrow(KeychainUnavailableError)
  })
})
