/**
 * The token store of `govern` and of tests: a JSON file beside the workspace that only its owner
 * may read or write (mode 0600), never the workspace file itself. The desktop app keeps tokens in
 * the OS keychain instead (desktop/keychain.ts).
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises'
import type { CredentialStore } from './credentials'

export function credentialsFileFor(workspacePath: string): string {
  return `${workspacePath}.sync-token.json`
}

export class FileCredentialStore implements CredentialStore {
  constructor(private readonly file: string) {}

  async read(workspaceId: string): Promise<string | undefined> {
    return (await this.tokens())[workspaceId]
  }

  async write(workspaceId: string, token: string): Promise<void> {
    await this.save({ ...(await this.tokens()), [workspaceId]: token })
  }

  async forget(workspaceId: string): Promise<void> {
    const tokens = await this.tokens()
    delete tokens[workspaceId]
    await this.save(tokens)
  }

  private async tokens(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'))
      if (typeof parsed !== 'object' || parsed === null) return {}
      return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw error
    }
  }

  /** Written whole beside the old file and renamed over it, created readable by its owner only. */
  private async save(tokens: Record<string, string>): Promise<void> {
    const next = `${this.file}.${process.pid}.tmp`
    await writeFile(next, JSON.stringify(tokens), { mode: 0o600 })
    await chmod(next, 0o600)
    await rename(next, this.file)
  }
}
