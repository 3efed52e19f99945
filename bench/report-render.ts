/**
 * Report rendering on 1,000 applications × 4 policies (4 requirements each, 3,000 gaps): the PDF's
 * time and peak memory beside a bare pdfmake document of the same rows (one plain table per table:
 * no contents, headings, footer or chart; pdfmake's defaults), the CSV files and the audit package.
 * Targets: PDF ≤ 1.5× bare, ≤ 15 s and ≤ 500 MB; CSV ≤ 1 s. Each PDF runs in a child process of its
 * own, so one's memory does not count against the other: peak RSS is sampled every 10 ms. The
 * report runs on the heap the console gives its report thread (REPORT_HEAP_MB).
 */
import { execFileSync } from 'node:child_process'
import { REPORT_HEAP_MB } from '../src-main/engine/engine'
import { reportCsvFiles } from '../src-main/engine/reports/report-csv'
import { buildAuditPackage } from '../src-main/engine/reports/audit-package'
import { reportDigest } from '../src-main/engine/reports/report-json'
import { renderBareTablesPdf, renderReportPdf } from '../src-main/engine/reports/report-pdf'
import { syntheticReportData } from '../src-main/testing/report-fixtures'

const APPLICATIONS = 1000
const FACTS = { generated_at: '2026-04-01T08:00:00.000Z', generated_by: { id: 'usr_bench', name: 'Bench' } }

interface Measure {
  ms: number
  peakMb: number
  bytes: number
}

/** In a child: render one PDF and print its time, peak RSS and size as JSON. */
async function measureChild(kind: 'report' | 'bare'): Promise<void> {
  const data = syntheticReportData(APPLICATIONS)
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
  const start = performance.now()
  const pdf = kind === 'report' ? await renderReportPdf(data, { ...FACTS, digest: reportDigest(data) }) : await renderBareTablesPdf(data)
  const ms = performance.now() - start
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  console.log(JSON.stringify({ ms, peakMb: peak / 1024 / 1024, bytes: pdf.byteLength } satisfies Measure))
}

function inChild(kind: 'report' | 'bare'): Measure {
  // The report is drawn as the console draws it, its heap bounded at REPORT_HEAP_MB; bare pdfmake as it comes.
  const heap = kind === 'report' ? [`--max-old-space-size=${REPORT_HEAP_MB}`] : []
  const out = execFileSync(process.execPath, [...heap, ...process.execArgv, __filename, kind], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measure
}

async function main(): Promise<void> {
  const data = syntheticReportData(APPLICATIONS)
  const pairs = data.applications.reduce((sum, app) => sum + app.policies.length, 0)
  console.log(`report rendering: ${APPLICATIONS} applications × ${data.policies.length} policies (${pairs} statuses), ${data.gaps.length} gaps, ${data.rule_inventory.length} inventory rules`)

  const bare = inChild('bare')
  const report = inChild('report')
  const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET')
  const ratio = report.ms / bare.ms
  console.log(`  bare pdfmake, same rows: ${(bare.ms / 1000).toFixed(2)} s, peak ${bare.peakMb.toFixed(0)} MB, ${(bare.bytes / 1e6).toFixed(1)} MB`)
  console.log(`  report PDF:              ${(report.ms / 1000).toFixed(2)} s, peak ${report.peakMb.toFixed(0)} MB, ${(report.bytes / 1e6).toFixed(1)} MB`)
  console.log(`  PDF time ratio to bare: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${verdict(ratio <= 1.5)}); time ≤ 15 s: ${verdict(report.ms <= 15_000)}; peak ≤ 500 MB: ${verdict(report.peakMb <= 500)} (bare ${(report.peakMb / bare.peakMb).toFixed(2)}×)`)

  const csvStart = performance.now()
  const files = reportCsvFiles(data)
  const csvMs = performance.now() - csvStart
  const csvBytes = files.reduce((sum, file) => sum + file.text.length, 0)
  console.log(`  CSV (${files.length} files, ${(csvBytes / 1e6).toFixed(1)} MB): ${csvMs.toFixed(0)} ms (target ≤ 1 s: ${verdict(csvMs <= 1000)})`)

  const packageStart = performance.now()
  const built = await buildAuditPackage({ data, workspace_id: 'ws_bench', audit_chain_head: '0'.repeat(64), audit_trail: [], ...FACTS })
  console.log(`  audit package (PDF, JSON, CSV, zip): ${((performance.now() - packageStart) / 1000).toFixed(2)} s, ${(built.zip.byteLength / 1e6).toFixed(1)} MB`)
}

const kind = process.argv[2]
if (kind === 'report' || kind === 'bare') void measureChild(kind)
else void main()
