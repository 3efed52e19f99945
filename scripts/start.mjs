// `npm start`: installs what is missing, builds, and opens the console on the default workspace:
// the desktop app where an Electron runtime exists, otherwise the same console in the browser.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { electronBinary, ensureDependencies, ensureElectronRuntime, ensureProjectNode, mustRun, root, say } from './lib/setup.mjs'

await ensureProjectNode()
await ensureDependencies()
await mustRun('Building the console', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])

if (ensureElectronRuntime()) {
  say('Opening the desktop console')
  const child = spawn(electronBinary(), [root], { cwd: root, stdio: 'inherit' })
  child.once('exit', (code) => process.exit(code ?? 0))
} else {
  say('No Electron runtime here (its download is unreachable); opening the console in your browser through `govern serve` instead.')
  const serve = spawn(process.execPath, [join(root, 'bin', 'govern.js'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] })
  let opened = false
  serve.stdout.on('data', (chunk) => {
    process.stdout.write(chunk)
    const link = /(http:\/\/\S+\/\?token=\S+)/.exec(chunk.toString())?.[1]
    if (link && !opened) {
      opened = true
      openInBrowser(link)
    }
  })
  serve.once('exit', (code) => process.exit(code ?? 0))
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => serve.kill(signal))
}

/** Best effort: a desktop session gets a browser tab; a headless machine just has the printed link. */
function openInBrowser(url) {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true })
  child.once('error', () => undefined)
  child.unref()
}
