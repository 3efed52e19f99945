// Set-up steps shared by `npm start` and `npm test`: each checks first and does only what is missing.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(join(root, 'package.json'))
const projectNode = require('./bin/project-node.js')

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
 * Makes sure the rest of the calling script runs on Node 24+. Where this Node is older, the pinned
 * LTS (.node-version) is fetched once from the npm registry into .runtime/, as the platform's
 * binary package, and the script is started again on it, with it first on PATH for every child;
 * this process then only waits for that one and ends as it ends. On Node 24+ it does nothing.
 * Scripts must therefore run on Node 20 up to this call, and call it before anything else.
 */
export async function ensureProjectNode() {
  if (projectNode.nodeIsCurrent()) {
    // Tools started through their `#!/usr/bin/env node` shims run on this same Node, even when it is not the first on PATH.
    process.env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`
    return
  }
  if (process.env.GOVERN_PROJECT_NODE) {
    process.stderr.write(`✖ Handed over to ${process.env.GOVERN_PROJECT_NODE}, but this is still Node ${process.versions.node}.\n`)
    process.exit(1)
  }
  const version = projectNode.pinnedVersion()
  let binary = projectNode.projectNodeBinary()
  if (!binary) {
    say(`This machine's Node ${process.versions.node} is older than 24: fetching Node ${version} from the npm registry into .runtime/ (once) and running everything on it.`)
    const spec = `${projectNode.platformPackage()}@${version}`
    await mustRun(`Installing ${spec} into .runtime/`, npm, ['install', '--prefix', projectNode.runtimeFolder, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec], {
      shell: process.platform === 'win32',
    })
    binary = projectNode.projectNodeBinary()
    if (!binary) {
      process.stderr.write(`✖ ${spec} installed, but no Node executable was found in ${projectNode.packageFolder()}.\n`)
      process.exit(1)
    }
  }
  projectNode.handOver(binary, [...process.execArgv, process.argv[1], ...process.argv.slice(2)])
  // Never resolves: the calling script goes on only in the child.
  await new Promise(() => undefined)
}

/**
 * Installs dependencies when node_modules is missing or older than package-lock.json. The
 * Electron binary is never fetched here (its download is unreachable on some machines); see
 * ensureElectronRuntime for the separate, best-effort attempt.
 */
export async function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json')
  const lock = join(root, 'package-lock.json')
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs
  if (fresh && betterSqliteLoads()) return
  await mustRun('Installing dependencies (npm ci)', npm, ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    shell: process.platform === 'win32',
  })
}

/** Whether node_modules' better-sqlite3 loads on this Node (a node_modules left by an older install may hold a build for another ABI). */
function betterSqliteLoads() {
  const probe = "new (require('better-sqlite3'))(':memory:').close()"
  return spawnSync(process.execPath, ['-e', probe], { cwd: root, stdio: 'ignore', timeout: 60_000 }).status === 0
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
