/**
 * The report as a PDF: cover, contents, summary with the compliance-over-time chart, then policies,
 * applications, gaps, attestations and the rule inventory; every page numbered and footed with the
 * report's digest. Its text depends only on the data and the generation facts, never on the clock.
 *
 * pdfmake lays a whole document out before writing a byte, so one document of a large workspace
 * holds every page's layout at once. The report is therefore drawn in parts (the summary and
 * policies, then each long table in slices of rows), each part a document of its own whose layout
 * is dropped once drawn; the parts are then joined into one file (pdf-lib), the contents filled in
 * from where each part's headings fell, and the footers stamped once the page count is known.
 */
import { readFileSync } from 'node:fs'
import fontkit from '@pdf-lib/fontkit'
import pdfmake from 'pdfmake'
import { PDFDocument, rgb } from 'pdf-lib'
import type { ReportData } from '../../../src-shared/domain/reports'
import { REPORT_FONT, reportFontFiles, reportFontsFolder } from './report-fonts'
import {
  allReportTables,
  applicationsTable,
  attestationRulesTable,
  attestationsTable,
  gapsTable,
  policyCountsTable,
  requirementsTable,
  ruleInventoryTable,
  type ReportTable,
} from './report-tables'
import { keyFingerprint, type SignedCheckpoint } from '../audit/checkpoint'
import { formatDay, formatTime, scopeWords } from './report-text'
import { trendChartSvg } from './trend-chart'

/** What is known only when a report is generated, printed on its cover and footer. */
export interface ReportFacts {
  generated_at: string
  generated_by: { id: string; name: string }
  /** SHA-256 of the report's JSON export (`reportDigest`). */
  digest: string
  /** The audit trail's head for as_of, signed with the workspace's key when it signs its trail: the cover carries it whole, so the printed report anchors the trail too. */
  audit_head?: SignedCheckpoint
}

function auditHeadWords(head: SignedCheckpoint): string {
  return `event ${head.event_id.toLocaleString('en-US')}, hash ${head.hash}; signed ${head.at} with the key whose fingerprint is ${keyFingerprint(head.public_key)} (public key ${head.public_key}, signature ${head.signature})`
}

/** Called as each part of the PDF is drawn: `done` parts of `total`. */
export type PdfProgress = (done: number, total: number) => void

type Content = string | { [key: string]: unknown } | Content[]

const PAGE_WIDTH = 515 // A4 portrait less 40 pt margins
const MARGINS = [40, 40, 40, 44]
/**
 * Table rows per part. A part's layout is what pdfmake holds at once: on 1,000 applications this
 * keeps the thread's peak near half of one whole document's, for a few partly filled pages.
 */
export const ROWS_PER_PART = 600

/** A heading the contents lists; pdfmake records on the node where it was laid out. */
interface Heading {
  text: string
  level: 1 | 2
  node: { text: string; style: string; pageBreak?: string; positions?: Array<{ pageNumber: number }> }
}

/** A part not yet drawn: the headings it will open, and how to build it when its turn comes. */
interface PartPlan {
  headings: Array<[string, 1 | 2]>
  build: () => Part
}

/** One document of the report: its content, and the headings the contents points to. */
class Part {
  readonly content: Content[] = []
  readonly headings: Heading[] = []

  heading(text: string, level: 1 | 2, options: { pageBreak?: boolean } = {}): this {
    const node: Heading['node'] = { text, style: level === 1 ? 'h1' : 'h2', ...(options.pageBreak ? { pageBreak: 'before' } : {}) }
    this.headings.push({ text, level, node })
    this.content.push(node)
    return this
  }

  add(...content: Content[]): this {
    this.content.push(...content)
    return this
  }
}

function table(content: ReportTable): Content {
  const [head = [], ...rows] = content.body
  return { table: { headerRows: 1, widths: content.widths, body: [head.map((text) => ({ text, bold: true })), ...rows] }, layout: 'lightHorizontalLines', margin: [0, 4, 0, 10] }
}

