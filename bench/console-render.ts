/**
 * How fast the console is in a browser on a large portfolio: `govern serve` (the build) on a
 * workspace of 5,000 applications under the four templates, driven in Debian's Chromium. Prints,
 * each the median of several runs and its ratio to a bare baseline measured in the same run:
 *   - navigation to the Applications table with its first rows painted (target ≤ 500 ms), and
 *   - navigation to the Dashboard with its status cards and charts painted (target ≤ 500 ms),
 *     both against navigation to a static page served by the same server;
 *   - a filter keystroke in the Applications search until the table shows the engine's answer
 *     (target ≤ 50 ms), against a keystroke in a plain input;
 * and the JavaScript loaded before the first screen. Needs a build (`npx electron-vite build`).
 * Run with `tsx bench/console-render.ts` (part of `npm run bench`).
 */
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { startGovernServe } from '../e2e/govern-server'
import { kb, measureBundle, total } from './console-bundle'
import { buildLargePortfolio } from './console-workspace'

const APPLICATIONS = 5000
const NAVIGATION_RUNS = 7
const SEARCH = 'claims triage 12'
const root = join(__dirname, '..')
const renderer = join(root, 'out', 'renderer')

/**
 * The bare baseline: the same server sending a static page as big as a screenful of the table
 * (and a plain input), with no script. Served from the build's assets folder for the run only.
 */
