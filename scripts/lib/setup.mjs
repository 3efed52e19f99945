// Set-up steps shared by `npm start` and `npm test`: each checks first and does only what is missing.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(join(root, 'package.json'))

export function say(line) {
  process.stdout.write(`» ${line}\n`)
}

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options })
    child.once('error', () => resolve(127))
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

export async function mustRun(label, command, args, options) {
  say(label)
  const code = await run(command, args, options)
  if (code !== 0) {
    process.stderr.write(`✖ ${label} failed (exit ${code})\n`)
    process.exit(code)
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/**
 * Installs dependencies when node_modules is missing or older than package-lock.json. The
 * Electron binary is never fetched here (its download is unreachable on some machines); see
 * ensureElectronRuntime for the separate, best-effort attempt.
 */
export async function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json')
  const lock = join(root, 'package-lock.json')
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs && existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
  if (fresh) return
  await mustRun('Installing dependencies (better-sqlite3 compiles from source: about a minute)', npm, ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    shell: process.platform === 'win32',
  })
}

/** The Electron executable, or undefined where no runtime is installed. */
export function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

/** One best-effort try to download the Electron runtime; false where it cannot be had. */
export function ensureElectronRuntime() {
  if (electronBinary()) return true
  const installer = join(root, 'node_modules', 'electron', 'install.js')
  if (!existsSync(installer)) return false
  const env = { ...process.env }
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
  spawnSync(process.execPath, [installer], { cwd: join(root, 'node_modules', 'electron'), env, stdio: 'ignore', timeout: 120_000 })
  return Boolean(electronBinary())
}

export function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
}

/**
 * better-sqlite3 is a native module: node_modules keeps the Node build (tests, `govern`), and the
 * desktop app loads a second build for Electron's ABI from .electron-native/, through
 * better-sqlite3's `nativeBinding` option. That build needs Electron's headers; where they cannot
 * be downloaded this returns false and the desktop app reports it.
 */
export async function ensureElectronSqlite() {
  const target = join(root, '.electron-native', 'better_sqlite3.node')
  if (existsSync(target)) return true
  const version = electronVersion()
  say(`Building better-sqlite3 for Electron ${version} (.electron-native/)`)
  const code = await run(process.execPath, [join(root, 'scripts', 'build-electron-sqlite.mjs'), version], { stdio: 'inherit' })
  return code === 0 && existsSync(target)
}