function factsTable(rows: Array<[string, string]>): Content {
  return { table: { widths: [120, '*'], body: rows.map(([label, value]) => [{ text: label, bold: true }, value]) }, layout: 'noBorders', margin: [0, 8, 0, 8] }
}

/** Where each listed heading starts, and how many pages the report has. */
interface Pagination {
  pages: number
  headings: Array<{ text: string; level: 1 | 2; page: number }>
}

/** The cover and the contents: drawn last, when every page number is known. */
function frontPart(data: ReportData, facts: ReportFacts, pagination: Pagination): Part {
  const scope = data.scope
  const parameters = [`scope: ${scope.kind}`, scope.policy_id && `policy_id: ${scope.policy_id}`, scope.application_id && `application_id: ${scope.application_id}`, `as_of: ${data.as_of}`]
  const contents = pagination.headings.map((entry) => [
    { text: entry.text, margin: [entry.level === 1 ? 0 : 14, entry.level === 1 ? 2 : 0, 0, 0], bold: entry.level === 1 },
    { text: String(entry.page), alignment: 'right' },
  ])
  return new Part().add(
    { text: 'Compliance report', style: 'title', margin: [0, 140, 0, 6] },
    { text: scopeWords(scope), fontSize: 13, margin: [0, 0, 0, 20] },
    factsTable([
      ['As of', formatTime(data.as_of)],
      ['Period', `${formatDay(data.period_start)} to ${formatDay(data.as_of)} (UTC)`],
      ['Parameters', parameters.filter(Boolean).join('; ')],
      ['Generated by', `${facts.generated_by.name} (${facts.generated_by.id})`],
      ['Generated at', formatTime(facts.generated_at)],
      ['Report digest', `SHA-256 ${facts.digest}, of the JSON export (report.json)`],
      ...(facts.audit_head ? [['Audit trail head', auditHeadWords(facts.audit_head)] as [string, string]] : []),
      ['Pages', String(pagination.pages)],
      ['Format', data.format],
    ]),
    { text: 'Contents', style: 'h1', pageBreak: 'before' },
    { table: { widths: ['*', 40], body: contents }, layout: 'noBorders' },
  )
}

const policyHeading = (policy: ReportData['policies'][number]) => `${policy.name} (version ${policy.version})`

function summaryAndPolicies(data: ReportData): Part {
  const s = data.summary
  const chart = trendChartSvg(s.trend, { width: PAGE_WIDTH, height: 260 }, REPORT_FONT)
  const part = new Part()
    .heading('Summary', 1)
    .add(
      factsTable([
        ['Open gaps', String(s.open_gaps)],
        ['Resolved gaps', String(s.resolved_gaps)],
        ['Attestations', String(s.attestations)],
        ['Active exceptions', String(s.active_exceptions)],
        ['Applications not covered', String(s.not_covered)],
      ]),
      { text: 'Status counts per policy (application × policy pairs)', style: 'h3' },
      table(policyCountsTable(data)),
      { text: 'Compliance over time', style: 'h3' },
      chart === null ? { text: 'No trend data for the period.' } : { svg: chart, width: PAGE_WIDTH, font: REPORT_FONT },
    )
    .heading('Policies', 1, { pageBreak: true })
  if (data.policies.length === 0) part.add('No policy in scope.')
  for (const policy of data.policies) {
    const d = policy.definition
    const scope = d.scope.apply_to_all ? 'every application' : [d.scope.tags.length > 0 && `tags ${d.scope.tags.join(', ')}`, d.scope.application_ids.length > 0 && `${d.scope.application_ids.length} named applications`].filter(Boolean).join('; ') || 'no application'
    part.heading(policyHeading(policy), 2).add(
      factsTable([
        ['Policy', policy.id],
        ['Version in force', `${policy.version}, since ${formatTime(policy.version_created_at)}`],
        ['Status', `${d.status}${d.archived ? ', archived' : ''}`],
        ['Applies to', scope],
        ['Enforcement delay', `${d.enforcement_delay_days} days`],
        ...(d.description ? [['Description', d.description] as [string, string]] : []),
      ]),
      d.alert_rules.length > 0 ? table(requirementsTable(policy)) : 'No requirements.',
      d.attestation_rules.length > 0 ? table(attestationRulesTable(policy)) : 'No attestation rules.',
    )
  }
  return part
}

