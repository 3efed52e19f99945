/**
 * The fonts PDF reports are set in, shipped in `resources/fonts` (DejaVu Sans Condensed, see its
 * licence there) and never fetched: found from the source tree (tsx, tests) and from the built
 * bundles in out/main, whose chunks may sit a folder deeper.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export const REPORT_FONT = 'DejaVuSansCondensed'
const REGULAR = 'DejaVuSansCondensed.ttf'
const BOLD = 'DejaVuSansCondensed-Bold.ttf'

/** The folder holding the fonts: the first `resources/fonts` found walking up from this module. */
export function reportFontsFolder(start: string = __dirname): string {
  let folder = resolve(start)
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(folder, 'resources', 'fonts')
    if (existsSync(join(candidate, REGULAR))) return candidate
    const parent = dirname(folder)
    if (parent === folder) break
    folder = parent
  }
  throw new Error(`The report fonts (resources/fonts/${REGULAR}) are missing above ${start}; reinstall the console.`)
}

/** pdfmake's font table: italics are never used, and fall back to the upright faces. */
export function reportFontFiles(folder: string = reportFontsFolder()): { normal: string; bold: string; italics: string; bolditalics: string } {
  return { normal: join(folder, REGULAR), bold: join(folder, BOLD), italics: join(folder, REGULAR), bolditalics: join(folder, BOLD) }
}
