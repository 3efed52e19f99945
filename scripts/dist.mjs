// `npm run dist`: installers with electron-builder, on the project's Node like everything else. It
// downloads Electron for each target, so where Electron's downloads cannot be reached it says so in
// one line before building anything, rather than failing later and less plainly.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDependencies, ensureProjectNode, mustRun, root, say } from './lib/setup.mjs'

await ensureProjectNode()
await ensureDependencies()

const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
const platform = process.platform === 'win32' ? 'win32' : process.platform
// Where @electron/get (electron-builder's downloader) looks, unless ELECTRON_MIRROR says otherwise.
const mirror = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/'
const archive = `${mirror}${mirror.endsWith('/') ? '' : '/'}v${version}/electron-v${version}-${platform}-${process.arch}.zip`

const reachable = await fetch(archive, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) }).then(
  (answer) => (answer.status < 400 ? undefined : `it answered ${answer.status}`),
  (error) => error.cause?.code ?? error.cause?.message ?? error.message,
)
if (reachable !== undefined) {
  process.stderr.write(`✖ npm run dist downloads Electron ${version} (${archive}), which cannot be reached from here (${reachable}); run it where Electron's downloads are reachable, or set ELECTRON_MIRROR.\n`)
  process.exit(1)
}

await mustRun('Building the console', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])
say(`Building installers with electron-builder (Electron ${version})`)
await mustRun('electron-builder', process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js')])