/**
 * A section whose table may be long: its heading(s) open the first part, and the rows follow in
 * slices of ROWS_PER_PART, each slice a part of its own with the table's header repeated.
 */
function tableSection(headings: Array<[string, 1 | 2]>, build: () => ReportTable | null, empty: string): PartPlan[] {
  const opening = () => headings.reduce((part, [text, level]) => part.heading(text, level), new Part())
  const content = build()
  if (content === null || content.body.length <= 1) return [{ headings, build: () => opening().add(empty) }]
  const [header, ...rows] = content.body
  const slices: PartPlan[] = []
  for (let start = 0; start < rows.length; start += ROWS_PER_PART) {
    const slice = { widths: content.widths, body: [header!, ...rows.slice(start, start + ROWS_PER_PART)] }
    slices.push(start === 0 ? { headings, build: () => opening().add(table(slice)) } : { headings: [], build: () => new Part().add(table(slice)) })
  }
  return slices
}

/** The report after its cover and contents, as parts drawn one after another. */
function bodyParts(data: ReportData): PartPlan[] {
  const open = data.gaps.filter((gap) => gap.resolved_at === null)
  const resolved = data.gaps.filter((gap) => gap.resolved_at !== null)
  return [
    { headings: [['Summary', 1], ['Policies', 1], ...data.policies.map((policy): [string, 2] => [policyHeading(policy), 2])], build: () => summaryAndPolicies(data) },
    ...tableSection([['Applications and statuses', 1]], () => (data.applications.length > 0 ? applicationsTable(data) : null), 'No application in scope.'),
    ...tableSection([['Gaps', 1], [`Open gaps (${open.length})`, 2]], () => gapsTable(open), 'No open gaps.'),
    ...tableSection([[`Resolved gaps (${resolved.length})`, 2]], () => gapsTable(resolved), 'No resolved gaps.'),
    ...tableSection([['Attestation history', 1]], () => attestationsTable(data), 'No attestation by the report’s moment.'),
    ...tableSection([['Rule inventory', 1]], () => (data.rule_inventory.length > 0 ? ruleInventoryTable(data) : null), 'No alert rules.'),
  ]
}

/**
 * A part's document definition: plain data, which pdfmake lays out. Footers are stamped when the
 * parts are joined; pdfmake's footer callback only reports how many pages the part took.
 */
function partDocument(part: Part, countPages: (pages: number) => void): Record<string, unknown> {
  return {
    pageSize: 'A4',
    pageMargins: MARGINS,
    defaultStyle: { font: REPORT_FONT, fontSize: 8, lineHeight: 1.1 },
    styles: {
      title: { fontSize: 24, bold: true },
      h1: { fontSize: 16, bold: true, margin: [0, 0, 0, 8] },
      h2: { fontSize: 12, bold: true, margin: [0, 10, 0, 4] },
      h3: { fontSize: 10, bold: true, margin: [0, 8, 0, 2] },
    },
    content: part.content,
    footer: (_page: number, pages: number) => countPages(pages),
  }
}

/**
 * pdfmake is one shared instance: fonts are set from resources/fonts on each call (cheap), nothing
 * may be fetched, and only the font folder may be read. pdfkit's font layout cache stays on: without
 * it a 1,000-application report takes about 3× as long, for about a third less memory.
 */
async function renderDocument(definition: Record<string, unknown>): Promise<Buffer> {
  const folder = reportFontsFolder()
  pdfmake.setFonts({ [REPORT_FONT]: reportFontFiles(folder) })
  pdfmake.setUrlAccessPolicy(() => false)
  pdfmake.setLocalAccessPolicy((path) => path.startsWith(folder))
  return pdfmake.createPdf(definition, { fontLayoutCache: true }).getBuffer()
}

interface DrawnPart {
  pdf: Buffer
  pages: number
}

async function drawPart(part: Part): Promise<DrawnPart> {
  let pages = 0
  const pdf = await renderDocument(partDocument(part, (count) => (pages = count)))
  return { pdf, pages }
}

