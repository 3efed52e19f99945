// Builds better-sqlite3 against Electron's headers into .electron-native/better_sqlite3.node,
// leaving node_modules' Node build alone. Usage: node scripts/build-electron-sqlite.mjs <electron-version>
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { root } from './lib/setup.mjs'

const version = process.argv[2]
if (!version) {
  process.stderr.write('usage: node scripts/build-electron-sqlite.mjs <electron-version>\n')
  process.exit(2)
}
const require = createRequire(join(root, 'package.json'))
const source = join(require.resolve('better-sqlite3/package.json'), '..')
const work = join(root, '.electron-native', 'build')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${join(source, 'build')}`) })

const nodeGyp = join(require.resolve('node-gyp/package.json'), '..', 'bin', 'node-gyp.js')
const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: version, npm_config_disturl: 'https://electronjs.org/headers' }
delete env.npm_config_nodedir // a nodedir pointing at Node's headers would build for Node, not Electron
const build = spawnSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers', '--nodedir='],
  { cwd: work, env, stdio: 'inherit', timeout: 600_000 },
)
if (build.status !== 0) {
  process.stderr.write('Could not build better-sqlite3 for Electron (Electron headers unreachable?).\n')
  process.exit(1)
}
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(root, '.electron-native', 'better_sqlite3.node'))
rmSync(work, { recursive: true, force: true })
