import { parse } from 'csv-parse/sync'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { PackageManifest } from '../../../src-shared/domain/reports'
import { chainedTrail } from '../../testing/chained-trail'
import { FORMULA_NAME, sampleReportData } from '../../testing/report-fixtures'
import { verifyPackageBytes } from '../audit/package-verification'
import { auditTrailJsonl, buildAuditPackage, type AuditPackageInput } from './audit-package'
import { reportCsvFiles } from './report-csv'
import { reportDigest, reportJson, sha256Hex } from './report-json'

const data = sampleReportData()
const csvTable = (name: string) => parse(reportCsvFiles(data).find((file) => file.path === `${name}.csv`)!.text, { columns: true }) as Array<Record<string, string>>

describe('the CSV and JSON exports', () => {
  it('writes one CSV file per table', () => {
    expect(reportCsvFiles(data).map((file) => file.path)).toEqual(['applications-and-statuses.csv', 'gaps.csv', 'attestations.csv', 'exceptions.csv', 'rule-inventory.csv'])
  })

  it('writes one row per application and policy, sorted by ids, and escapes a name a spreadsheet would run', () => {
    const rows = csvTable('applications-and-statuses')
    expect(rows.map((row) => `${row.application_id} ${row.policy_id} ${row.status}`)).toEqual([
      'app_claims pol_health compliant',
      'app_claims pol_sensitive non_compliant',
      'app_formula pol_health pending',
      'app_fraud pol_health compliant',
      'app_fraud pol_sensitive compliant',
    ])
    expect(rows.find((row) => row.application_id === 'app_formula')!.application_name).toBe(`'${FORMULA_NAME}`)
    expect(reportCsvFiles(data)[0]!.text).toContain(`"'=HYPERLINK(""http://x"",""click"")"`)
  })

  it('lists gaps by id with their times, and exceptions with their expiry and state', () => {
    expect(csvTable('gaps').map((row) => [row.id, row.opened_at, row.resolved_at])).toEqual([
      ['7', '2026-03-10T04:00:00.000Z', '2026-03-11T16:30:00.000Z'],
      ['11', '2026-03-29T07:00:00.000Z', ''],
    ])
    expect(csvTable('exceptions')[0]).toMatchObject({ id: 'exc_1', expiry_date: '2026-06-30', state: 'active', granted_by_name: 'Cara Reviewer' })
    expect(csvTable('rule-inventory').find((row) => row.application_id === 'app_claims' && row.requirement === 'error_rate')!.source_policies).toBe('System Health v1; Sensitive Data v2')
  })

  it('gives byte-identical CSV and JSON for the same data, whatever order its lists arrived in', () => {
    const shuffled = structuredClone(data)
    shuffled.applications.reverse()
    shuffled.gaps.reverse()
    shuffled.rule_inventory.reverse()
    expect(reportCsvFiles(shuffled)).toEqual(reportCsvFiles(data))
    expect(reportJson(structuredClone(data))).toBe(reportJson(data))
  })

  it('writes the JSON in the order the type declares its keys, whatever order they came in', () => {
    const reordered = Object.fromEntries(Object.entries(structuredClone(data)).reverse()) as typeof data
    expect(reportJson(reordered)).toBe(reportJson(data))
    expect(Object.keys(JSON.parse(reportJson(data)))).toEqual(['format', 'scope', 'as_of', 'period_start', 'summary', 'policies', 'applications', 'gaps', 'attestations', 'exceptions', 'rule_inventory'])
    expect(reportJson(data)).toMatch(/^\{\n {2}"format": "governance-console-report\/1",\n/)
  })
})

const TRAIL = chainedTrail(2)

describe('the audit package', () => {
  const input = (generatedAt: string): AuditPackageInput => ({
    data,
    workspace_id: 'ws_test',
    audit_chain_head: TRAIL.at(-1)!.hash!,
    audit_trail: TRAIL,
    generated_at: generatedAt,
    generated_by: { id: 'usr_olga', name: 'Olga Auditor' },
  })

  it('holds the PDF, the CSVs, the JSON, the trail and a manifest whose every hash and size match its file', async () => {
    const built = await buildAuditPackage(input('2026-04-01T08:00:00.000Z'))
    const files = unzipSync(built.zip)
    expect(Object.keys(files)).toEqual([
      'report.pdf', 'report.json', 'csv/applications-and-statuses.csv', 'csv/gaps.csv', 'csv/attestations.csv', 'csv/exceptions.csv', 'csv/rule-inventory.csv', 'audit-trail.jsonl', 'manifest.json',
    ])
    const manifest = PackageManifest.parse(JSON.parse(new TextDecoder().decode(files['manifest.json'])))
    expect(manifest).toEqual(built.manifest)
    expect(manifest).toMatchObject({ workspace_id: 'ws_test', as_of: data.as_of, audit_chain_head: TRAIL.at(-1)!.hash, generated_by: { id: 'usr_olga', name: 'Olga Auditor' } })
    expect(manifest.files.map((file) => file.path)).toEqual(Object.keys(files).filter((path) => path !== 'manifest.json'))
    for (const file of manifest.files) {
      expect(sha256Hex(files[file.path]!), file.path).toBe(file.sha256)
      expect(files[file.path]!.byteLength, file.path).toBe(file.size)
    }
    expect(built.digest).toBe(reportDigest(data))
    expect(new TextDecoder().decode(files['audit-trail.jsonl'])).toBe(auditTrailJsonl(TRAIL))
    expect(verifyPackageBytes(built.zip)).toMatchObject({ status: 'intact', trail: { events: 2, first_id: 1, last_id: 2 } })
  })

  it('differs between two generations only in the generation facts', async () => {
    const first = unzipSync((await buildAuditPackage(input('2026-04-01T08:00:00.000Z'))).zip)
    const second = unzipSync((await buildAuditPackage(input('2026-04-02T09:30:00.000Z'))).zip)
    for (const path of Object.keys(first)) {
      if (path === 'manifest.json' || path === 'report.pdf') continue
      expect(second[path], path).toEqual(first[path])
    }
    const manifests = [first, second].map((files) => JSON.parse(new TextDecoder().decode(files['manifest.json'])) as PackageManifest)
    expect({ ...manifests[1], generated_at: null, files: manifests[1]!.files.filter((f) => f.path !== 'report.pdf') }).toEqual({
      ...manifests[0],
      generated_at: null,
      files: manifests[0]!.files.filter((f) => f.path !== 'report.pdf'),
    })
  })
})