/** Each heading's page in the finished report, read from where pdfmake laid it out in its part. */
function headingPages(part: Part, firstPage: number): Pagination['headings'] {
  return part.headings.map((heading) => {
    const laidOut = heading.node.positions?.[0]?.pageNumber
    if (laidOut === undefined) throw new Error(`The report's heading "${heading.text}" was not laid out on any page`)
    return { text: heading.text, level: heading.level, page: firstPage + laidOut - 1 }
  })
}

/** The parts joined in order, every page footed with the digest and its number, and the file's facts set. */
async function joinParts(parts: readonly Buffer[], data: ReportData, facts: ReportFacts): Promise<Buffer> {
  const report = await PDFDocument.create({ updateMetadata: false })
  report.registerFontkit(fontkit)
  const font = await report.embedFont(readFileSync(reportFontFiles().normal), { subset: true })
  for (const bytes of parts) {
    const part = await PDFDocument.load(bytes, { updateMetadata: false })
    for (const page of await report.copyPages(part, part.getPageIndices())) report.addPage(page)
  }
  const pages = report.getPages()
  const footer = `Report digest (SHA-256): ${facts.digest}`
  const grey = rgb(0x55 / 255, 0x55 / 255, 0x55 / 255)
  pages.forEach((page, index) => {
    const number = `Page ${index + 1} of ${pages.length}`
    const right = page.getWidth() - MARGINS[2]!
    page.drawText(footer, { x: MARGINS[0]!, y: 22, size: 7, font, color: grey })
    page.drawText(number, { x: right - font.widthOfTextAtSize(number, 7), y: 22, size: 7, font, color: grey })
  })
  const at = new Date(facts.generated_at)
  report.setTitle(`Compliance report as of ${formatTime(data.as_of)}`)
  report.setAuthor(facts.generated_by.name)
  report.setSubject(scopeWords(data.scope))
  report.setKeywords([`sha256:${facts.digest}`])
  report.setCreator('Governance Console')
  report.setProducer('Governance Console')
  report.setCreationDate(at)
  report.setModificationDate(at)
  return Buffer.from(await report.save())
}

export async function renderReportPdf(data: ReportData, facts: ReportFacts, onProgress: PdfProgress = () => undefined): Promise<Buffer> {
  const plans = bodyParts(data)
  const total = plans.length + 1
  // The cover and contents are measured first with placeholder numbers: numbers never change how
  // many lines they take, so the body's pages can be counted from the front's length.
  const unnumbered = plans.flatMap((plan) => plan.headings.map(([text, level]) => ({ text, level, page: 0 })))
  const placeholder = (await drawPart(frontPart(data, facts, { pages: 0, headings: unnumbered }))).pages
  const drawn: Buffer[] = []
  const headings: Pagination['headings'] = []
  let pages = placeholder
  for (const [index, plan] of plans.entries()) {
    onProgress(index, total)
    const part = plan.build()
    const { pdf, pages: count } = await drawPart(part)
    headings.push(...headingPages(part, pages + 1))
    drawn.push(pdf)
    pages += count
  }
  onProgress(plans.length, total)
  if (headings.map((entry) => entry.text).join('\n') !== unnumbered.map((entry) => entry.text).join('\n')) throw new Error('The report’s parts opened other headings than planned')
  const front = await drawPart(frontPart(data, facts, { pages, headings }))
  if (front.pages !== placeholder) throw new Error(`The report's contents took ${front.pages} pages once numbered, not ${placeholder}`)
  return joinParts([front.pdf, ...drawn], data, facts)
}

/**
 * For the benchmark: the same rows in the plainest pdfmake document (one table per table, no
 * contents, footer, chart or headings), with pdfmake's defaults.
 */
export function renderBareTablesPdf(data: ReportData): Promise<Buffer> {
  const content = allReportTables(data).map((t) => ({ table: { widths: t.widths, body: t.body } }))
  return renderDocument({ defaultStyle: { font: REPORT_FONT, fontSize: 8 }, content })
}
