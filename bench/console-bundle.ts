/**
 * How much JavaScript the console makes a person download before the first screen, read from the
 * build (out/renderer): the entry script and the chunks index.html preloads (Vite lists every
 * static import of the entry there), gzipped and raw; then each chunk loaded later, on demand. Target: initial
 * JavaScript ≤ 400 KB gzipped. Run `npx electron-vite build` first, then `tsx bench/console-bundle.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { gzipSync } from 'node:zlib'

const INITIAL_TARGET_GZIP = 400 * 1024

export interface ChunkSize {
  file: string
  raw: number
  gzip: number
}

export interface BundleReport {
  initial: ChunkSize[]
  lazy: ChunkSize[]
  css: ChunkSize[]
}

function sizeOf(folder: string, file: string): ChunkSize {
  const bytes = readFileSync(join(folder, file))
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

/** The `src`/`href` of module scripts and modulepreload links, relative to the folder. */
function scriptsOf(html: string): string[] {
  const found: string[] = []
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isModuleScript = tag.startsWith('<script') && /type="module"/.test(tag)
    const isPreload = tag.startsWith('<link') && /rel="modulepreload"/.test(tag)
    const url = /(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if ((isModuleScript || isPreload) && url) found.push(posix.normalize(url))
  }
  return found
}

export function measureBundle(folder: string): BundleReport {
  const html = readFileSync(join(folder, 'index.html'), 'utf8')
  const initial = new Set(scriptsOf(html))
  const assets = readdirSync(join(folder, 'assets')).map((name) => posix.join('assets', name))
  const bySize = (a: ChunkSize, b: ChunkSize) => b.gzip - a.gzip
  return {
    initial: [...initial].map((file) => sizeOf(folder, file)).sort(bySize),
    lazy: assets.filter((file) => file.endsWith('.js') && !initial.has(file)).map((file) => sizeOf(folder, file)).sort(bySize),
    css: assets.filter((file) => file.endsWith('.css')).map((file) => sizeOf(folder, file)).sort(bySize),
  }
}

export const total = (chunks: readonly ChunkSize[]) => ({ raw: chunks.reduce((n, c) => n + c.raw, 0), gzip: chunks.reduce((n, c) => n + c.gzip, 0) })
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

function main(): void {
  const folder = join(__dirname, '..', 'out', 'renderer')
  if (!existsSync(join(folder, 'index.html'))) {
    console.error('No build in out/renderer: run `npx electron-vite build` first.')
    process.exit(1)
  }
  const report = measureBundle(folder)
  const initial = total(report.initial)
  const line = (chunk: ChunkSize) => `  ${chunk.file.padEnd(44)} ${kb(chunk.gzip).padStart(10)} gzipped ${kb(chunk.raw).padStart(10)} raw`
  console.log(`initial JavaScript: ${kb(initial.gzip)} gzipped, ${kb(initial.raw)} raw, in ${report.initial.length} files (target ≤ ${kb(INITIAL_TARGET_GZIP)} gzipped) ${initial.gzip <= INITIAL_TARGET_GZIP ? 'PASS' : 'MISS'}`)
  report.initial.forEach((chunk) => console.log(line(chunk)))
  const lazy = total(report.lazy)
  console.log(`loaded on demand: ${report.lazy.length} chunks, ${kb(lazy.gzip)} gzipped, ${kb(lazy.raw)} raw`)
  report.lazy.forEach((chunk) => console.log(line(chunk)))
  console.log('stylesheets:')
  report.css.forEach((chunk) => console.log(line(chunk)))
}

if (require.main === module) main()
