/**
 * The audit package: one zip an auditor can check on their own. It holds the PDF, the CSV tables,
 * the JSON export, the audit-trail extract for the period and `manifest.json`, which lists every
 * other file with its SHA-256 and size. The zip's layout and timestamps are fixed, so two packages
 * of the same data differ only in their generation facts (manifest's generated_at and the PDF's).
 */
import { zipSync, type Zippable } from 'fflate'
import type { PackageManifest, ReportData } from '../../../src-shared/domain/reports'
import type { ChainedEvent } from '../audit/audit-chain'
import { keyFingerprint, type SignedCheckpoint } from '../audit/checkpoint'
import { reportCsvFiles } from './report-csv'
import { reportJson, sha256Hex } from './report-json'
import { renderReportPdf, type PdfProgress } from './report-pdf'

export interface AuditPackageInput {
  data: ReportData
  workspace_id: string
  /** The hash of the chain's head for as_of: the trail extract ends there. */
  audit_chain_head: string
  /** That head signed with the workspace's key, when the workspace signs its trail. */
  audit_checkpoint?: SignedCheckpoint
  /** The audit events of the period, oldest first, as the audit trail reads them. */
  audit_trail: readonly ChainedEvent[]
  generated_at: string
  generated_by: { id: string; name: string }
}

export interface AuditPackage {
  zip: Uint8Array
  manifest: PackageManifest
  /** The report's digest: the SHA-256 of report.json, printed in the PDF's footer. */
  digest: string
}

const DOS_EPOCH_YEAR = 1980
const DOS_LAST_YEAR = 2107

/**
 * Zip entries carry a DOS date, which fflate writes from the Date's local fields: the report's
 * moment in UTC, rebuilt as a local Date, so the bytes do not depend on the machine's time zone.
 */
function zipTime(asOf: string): Date {
  const moment = new Date(asOf)
  const year = Math.min(Math.max(moment.getUTCFullYear(), DOS_EPOCH_YEAR), DOS_LAST_YEAR)
  if (year !== moment.getUTCFullYear()) return new Date(year, 0, 1, 0, 0, 0)
  return new Date(year, moment.getUTCMonth(), moment.getUTCDate(), moment.getUTCHours(), moment.getUTCMinutes(), moment.getUTCSeconds())
}

/** One JSON per line, oldest first, each line ended by a newline. */
export function auditTrailJsonl(events: readonly ChainedEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('')
}

export async function buildAuditPackage(input: AuditPackageInput, onPdfProgress?: PdfProgress): Promise<AuditPackage> {
  const encoder = new TextEncoder()
  const json = reportJson(input.data)
  const digest = sha256Hex(json)
  const pdf = await renderReportPdf(
    input.data,
    { generated_at: input.generated_at, generated_by: input.generated_by, digest, ...(input.audit_checkpoint ? { audit_head: input.audit_checkpoint } : {}) },
    onPdfProgress,
  )
  const files: Array<{ path: string; bytes: Uint8Array }> = [
    { path: 'report.pdf', bytes: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength) },
    { path: 'report.json', bytes: encoder.encode(json) },
    ...reportCsvFiles(input.data).map((file) => ({ path: `csv/${file.path}`, bytes: encoder.encode(file.text) })),
    { path: 'audit-trail.jsonl', bytes: encoder.encode(auditTrailJsonl(input.audit_trail)) },
  ]
  const manifest: PackageManifest = {
    format: 'governance-console-audit-package/1',
    workspace_id: input.workspace_id,
    as_of: input.data.as_of,
    scope: input.data.scope,
    audit_chain_head: input.audit_chain_head,
    ...(input.audit_checkpoint ? { audit_checkpoint: input.audit_checkpoint, signing_key_fingerprint: keyFingerprint(input.audit_checkpoint.public_key) } : {}),
    generated_at: input.generated_at,
    generated_by: { id: input.generated_by.id, name: input.generated_by.name },
    files: files.map((file) => ({ path: file.path, sha256: sha256Hex(file.bytes), size: file.bytes.byteLength })),
  }
  const mtime = zipTime(input.data.as_of)
  const entries: Zippable = {}
  for (const file of files) entries[file.path] = [file.bytes, { mtime }]
  entries['manifest.json'] = [encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), { mtime }]
  // The PDF is already compressed inside; deflating it again costs time for nothing.
  entries['report.pdf'] = [files[0]!.bytes, { mtime, level: 0 }]
  return { zip: zipSync(entries, { level: 6 }), manifest, digest }
}
