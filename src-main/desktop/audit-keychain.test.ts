import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { publicKeyOf, signatureHolds, signerFor } from '../engine/audit/checkpoint'
import { createFileKeyStore } from '../engine/audit/key-store'
import { tempFolder } from '../testing/workspace'
import { auditKeyFolder, createAuditKeychain } from './audit-keychain'
import type { SafeStorageCalls } from './keychain'

const folders: Array<ReturnType<typeof tempFolder>> = []
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()))

function userData(): string {
  const folder = tempFolder()
  folders.push(folder)
  return folder.path('userData')
}

/** A fake safeStorage: a reversible scrambling with a key of its own and a check byte, so text written with another key fails to decrypt, as with the real one. */
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
      const plain = Buffer.from(encrypted.subarray(4).map((byte) => byte ^ key))
      if (encrypted.subarray(0, 3).toString() !== 'v10' || encrypted[3] !== sum(plain)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return plain.toString('utf8')
    },
    ...(options.backend ? { getSelectedStorageBackend: () => options.backend! } : {}),
  }
}

const filesIn = (folder: string) => readdirSync(folder).sort()

describe('the desktop’s audit signing keys', () => {
  it('keeps each workspace’s key encrypted with the keychain, only this user may read it, and gives the same key again', async () => {
    const path = userData()
    const keys = createAuditKeychain(fakeSafeStorage({ backend: 'gnome_libsecret' }), auditKeyFolder(path, {}), 'linux', () => undefined)
    const pem = await keys.signingKey('ws_one')
    expect(pem).toContain('BEGIN PRIVATE KEY')
    expect(await keys.signingKey('ws_one')).toBe(pem)
    expect(await keys.signingKey('ws_two')).not.toBe(pem)

    const folder = join(path, 'audit-keys')
    const keyFiles = filesIn(folder).filter((name) => name.endsWith('.keychain.key'))
    expect(keyFiles).toHaveLength(2)
    for (const name of keyFiles) {
      expect(readFileSync(join(folder, name)).includes(Buffer.from('PRIVATE KEY'))).toBe(false)
      if (process.platform !== 'win32') expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600)
    }
    if (process.platform !== 'win32') expect(statSync(folder).mode & 0o077).toBe(0)
    // The public half is kept in the clear, where govern finds it without the keychain.
    expect(await createFileKeyStore(folder).publicKeys('ws_one')).toEqual([publicKeyOf(pem)])
    expect(await keys.publicKeys('ws_one')).toEqual([publicKeyOf(pem)])
  })

  it('keeps the key as a file only this user may read when the computer has no keychain, and says so', async () => {
    const path = userData()
    const warnings: string[] = []
    const keys = createAuditKeychain(fakeSafeStorage({ backend: 'basic_text' }), auditKeyFolder(path, {}), 'linux', (message) => warnings.push(message))
    const pem = await keys.signingKey('ws_one')
    const folder = join(path, 'audit-keys')
    const [keyFile] = filesIn(folder).filter((name) => name.endsWith('.file.key'))
    expect(readFileSync(join(folder, keyFile!), 'utf8')).toBe(pem)
    if (process.platform !== 'win32') expect(statSync(join(folder, keyFile!)).mode & 0o777).toBe(0o600)
    expect(warnings).toEqual([expect.stringContaining('not in the keychain: This computer has no keychain')])
  })

  it('puts aside a key the keychain no longer decrypts and signs with a new one, the old one’s signatures still checked against its public half', async () => {
    const path = userData()
    const before = createAuditKeychain(fakeSafeStorage({ key: 0x11 }), auditKeyFolder(path, {}), 'darwin', () => undefined)
    const old = signerFor(await before.signingKey('ws_one'))
    const signed = old.sign({ chain: 'ws_one', event_id: 3, hash: 'ab'.repeat(32), at: '2026-03-01T10:00:00.000Z' })

    const warnings: string[] = []
    const reset = createAuditKeychain(fakeSafeStorage({ key: 0x22 }), auditKeyFolder(path, {}), 'darwin', (message) => warnings.push(message))
    const renewed = signerFor(await reset.signingKey('ws_one'))
    expect(renewed.publicKey).not.toBe(old.publicKey)
    expect(warnings).toEqual([expect.stringContaining('cannot be read with this computer’s keychain')])
    expect(filesIn(join(path, 'audit-keys')).some((name) => name.includes('.unreadable-'))).toBe(true)
    expect((await reset.publicKeys('ws_one')).sort()).toEqual([old.publicKey, renewed.publicKey].sort())
    expect(signatureHolds(signed)).toBe(true)
  })

  it('keeps the newest signed head of each chain beside the key, never an older one over it', async () => {
    const keys = createAuditKeychain(fakeSafeStorage(), auditKeyFolder(userData(), {}), 'darwin', () => undefined)
    const signer = signerFor(await keys.signingKey('ws_one'))
    const head = (event_id: number) => signer.sign({ chain: 'ws_one', event_id, hash: 'ab'.repeat(32), at: '2026-03-01T10:00:00.000Z' })
    await keys.keepHead('ws_one', head(7))
    await keys.keepHead('ws_one', head(5))
    expect((await keys.heads('ws_one')).map((kept) => kept.event_id)).toEqual([7])
    await keys.keepHead('ws_one', head(9))
    expect((await keys.heads('ws_one')).map((kept) => kept.event_id)).toEqual([9])
  })

  it('keeps them where GOVERN_AUDIT_KEYS says, as govern does, else in the app’s own folder', () => {
    expect(auditKeyFolder('/home/ana/.config/Governance Console', {})).toBe(join('/home/ana/.config/Governance Console', 'audit-keys'))
    expect(auditKeyFolder('/home/ana/.config/Governance Console', { GOVERN_AUDIT_KEYS: '/secrets/audit-keys' })).toBe('/secrets/audit-keys')
  })

  it('makes one key when two processes open a new workspace at once', async () => {
    const path = userData()
    const folder = join(path, 'audit-keys')
    const stores = [createFileKeyStore(folder), createFileKeyStore(folder), createFileKeyStore(folder)]
    const keys = await Promise.all(stores.map((store) => store.signingKey('ws_new')))
    expect(new Set(keys).size).toBe(1)
    expect(filesIn(folder).filter((name) => name.includes('.partial'))).toEqual([])
    writeFileSync(join(folder, 'unrelated.txt'), 'x')
    expect(await stores[0]!.publicKeys('ws_new')).toEqual([publicKeyOf(keys[0]!)])
  })
})
