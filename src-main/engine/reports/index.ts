/**
 * Report renderers: pure functions of a `ReportData` (and, for the PDF and the package, the facts
 * of its generation). Gathering the data from the engine is done elsewhere; nothing here reads
 * the workspace.
 */
export { buildAuditPackage, auditTrailJsonl, type AuditPackage, type AuditPackageInput } from './audit-package'
export { reportCsvFiles, REPORT_CSV_TABLES, type ReportFile } from './report-csv'
export { reportDigest, reportJson, sha256Hex } from './report-json'
export { renderReportPdf, type PdfProgress, type ReportFacts } from './report-pdf'
export { trendChartSvg } from './trend-chart'
