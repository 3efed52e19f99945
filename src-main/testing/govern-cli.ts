/** `govern` run as its users run it, for tests: a process of its own, from the source through tsx. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export const REPO_ROOT = join(__dirname, '..', '..')
export const GOVERN_ENTRY = join(REPO_ROOT, 'src-main', 'cli', 'govern.ts')

export interface GovernRun {
  code: number | null
  out: string
  err: string
}

/** Runs `govern ...args` to its end; `env` replaces the environment when given. */
export function runGovern(args: readonly string[], env?: NodeJS.ProcessEnv): GovernRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', GOVERN_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', ...(env ? { env } : {}) })
  return { code: run.status, out: run.stdout, err: run.stderr }
}
