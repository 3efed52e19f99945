/**
 * The report as JSON: the `ReportData` itself, canonical, so the same data always gives the same
 * bytes and its SHA-256 (the report's digest, printed in the PDF's footer) can be checked by anyone.
 */
import { createHash } from 'node:crypto'
import { ReportData } from '../../../src-shared/domain/reports'

/**
 * Keys in the order the schema declares them (zod builds its output by walking the shape), unknown
 * keys dropped, 2-space indent, one final newline. Parsing also refuses data that is not a report.
 */
export function reportJson(data: ReportData): string {
  return `${JSON.stringify(ReportData.parse(data), null, 2)}\n`
}

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex')
}

/** The report's digest: the SHA-256 of its JSON export. */
export function reportDigest(data: ReportData): string {
  return sha256Hex(reportJson(data))
}
