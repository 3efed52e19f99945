import { z } from 'zod'
import { ReportData, ReportExport, ReportFormat, ReportScope } from '../domain/reports'
import { BinaryFile, procedure } from './procedure'

const ReportRequest = ReportScope.extend({ format: ReportFormat })
const JobId = z.string().regex(/^rpj_[A-Za-z0-9_-]+$/, 'must be a report job id such as rpj_…')

/** A report being generated: how far it has got, and once done, the export it made. */
export const ReportJob = z.object({
  id: JobId,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  format: ReportFormat,
  progress: z.object({ done: z.number().int(), total: z.number().int(), activity: z.string() }),
  result: ReportExport.nullable(),
  error: z.string().nullable(),
})
export type ReportJob = z.infer<typeof ReportJob>

export const reportsApi = {
  'reports.preview': procedure({
    summary: 'What a report would say, in summary: its scope, moment, status counts, gaps, attestations and exceptions, and the compliance-over-time trend.',
    access: 'read',
    input: ReportScope,
    output: ReportData.pick({ scope: true, as_of: true, period_start: true, summary: true }),
    rest: { method: 'GET', path: '/organization/reports/preview' },
  }),
  'reports.compliance': procedure({
    summary:
      'The compliance report as a file: format pdf, csv (a zip of one CSV per table) or package (the audit package: PDF, CSVs, JSON, the audit-trail extract and a manifest of SHA-256 hashes). For the organisation, a policy (policy_id) or an application (application_id), now or at as_of. Recorded in the audit trail.',
    access: 'export',
    input: ReportRequest,
    output: BinaryFile,
    rest: { method: 'GET', path: '/organization/reports/compliance', produces: 'file' },
  }),
  'reports.start': procedure({
    summary: 'Start generating a report away from the console’s thread; follow it with reports.job, stop it with reports.cancel.',
    access: 'export',
    input: ReportRequest,
    output: ReportJob,
    rest: { method: 'POST', path: '/organization/reports/jobs', status: 201 },
  }),
  'reports.job': procedure({
    summary: 'A report you started: its progress, and once done, the export it made. Another person’s job is not found.',
    access: 'export',
    input: z.strictObject({ id: JobId }),
    output: ReportJob,
    rest: { method: 'GET', path: '/organization/reports/jobs/{id}' },
  }),
  'reports.cancel': procedure({
    summary: 'Stop generating a report you started; nothing is recorded.',
    access: 'export',
    input: z.strictObject({ id: JobId }),
    output: ReportJob,
    rest: { method: 'POST', path: '/organization/reports/jobs/{id}/cancel' },
  }),
  'reports.file': procedure({
    summary: 'The file a finished report job you started made, to save or download.',
    access: 'export',
    input: z.strictObject({ id: JobId }),
    output: BinaryFile,
    rest: { method: 'GET', path: '/organization/reports/jobs/{id}/file', produces: 'file' },
  }),
  'reports.history': procedure({
    summary: 'Past exports, newest first: format, scope, moment, who made them, when, and the SHA-256 of the file.',
    access: 'read',
    input: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    output: z.object({ exports: z.array(ReportExport) }),
    rest: { method: 'GET', path: '/organization/reports' },
  }),
}
