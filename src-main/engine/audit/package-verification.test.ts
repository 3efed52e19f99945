import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { strToU8, zipSync, type Zippable } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import type { PackageManifest } from '../../../src-shared/domain/reports'
import { chainedTrail } from '../../testing/chained-trail'
import { auditTrailJsonl } from '../reports/audit-package'
import { tempFolder } from '../../testing/workspace'
import { verifyPackage, verifyPackageBytes } from './package-verification'

const folder = tempFolder()
afterAll(() => folder.remove())

// A period's extract: events 5 to 8 of a workspace's trail.
const TRAIL = chainedTrail(8).slice(4)
const HEAD = TRAIL.at(-1)!.hash!

const FILES: Record<string, string> = {
  'report.pdf': '%PDF-1.7 not really a PDF, but bytes all the same',
  'csv/applications.csv': 'id,name,status\r\napp_1,Claims Bot,compliant\r\n',
  'report.json': '{"format":"governance-console-report/1"}',
  'audit-trail.jsonl': auditTrailJsonl(TRAIL),
}

function manifestOf(files: Record<string, string>): PackageManifest {
  return {
    format: 'governance-console-audit-package/1',
    workspace_id: 'ws_0123456789abcdef',
    as_of: '2026-03-01T10:30:00.000Z',
    scope: { kind: 'organization', policy_id: null, policy_name: null, application_id: null, application_name: null },
    audit_chain_head: HEAD,
    generated_at: '2026-03-01T10:31:00.000Z',
    generated_by: { id: 'owner', name: 'Olivia Owner' },
    files: Object.entries(files).map(([path, text]) => ({ path, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') })),
  }
}

/** A package as the reports area builds one: the files, and a manifest listing them. */
function packageOf(files: Record<string, string>, manifest: unknown = manifestOf(files)): Uint8Array {
  const entries: Zippable = { 'manifest.json': strToU8(JSON.stringify(manifest, null, 2)) }
  for (const [path, text] of Object.entries(files)) entries[path] = strToU8(text)
  return zipSync(entries)
}

describe('verifying an audit package', () => {
  it('finds an untouched package intact, from its file on disk', () => {
    const file = folder.path('intact.zip')
    writeFileSync(file, packageOf(FILES))
    expect(verifyPackage(file)).toEqual({ status: 'intact', manifest: manifestOf(FILES), trail: { events: 4, first_id: 5, last_id: 8 } })
  })

  it('names a file whose content changed, even at the same size', () => {
    const changed = { ...FILES, 'csv/applications.csv': FILES['csv/applications.csv']!.replace('compliant', 'COMPLIANT') }
    expect(verifyPackageBytes(packageOf(changed, manifestOf(FILES)))).toEqual({
      status: 'tampered',
      problems: ['csv/applications.csv does not match its SHA-256 in the manifest: its content was changed'],
    })
  })

  it('names a file of another size, a file missing and a file added', () => {
    const { 'report.json': _removed, ...rest } = FILES
    const tampered = { ...rest, 'report.pdf': `${FILES['report.pdf']} and more`, 'extra.csv': 'a,b\r\n' }
    expect(verifyPackageBytes(packageOf(tampered, manifestOf(FILES)))).toEqual({
      status: 'tampered',
      problems: [
        `report.pdf is ${Buffer.byteLength(tampered['report.pdf'])} bytes; the manifest says ${Buffer.byteLength(FILES['report.pdf']!)}`,
        'report.json is listed in the manifest but missing from the package',
        'extra.csv is in the package but not in the manifest: it was added',
      ],
    })
  })

  it('refuses a manifest that is not one', () => {
    const result = verifyPackageBytes(packageOf(FILES, { ...manifestOf(FILES), files: 'none' }))
    expect(result.status).toBe('tampered')
    expect(result).toMatchObject({ problems: [expect.stringContaining('manifest.json: files')] })
  })

  it('says a file is not an audit package when it is no zip or holds no manifest', () => {
    expect(verifyPackageBytes(strToU8('just text')).status).toBe('unreadable')
    expect(verifyPackageBytes(zipSync({ 'a.txt': strToU8('a') }))).toEqual({ status: 'unreadable', problems: ['it holds no manifest.json, so it is not an audit package'] })
    expect(verifyPackage(folder.path('missing.zip')).status).toBe('unreadable')
  })
})

describe('verifying the audit trail an audit package carries', () => {
  /** The package with this trail, its manifest listing it faithfully: only the chain can tell. */
  const withTrail = (trail: string, head = HEAD) => {
    const files = { ...FILES, 'audit-trail.jsonl': trail }
    return verifyPackageBytes(packageOf(files, { ...manifestOf(files), audit_chain_head: head }))
  }

  it('names the event edited, removed or slipped in, even with the manifest rehashed', () => {
    const edited = TRAIL.map((event) => (event.id === 6 ? { ...event, after_json: '{"name":"Someone else"}' } : event))
    expect(withTrail(auditTrailJsonl(edited))).toEqual({ status: 'tampered', problems: [expect.stringMatching(/^audit-trail.jsonl: Audit trail broken at event 6 \(.*\): its content was altered after it was written$/)] })
    const removed = TRAIL.filter((event) => event.id !== 7)
    expect(withTrail(auditTrailJsonl(removed))).toEqual({ status: 'tampered', problems: [expect.stringMatching(/^audit-trail.jsonl: Audit trail broken at event 7: it was removed/)] })
    const intruder = { ...chainedTrail(1, 7)[0]!, prev_hash: 'f'.repeat(64), hash: 'e'.repeat(64) }
    const inserted = [...TRAIL.slice(0, 2), intruder, ...TRAIL.slice(2).map((event) => ({ ...event, id: event.id + 1 }))]
    expect(withTrail(auditTrailJsonl(inserted))).toEqual({ status: 'tampered', problems: [expect.stringMatching(/^audit-trail.jsonl: Audit trail broken at event 7 \(.*\): it was inserted/)] })
  })

  it('needs the trail to end on the head the manifest names', () => {
    expect(withTrail(auditTrailJsonl(TRAIL.slice(0, 3)))).toEqual({
      status: 'tampered',
      problems: [`audit-trail.jsonl ends on hash ${TRAIL[2]!.hash}, not on the audit_chain_head ${HEAD} the manifest names`],
    })
  })

  it('names a line that is not an event, and a package without its trail', () => {
    expect(withTrail(`${auditTrailJsonl(TRAIL.slice(0, 1))}{"id": 6}\n`)).toMatchObject({ status: 'tampered', problems: [expect.stringMatching(/^audit-trail.jsonl line 2: at /)] })
    expect(withTrail('not json\n')).toEqual({ status: 'tampered', problems: ['audit-trail.jsonl line 1 is not JSON'] })
    const { 'audit-trail.jsonl': _trail, ...withoutTrail } = FILES
    expect(verifyPackageBytes(packageOf(withoutTrail))).toEqual({ status: 'tampered', problems: ["audit-trail.jsonl is missing: every audit package carries its period's audit trail"] })
  })

  it('accepts an empty trail: nothing was recorded in the period', () => {
    expect(withTrail('')).toMatchObject({ status: 'intact', trail: { events: 0, first_id: null, last_id: null } })
  })
})
