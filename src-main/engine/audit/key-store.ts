/**
 * Where a workspace's audit signing key lives: never in the workspace, but in a folder of the
 * user's own (by default the console's folder in the user's config directory), one set of files
 * per workspace id. The shell decides how the private key is sealed: `govern` keeps it as a file
 * only its user may read (0600), the desktop app encrypts it with the OS keychain
 * (desktop/audit-keychain.ts). The public half and the newest signed heads are kept in the clear
 * beside it, so `govern audit verify` can check a workspace the desktop app signs.
 */
import { createHash, randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newSigningKey, publicKeyOf, SignedCheckpoint } from './checkpoint'

export interface AuditKeyStore {
  /** The folder the keys are kept in: named in messages, and read by a worker thread for the heads and public keys. */
  readonly folder: string
  /** The workspace's private key (PKCS#8 PEM), made and kept on first use. */
  signingKey(workspaceId: string): Promise<string>
  /** The public halves of every key kept here for the workspace (base64 raw), whoever keeps them; never makes one. */
  publicKeys(workspaceId: string): Promise<string[]>
  /** The newest signed head kept here for each chain of the workspace. */
  heads(workspaceId: string): Promise<SignedCheckpoint[]>
  /** Keeps `head` as its chain's newest, unless a newer one is kept already. */
  keepHead(workspaceId: string, head: SignedCheckpoint): Promise<void>
}

/** How the private key is kept on disk: as it is, or encrypted (the OS keychain). */
export interface KeySealing {
  /** Names the kind of file, so a desktop's and `govern`'s keys for one workspace sit side by side. */
  kind: string
  seal(pem: string): Buffer
  unseal(sealed: Buffer): string
}

const PLAIN: KeySealing = { kind: 'file', seal: (pem) => Buffer.from(pem), unseal: (sealed) => sealed.toString('utf8') }

/** A key store in a folder, and what a shell that seals keys needs besides. */
export interface FileKeyStore extends AuditKeyStore {
  /** Whether a key of this store's kind is kept for the workspace. */
  holdsKey(workspaceId: string): Promise<boolean>
  /** Puts a key that can no longer be unsealed aside (its public half stays, so what it signed still verifies); the next signingKey() makes a new one. */
  setKeyAside(workspaceId: string): Promise<void>
}

export function createFileKeyStore(folder: string, sealing: KeySealing = PLAIN): FileKeyStore {
  const stem = (workspaceId: string) => createHash('sha256').update(workspaceId).digest('hex').slice(0, 32)
  const keyFile = (workspaceId: string) => join(folder, `${stem(workspaceId)}.${sealing.kind}.key`)
  const publicFile = (workspaceId: string) => join(folder, `${stem(workspaceId)}.${sealing.kind}.pub`)
  const headsFile = (workspaceId: string) => join(folder, `${stem(workspaceId)}.heads.json`)

  const readHeads = async (workspaceId: string): Promise<Record<string, SignedCheckpoint>> => {
    const text = await readIfThere(headsFile(workspaceId))
    if (text === undefined) return {}
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      const heads: Record<string, SignedCheckpoint> = {}
      for (const [chain, value] of Object.entries(parsed)) {
        const head = SignedCheckpoint.safeParse(value)
        if (head.success && head.data.chain === chain) heads[chain] = head.data
      }
      return heads
    } catch {
      return {}
    }
  }

  return {
    folder,
    holdsKey: async (workspaceId) => (await readIfThere(keyFile(workspaceId), null)) !== undefined,
    async setKeyAside(workspaceId) {
      const stamp = new Date().toISOString().replaceAll(':', '-')
      await rename(keyFile(workspaceId), `${keyFile(workspaceId)}.unreadable-${stamp}`)
      await rename(publicFile(workspaceId), `${keyFile(workspaceId)}.unreadable-${stamp}.pub`)
    },
    async signingKey(workspaceId) {
      const file = keyFile(workspaceId)
      let sealed = await readIfThere(file, null)
      if (sealed === undefined) {
        await mkdir(folder, { recursive: true, mode: 0o700 })
        // Made under a name of its own, then linked into place: two processes opening the same
        // new workspace at once end with one key, the first linked, and neither reads half a file.
        const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`
        await writeFile(partial, sealing.seal(newSigningKey()), { mode: 0o600 })
        await chmod(partial, 0o600)
        try {
          await link(partial, file)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        } finally {
          await rm(partial, { force: true })
        }
        sealed = (await readIfThere(file, null))!
      }
      const pem = sealing.unseal(sealed)
      const publicKey = publicKeyOf(pem)
      if ((await readIfThere(publicFile(workspaceId))) !== publicKey) await replaceFile(publicFile(workspaceId), publicKey)
      return pem
    },
    async publicKeys(workspaceId) {
      const prefix = `${stem(workspaceId)}.`
      let names: string[]
      try {
        names = await readdir(folder)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const keys: string[] = []
      for (const name of names.filter((entry) => entry.startsWith(prefix) && entry.endsWith('.pub')).sort()) {
        const key = (await readIfThere(join(folder, name)))?.trim()
        if (key && /^[A-Za-z0-9+/]{43}=$/.test(key)) keys.push(key)
      }
      return keys
    },
    async heads(workspaceId) {
      return Object.values(await readHeads(workspaceId))
    },
    async keepHead(workspaceId, head) {
      const heads = await readHeads(workspaceId)
      if ((heads[head.chain]?.event_id ?? -1) > head.event_id) return
      heads[head.chain] = head
      await mkdir(folder, { recursive: true, mode: 0o700 })
      await replaceFile(headsFile(workspaceId), JSON.stringify(heads))
    },
  }
}

async function readIfThere(file: string): Promise<string | undefined>
async function readIfThere(file: string, encoding: null): Promise<Buffer | undefined>
async function readIfThere(file: string, encoding: 'utf8' | null = 'utf8'): Promise<string | Buffer | undefined> {
  try {
    return encoding === null ? await readFile(file) : await readFile(file, encoding)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Written whole under another name and moved over the old: a reader never sees half of it. */
async function replaceFile(file: string, text: string): Promise<void> {
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`
  await writeFile(partial, text, { mode: 0o600 })
  await rename(partial, file)
}
