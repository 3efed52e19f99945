import { beforeAll, describe, expect, it } from 'vitest'
import { pdfPages } from '../../testing/pdf-text'
import { FORMULA_NAME, SAMPLE_AS_OF, sampleReportData, syntheticReportData } from '../../testing/report-fixtures'
import { reportDigest } from './report-json'
import { ROWS_PER_PART, renderReportPdf, type ReportFacts } from './report-pdf'

const data = sampleReportData()
const facts: ReportFacts = { generated_at: '2026-04-01T08:00:00.000Z', generated_by: { id: 'usr_olga', name: 'Olga Auditor' }, digest: reportDigest(data) }

describe('the PDF report', () => {
  let pages: string[]
  let text: string
  beforeAll(async () => {
    pages = await pdfPages(await renderReportPdf(data, facts))
    text = pages.join('\n')
  })

  it('opens on a cover with the scope, the moment, the period and who generated it when', () => {
    const cover = pages[0]!
    expect(cover).toContain('Compliance report')
    expect(cover).toContain('The whole organisation')
    expect(cover).toContain('2026-03-31 12:00:00 UTC')
    expect(cover).toContain('2026-03-01 to 2026-03-31')
    expect(cover).toContain(`as_of: ${SAMPLE_AS_OF}`)
    expect(cover).toContain('Olga Auditor (usr_olga)')
    expect(cover).toContain('2026-04-01 08:00:00 UTC')
  })

  it('lists its sections in a table of contents', () => {
    const contents = pages[1]!
    for (const section of ['Contents', 'Summary', 'Policies', 'Applications and statuses', 'Gaps', 'Attestation history', 'Rule inventory']) expect(contents).toContain(section)
  })

  it('gives in its contents the page each section begins on', () => {
    const sections = ['Summary', 'Policies', 'Applications and statuses', 'Gaps', 'Open gaps (1)', 'Resolved gaps (1)', 'Attestation history', 'Rule inventory']
    for (const section of sections) {
      const listed = new RegExp(`${section.replace(/[()]/g, '\\$&')} (\\d+)`).exec(pages[1]!)
      expect(listed, section).not.toBeNull()
      const page = Number(listed![1])
      expect(pages[page - 1], `${section} on page ${page}`).toContain(section)
      expect(pages.slice(2, page - 1).some((earlier) => earlier.startsWith(section)), `${section} before page ${page}`).toBe(false)
    }
  })

  it('numbers every page and carries the digest in every footer', () => {
    pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`)
      expect(page).toContain(`Report digest (SHA-256): ${facts.digest}`)
    })
  })

  it('counts statuses per policy on the summary page, beside the trend chart', () => {
    const summary = pages.find((page) => page.includes('Status counts per policy'))!
    expect(summary).toMatch(/System Health v1 2 0 0 0 1 3/)
    expect(summary).toMatch(/Sensitive Data v2 1 0 1 0 0 2/)
    expect(summary).toContain('Compliance over time')
    expect(summary).toContain('End of day (UTC)')
  })

  it('shows each application’s status per policy, values against thresholds and the exception that holds', () => {
    expect(text).toContain('Non-Compliant')
    expect(text).toContain('PII detection rate 3.25% (fails if > 1%, critical): Breach')
    expect(text).toContain('Excepted until 2026-06-30 — Accepted risk — JIRA-1234, approved by CISO')
    expect(text).toContain(FORMULA_NAME)
  })

  it('lists open and resolved gaps with their times and reasons', () => {
    expect(text).toContain('Open gaps (1)')
    expect(text).toContain('Resolved gaps (1)')
    expect(text).toContain('Opened 2026-03-29 07:00:00 UTC')
    expect(text).toContain('Opened 2026-03-10 04:00:00 UTC')
    expect(text).toContain('Resolved 2026-03-11 16:30:00 UTC')
    expect(text).toContain('above the 1% threshold (critical) of Sensitive Data v2')
  })

  it('records the attestation history with reviewer, notes and exceptions, and the rule inventory with sources', () => {
    expect(text).toContain('Cara Reviewer')
    expect(text).toContain('Compliant with exceptions')
    expect(text).toContain('until 2026-06-30 (active)')
    expect(text).toContain('Error rate > 5%, high, 24 h: System Health v1; Sensitive Data v2')
  })

  it('gives the same text for the same data and facts', async () => {
    const again = await pdfPages(await renderReportPdf(data, facts))
    expect(again).toEqual(pages)
  })

  it('keeps every row, in order, of a table drawn in several parts, and its numbering whole', async () => {
    const applications = Math.ceil((ROWS_PER_PART * 1.5) / 4) // 4 policies each: the table takes two parts
    const large = syntheticReportData(applications)
    const progress: Array<[number, number]> = []
    const largePages = await pdfPages(await renderReportPdf(large, { ...facts, digest: reportDigest(large) }, (done, total) => progress.push([done, total])))
    const all = largePages.join('\n')
    const start = largePages.findIndex((page) => page.includes('Applications and statuses'))
    const end = largePages.findIndex((page) => page.startsWith('Gaps') || page.includes(' Gaps Open gaps'))
    expect(end).toBeGreaterThan(start)
    const section = largePages.slice(start, end).join('\n')
    const positions = large.applications.map((app) => section.indexOf(`${app.name} ${app.id}`))
    expect(positions.every((at) => at >= 0)).toBe(true)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    largePages.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${largePages.length}`))
    expect(all).toContain(`Pages ${largePages.length}`)
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1] - 1)
    expect(progress.length).toBeGreaterThan(8)
  })
})
