/** Reading a PDF back as text, for tests: pdf.js (Mozilla's), the legacy build that runs on Node. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

/**
 * Each page's text, runs joined by spaces; pdfkit writes a word broken after a hyphen or slash as
 * two runs, which read back as one word.
 */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  // pdf.js 5 dropped isEvalSupported (fonts are no longer compiled with eval) and moved destroy() to the loading task.
  const task = getDocument({ data: new Uint8Array(pdf), useSystemFonts: false })
  const document = await task.promise
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' ').replace(/\s+/g, ' ').replace(/([-/]) /g, '$1'))
  }
  await task.destroy()
  return pages
}
