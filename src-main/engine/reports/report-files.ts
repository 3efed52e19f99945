/**
 * A report as the file someone saves: the PDF, the CSV tables (one file per table, in a zip), or
 * the audit package. Gathered and drawn in one go, reporting its progress, and stoppable between
 * steps. The file's name says what and when: `compliance-report-<scope>-<as_of>.pdf`.
 */
import { createHash } from 'node:crypto'
import { zipSync } from 'fflate'
import type { BinaryFile } from '../../../src-shared/api/procedure'
import type { ReportData, ReportFormat, ReportScope } from '../../../src-shared/domain/reports'
import type { ComplianceQueries } from '../compliance/compliance-queries'
import type { Db } from '../db/schema'
import { EngineError } from '../errors'
import type { SignedCheckpoint } from '../audit/checkpoint'
import type { HeadSigning } from '../audit/head-signing'
import { CHAIN_START } from '../audit-hash'
import { auditTrailExtract, trailRun } from './audit-extract'
import { buildAuditPackage, renderReportPdf, reportCsvFiles, reportDigest, type PdfProgress } from '.'
import { gatherReport } from './report-data'
import { workspaceId } from '../db/workspace-identity'

export interface Progress {
  done: number
  total: number
  activity: string
}

export interface GenerationFacts {
  generated_at: string
  generated_by: { id: string; name: string }
}

export interface GeneratedReport {
  file: BinaryFile
  data: Pick<ReportData, 'scope' | 'as_of'>
  sha256: string
  size: number
  /** The audit trail's head for as_of, signed when the report was made (a PDF's cover and a package's manifest carry it). */
  audit_checkpoint?: SignedCheckpoint
}

const CONTENT_TYPE = { pdf: 'application/pdf', csv: 'application/zip', package: 'application/zip' } as const
const EXTENSION = { pdf: 'pdf', csv: 'zip', package: 'zip' } as const
/** Zip entries carry this time, so the same tables make the same bytes. */
const FIXED_ZIP_TIME = new Date('2000-01-01T00:00:00Z')

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

export function reportFileName(data: Pick<ReportData, 'scope' | 'as_of'>, format: ReportFormat): string {
  const scope = data.scope.kind === 'organization' ? 'organization' : data.scope.kind === 'policy' ? data.scope.policy_id! : data.scope.application_id!
  const kind = format === 'package' ? 'audit-package' : format === 'csv' ? 'compliance-report-csv' : 'compliance-report'
  const moment = data.as_of.slice(0, 19).replaceAll(':', '-')
  return `${kind}-${scope}-${moment}Z.${EXTENSION[format]}`.replace(/[^A-Za-z0-9._-]/g, '_')
}

/** Throws if the generation was cancelled: checked between steps. */
export type CancelCheck = () => void

export async function generateReport(
  db: Db,
  compliance: ComplianceQueries,
  request: ReportScope & { format: ReportFormat },
  facts: GenerationFacts,
  onProgress: (progress: Progress) => void = () => undefined,
  checkCancelled: CancelCheck = () => undefined,
  signing?: HeadSigning,
): Promise<GeneratedReport> {
  const { format, ...scope } = request
  const total = format === 'package' ? 4 : 3
  let done = 0
  // Drawing the PDF is one step made of parts; once their number is known, each counts as a step.
  let parts = 1
  const step = (activity: string) => {
    checkCancelled()
    onProgress({ done: done++ + parts - 1, total: total + parts - 1, activity })
  }
  const drawing: PdfProgress = (part, count) => {
    checkCancelled()
    parts = count
    onProgress({ done: done - 1 + part, total: total + parts - 1, activity: `Drawing the PDF, part ${part + 1} of ${count}` })
  }
  step('Reading compliance, gaps, attestations and exceptions')
  const data = await gatherReport(db, compliance, scope)
  // The trail's head for the moment, signed: a PDF's cover and a package's manifest carry it.
  const run = format === 'csv' ? undefined : await trailRun(db, data.period_start, data.as_of)
  const checkpoint = run?.head && signing ? await signing.signEarlierHead(db, run.head) : undefined
  let bytes: Uint8Array
  if (format === 'csv') {
    step('Writing the CSV tables')
    bytes = zipSync(Object.fromEntries(reportCsvFiles(data).map((file) => [file.path, [new TextEncoder().encode(file.text), { mtime: FIXED_ZIP_TIME }]])), { level: 6 })
  } else if (format === 'pdf') {
    step('Drawing the PDF')
    bytes = await renderReportPdf(data, { ...facts, digest: reportDigest(data), ...(checkpoint ? { audit_head: checkpoint } : {}) }, drawing)
  } else {
    step('Extracting the audit trail')
    const trail = await auditTrailExtract(db, run!)
    step('Drawing the PDF, packing and hashing every file')
    bytes = (
      await buildAuditPackage(
        {
          data,
          workspace_id: await workspaceId(db),
          audit_chain_head: run?.head?.hash ?? CHAIN_START,
          ...(checkpoint ? { audit_checkpoint: checkpoint } : {}),
          audit_trail: trail,
          generated_at: facts.generated_at,
          generated_by: facts.generated_by,
        },
        drawing,
      )
    ).zip
  }
  step('Done')
  if (bytes.byteLength > 512 * 1024 * 1024) throw new EngineError('too_large', 'The report is larger than 512 MB; narrow it to a policy or an application')
  const file: BinaryFile = { filename: reportFileName(data, format), content_type: CONTENT_TYPE[format], content_base64: Buffer.from(bytes).toString('base64') }
  return { file, data: { scope: data.scope, as_of: data.as_of }, sha256: sha256(bytes), size: bytes.byteLength, ...(checkpoint ? { audit_checkpoint: checkpoint } : {}) }
}
