/**
 * CSV files for people to open in spreadsheets: RFC 4180 (comma-separated, CRLF between records,
 * a field quoted when it holds a comma, a quote or a line break), UTF-8, and no cell a spreadsheet
 * would run as a formula. Every export goes through here: the audit log now, reports next.
 */
import { stringify } from 'csv-stringify/sync'

export type CsvCell = string | number | boolean | null | undefined

/**
 * A cell beginning with =, +, - or @ is a formula to Excel, LibreOffice and Google Sheets, and so
 * is one beginning with a tab or carriage return once trimmed: "=HYPERLINK(…)" in an application
 * name would run on an auditor's machine. Such a cell is written with a single quote first, which
 * spreadsheets show as text (OWASP's advice for CSV injection).
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
}

/** The cell as text: numbers and booleans as JSON writes them, nothing as an empty field. */
function cellText(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  return neutraliseFormula(typeof cell === 'string' ? cell : String(cell))
}

/** A whole file: the header row, then each row, every cell made safe. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const records: string[][] = [header.map(cellText)]
  for (const row of rows) records.push(row.map(cellText))
  // csv-stringify quotes commas and quotes; a lone CR or LF inside a field must be quoted too.
  return stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ })
}

/** A file name safe in a Content-Disposition header and on every file system: `audit-log-2026-03-01T10-30-00Z.csv`. */
export function csvFileName(stem: string, at: string): string {
  const moment = at.slice(0, 19).replaceAll(':', '-')
  return `${stem}-${moment}Z.csv`.replace(/[^A-Za-z0-9._-]/g, '_')
}