const BASELINE_FILE = join(renderer, 'assets', 'bench-baseline.html')
const BASELINE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Baseline</title></head><body>
<h1>Applications</h1><input aria-label="Search"><table>${Array.from({ length: 30 }, (_, i) => `<tr data-testid="baseline-row"><td>Application ${i}</td><td>app_${i}</td><td>Claims</td><td>production</td></tr>`).join('')}</table></body></html>`

/**
 * Installed in every page before its own scripts: `benchPaintedWhen(test)` resolves with the time
 * (ms since navigation start) of the first frame painted after `test()` holds, checked after each
 * DOM change. "Painted" is a message posted from requestAnimationFrame, which runs after the frame.
 */
const PAGE_HELPERS = `
// tsx compiles this file keeping function names, which wraps named functions in the page functions
// below in __name(); the page has no such helper.
window.__name = window.__name || ((fn) => fn)
window.benchAfterNextPaint = () => new Promise((resolve) => requestAnimationFrame(() => { const channel = new MessageChannel(); channel.port1.onmessage = () => resolve(performance.now()); channel.port2.postMessage(null) }))
window.benchPaintedWhen = (test) => new Promise((resolve) => {
  const check = () => { if (!test()) return false; observer.disconnect(); window.benchAfterNextPaint().then(resolve); return true }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true })
  check()
})
/** Every chart on the page has drawn something (echarts draws on the frame after it gets its data). */
window.benchChartsDrawn = () => {
  const canvases = [...document.querySelectorAll('main [role="img"] canvas')]
  return canvases.length > 0 && canvases.every((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
    for (let i = 3; i < data.length; i += 4 * 97) if (data[i] !== 0) return true
    return false
  })
}
`

declare global {
  interface Window {
    benchAfterNextPaint(): Promise<number>
    benchPaintedWhen(test: () => boolean): Promise<number>
    benchChartsDrawn(): boolean
    /** The keystroke being measured: ms from its keydown to the frame showing its effect. */
    benchKeystroke: Promise<number>
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** A fresh document at `url`; resolves with `waitFor`'s answer in that document. */
async function navigate(page: Page, url: string, waitFor: () => Promise<number>): Promise<number> {
  await page.goto('about:blank')
  await page.goto(url, { waitUntil: 'commit' })
  return page.evaluate(waitFor)
}

/**
 * Waits until the page has no call in flight for a moment (statuses and charts are still being
 * answered after the first rows show), so one run's work does not slow the next.
 */
async function settle(page: Page, callsInFlight: () => number): Promise<void> {
  for (let quiet = 0; quiet < 3; ) {
    await page.waitForTimeout(100)
    quiet = callsInFlight() === 0 ? quiet + 1 : 0
  }
}

const applicationsTable = () => window.benchPaintedWhen(() => document.querySelector('[data-testid="application-row"]') !== null)
// Cards with their counts, and the charts drawn (the trend and the per-policy bars).
const dashboard = () =>
  window.benchPaintedWhen(() => document.querySelectorAll('[data-testid^="status-count-"]').length === 5 && window.benchChartsDrawn())
const baselineTable = () => window.benchPaintedWhen(() => document.querySelector('[data-testid="baseline-row"]') !== null)

/**
 * Types `text` into the focused field a key at a time; for each key, ms from its keydown event to
 * the first frame painted once the key's effect shows: `'table'`, the Applications table answers
 * the field's new value (its `data-rows-search`); `'field'`, the field itself shows it.
 */
async function keystrokes(page: Page, text: string, until: 'table' | 'field'): Promise<number[]> {
  const times: number[] = []
  for (const key of text) {
    // Armed before the key is pressed, and awaited after: the listener must be in place first.
    await page.evaluate((waitFor) => {
      window.benchKeystroke = new Promise<number>((resolve) => {
        const field = document.activeElement as HTMLInputElement
        field.addEventListener(
          'keydown',
          (event) => {
            const start = event.timeStamp
            // The field holds the new value from the key's input event on.
            field.addEventListener(
              'input',
              () =>
                void window
                  .benchPaintedWhen(() => waitFor === 'field' || document.querySelector('[data-rows-search]')?.getAttribute('data-rows-search') === field.value)
                  .then((end) => resolve(end - start)),
              { once: true },
            )
          },
          { once: true },
        )
      })
    }, until)
    await page.keyboard.press(key === ' ' ? 'Space' : key)
    times.push(await page.evaluate(() => window.benchKeystroke))
    // A pause as between a person's keys, long enough for each answer to land before the next key.
    await page.waitForTimeout(200)
  }
  return times
}

/** Console calls in flight, so a run can wait for the last one's to finish before the next starts. */
function trackCalls(page: Page): () => number {
  const inFlight = new Set<unknown>()
  const isCall = (url: string) => url.includes('/rpc/')
  page.on('request', (request) => isCall(request.url()) && inFlight.add(request))
  page.on('requestfinished', (request) => inFlight.delete(request))
  page.on('requestfailed', (request) => inFlight.delete(request))
  return () => inFlight.size
}

async function main(): Promise<void> {
  if (!existsSync(join(renderer, 'index.html')) || !existsSync(join(root, 'out', 'main', 'cli.js'))) {
    console.error('No build: run `npx electron-vite build` first.')
    process.exit(1)
  }
  const bundle = measureBundle(renderer)
  const initial = total(bundle.initial)

  const folder = mkdtempSync(join(tmpdir(), 'govern-bench-console-'))
  // BENCH_WORKSPACE=file reuses a workspace this bench built before (building takes half a minute).
  const file = process.env.BENCH_WORKSPACE ?? join(folder, 'console.sqlite')
  const started = Date.now()
  if (!process.env.BENCH_WORKSPACE) await buildLargePortfolio(file, APPLICATIONS)
  const builtIn = Date.now() - started

  writeFileSync(BASELINE_FILE, BASELINE_PAGE)
  const server = await startGovernServe(file)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Headless by our own flag, not Playwright's: with both, page.evaluate never returned in this Chromium.
    headless: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.addInitScript(PAGE_HELPERS)
    const calls = trackCalls(page)
    await page.goto(server.loginUrl)
    // A first visit of each, unmeasured: the server's start-up evaluation and cold caches.
    await navigate(page, `${server.origin}/#/applications`, applicationsTable)
    await settle(page, calls)
    await navigate(page, `${server.origin}/#/dashboard`, dashboard)
    await settle(page, calls)

    const times = { applications: [] as number[], dashboard: [] as number[], baseline: [] as number[] }
    for (let run = 0; run < NAVIGATION_RUNS; run++) {
      // Interleaved, so all three see the same machine noise.
      // A new address each time, so the browser asks the server rather than its cache.
      times.baseline.push(await navigate(page, `${server.origin}/assets/bench-baseline.html?run=${run}`, baselineTable))
      await settle(page, calls)
      times.applications.push(await navigate(page, `${server.origin}/#/applications`, applicationsTable))
      await settle(page, calls)
      times.dashboard.push(await navigate(page, `${server.origin}/#/dashboard`, dashboard))
      await settle(page, calls)
    }

    await navigate(page, `${server.origin}/#/applications`, applicationsTable)
    await settle(page, calls)
    await page.getByRole('textbox', { name: 'Search' }).focus()
    const typed = await keystrokes(page, SEARCH, 'table')
    const rowsShown = await page.getByTestId('application-row').count()
    await navigate(page, `${server.origin}/assets/bench-baseline.html`, baselineTable)
    await page.getByRole('textbox', { name: 'Search' }).focus()
    const plain = await keystrokes(page, SEARCH, 'field')

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
    const figure = (ms: number, bare: number) => `${ms.toFixed(0)} ms median of ${NAVIGATION_RUNS}; bare static page on the same server ${bare.toFixed(0)} ms; ratio ${(ms / bare).toFixed(1)}x`
    const baseline = median(times.baseline)
    const applications = median(times.applications)
    const dashboardMs = median(times.dashboard)
    const keystroke = median(typed)
    const plainKeystroke = median(plain)
    console.log(`workspace: ${APPLICATIONS} applications under 4 policies (built in ${(builtIn / 1000).toFixed(1)} s); Chromium ${browser.version()}, 1280×800`)
    console.log(`initial JavaScript: ${kb(initial.gzip)} gzipped, ${kb(initial.raw)} raw, in ${bundle.initial.length} files (target ≤ 400 KB gzipped) ${verdict(initial.gzip <= 400 * 1024)}`)
    console.log(`Applications table, first rows painted: ${figure(applications, baseline)} (target ≤ 500 ms) ${verdict(applications <= 500)}`)
    console.log(`Dashboard, status cards and charts painted: ${figure(dashboardMs, baseline)} (target ≤ 500 ms) ${verdict(dashboardMs <= 500)}`)
    console.log(`  runs (ms): applications ${times.applications.map(Math.round).join(', ')}; dashboard ${times.dashboard.map(Math.round).join(', ')}; bare ${times.baseline.map(Math.round).join(', ')}`)
    console.log(
      `filter keystroke to the table showing the engine's answer: ${keystroke.toFixed(1)} ms median of ${typed.length} keys typing "${SEARCH}" (${rowsShown} rows left); keystroke in a plain input ${plainKeystroke.toFixed(1)} ms; ratio ${(keystroke / plainKeystroke).toFixed(1)}x (target ≤ 50 ms) ${verdict(keystroke <= 50)}`,
    )
    console.log(`  per key (ms): ${typed.map((ms) => ms.toFixed(0)).join(', ')}`)
  } finally {
    await browser.close()
    await server.stop()
    if (existsSync(BASELINE_FILE)) unlinkSync(BASELINE_FILE)
    rmSync(folder, { recursive: true, force: true })
  }
}

void main()
