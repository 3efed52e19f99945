/**
 * `govern audit verify` against real workspace files tampered with as an intruder would: with the
 * sqlite3 command line, in a separate process, around the append-only triggers.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PackageManifest } from '../../src-shared/domain/reports'
import type { ChainedEvent } from '../engine/audit/audit-chain'
import { auditEventHash, type HashedAuditFields } from '../engine/audit-hash'
import { auditTrailJsonl } from '../engine/reports/audit-package'
import { caller, openTestEngine, tempFolder } from '../testing/workspace'
import { runGovern } from '../testing/govern-cli'

const folder = tempFolder()
afterAll(() => folder.remove())

const SQLITE3 = '/usr/bin/sqlite3'

const govern = (...args: string[]) => runGovern(args)

function sqlite3(file: string, statements: string) {
  const run = spawnSync(SQLITE3, ['-bail', file, statements], { encoding: 'utf8' })
  return { code: run.status, out: run.stdout.trim(), err: run.stderr }
}

let original: string
let copies = 0
/** A fresh copy of the workspace, for one tampering. */
function copy(): string {
  const file = folder.path(`copy-${copies++}.sqlite`)
  copyFileSync(original, file)
  return file
}

beforeAll(async () => {
  original = folder.path('workspace.sqlite')
  const { engine, clock } = await openTestEngine(original, '2026-03-01T10:00:00.000Z')
  const call = caller(engine)
  for (const name of ['Claims Bot', 'Fraud Scorer', 'Support Assistant', 'Underwriting Copilot', 'Claims Triage', 'Policy Summariser', 'Broker Chat', 'Risk Explainer']) {
    await call('applications.create', { name, tags: ['production'], team: 'Claims', environment: 'production' })
    clock.advance(15 * 60_000)
  }
  const policy = await call('policies.createFromTemplate', { template_id: 'system_health', name: 'System health' })
  clock.advance(15 * 60_000)
  await call('policies.update', { id: policy.id, description: 'Latency and errors on everything in production' })
  await engine.close()
})

const events = () => Number(sqlite3(original, 'SELECT count(*) FROM audit_events').out)
const eventAt = (file: string, id: number) => sqlite3(file, `SELECT at, action FROM audit_events WHERE id = ${id}`).out.split('|')

describe('govern audit verify --db', () => {
  it('finds an untouched workspace intact (exit 0)', () => {
    const run = govern('audit', 'verify', '--db', copy())
    expect(run.code).toBe(0)
    expect(run.out).toContain(`Audit trail intact: ${events()} events`)
    expect(run.out).toMatch(/Head [0-9a-f]{64}/)
    expect(events()).toBeGreaterThan(10)
  })

  it('exits 1 naming the event whose field was edited', () => {
    const file = copy()
    // The triggers refuse an edit, a replacement and a removal.
    expect(sqlite3(file, "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = 5").err).toContain('append-only')
    expect(sqlite3(file, "INSERT OR REPLACE INTO audit_events (id, at, actor_id, actor_name, action, entity_type, entity_id) SELECT id, at, actor_id, 'Mallory', action, entity_type, entity_id FROM audit_events WHERE id = 5").err).toContain('append-only')
    expect(sqlite3(file, 'DROP TRIGGER audit_events_append_only_update; UPDATE audit_events SET actor_name = \'Mallory\' WHERE id = 5').code).toBe(0)
    const [at, action] = eventAt(file, 5)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event 5 (${at!.slice(0, 10)} ${at!.slice(11, 16)} UTC, ${action}): its content was altered after it was written`)
    expect(run.out).toContain('4 events before it are intact')
  })

  it('exits 1 naming the event that was deleted', () => {
    const file = copy()
    expect(sqlite3(file, 'DELETE FROM audit_events WHERE id = 7').err).toContain('append-only')
    expect(sqlite3(file, 'DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id = 7').code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain('Audit trail broken at event 7: it was removed (event 7 missing between event 6')
  })

  it('exits 1 naming a row inserted into the trail', () => {
    const file = copy()
    const forged = events() + 1
    const inserted = sqlite3(file, "INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, after_json) VALUES ('2026-03-01T11:30:00.000Z', 'owner', 'Olivia Owner', 'attestation.submitted', 'policy', 'pol_x', '{\"status\":\"compliant\"}')")
    expect(inserted.code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event ${forged} (2026-03-01 11:30 UTC, attestation.submitted): it was inserted`)
  })

  it('exits 1 naming the event edited with the trigger dropped, even re-hashed and the trigger put back', () => {
    const file = copy()
    const row = JSON.parse(sqlite3(file, "SELECT json_object('id', id, 'at', at, 'actor_id', actor_id, 'actor_name', actor_name, 'action', action, 'entity_type', entity_type, 'entity_id', entity_id, 'before_json', before_json, 'after_json', after_json, 'prev_hash', prev_hash) FROM audit_events WHERE id = 3").out) as HashedAuditFields & { prev_hash: string }
    const edited = { ...row, actor_name: 'Someone Else' }
    const trigger = sqlite3(file, "SELECT sql FROM sqlite_master WHERE name = 'audit_events_append_only_update'").out
    expect(trigger).toContain('CREATE TRIGGER')
    const edit = sqlite3(
      file,
      `DROP TRIGGER audit_events_append_only_update;
       UPDATE audit_events SET actor_name = 'Someone Else', hash = '${auditEventHash(row.prev_hash, edited)}' WHERE id = 3;
       ${trigger};`,
    )
    expect(edit.code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event 3 (`)
    expect(run.out).toContain('it was altered and its hash recomputed after it was written (event 4 recorded a different hash for it)')
  })

  it('exits 2 when there is no workspace to check', () => {
    const run = govern('audit', 'verify', '--db', folder.path('nowhere.sqlite'))
    expect(run.code).toBe(2)
    expect(run.err).toContain(`There is no workspace at ${folder.path('nowhere.sqlite')}. Nothing was created there.`)
  })
})

describe('govern audit verify --package', () => {
  let source: string
  let pkg: string
  beforeAll(() => {
    source = copy()
    pkg = folder.path('package.zip')
    // A moment inside the workspace's history, so the package's trail extract holds its events.
    const run = govern('report', '--db', source, '--format', 'package', '--as-of', '2026-03-01T12:00:00Z', '--out', pkg)
    expect(run.code, run.err).toBe(0)
  })

  /** The package with its files changed as `change` does, and its manifest's hashes brought in line, as a forger would. */
  function forged(name: string, change: (files: Record<string, Uint8Array>, manifest: PackageManifest) => void): string {
    const files = unzipSync(readFileSync(pkg))
    const manifest = PackageManifest.parse(JSON.parse(strFromU8(files['manifest.json']!)))
    change(files, manifest)
    manifest.files = manifest.files.map((file) => ({ ...file, size: files[file.path]!.byteLength, sha256: createHash('sha256').update(files[file.path]!).digest('hex') }))
    files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2))
    const out = folder.path(name)
    writeFileSync(out, zipSync(files))
    return out
  }
  const trailOf = (files: Record<string, Uint8Array>) => strFromU8(files['audit-trail.jsonl']!).trimEnd().split('\n').map((line) => JSON.parse(line) as ChainedEvent)
  const jsonl = (trail: ChainedEvent[]) => strToU8(auditTrailJsonl(trail))

  it('exits 0 for an untouched package, its trail chained to its head, and matching the workspace it came from', () => {
    const alone = govern('audit', 'verify', '--package', pkg)
    expect(alone.code, alone.err).toBe(0)
    expect(alone.out).toMatch(/Audit package intact: all \d+ files match manifest.json./)
    expect(alone.out).toMatch(/Its audit trail extract \(events 1 to \d+\) chains to the head the manifest names./)
    const against = govern('audit', 'verify', '--package', pkg, '--db', source)
    expect(against.code, against.err).toBe(0)
    expect(against.out).toMatch(/It matches the workspace .*: its head is event \d+ of the workspace's intact chain./)
  })

  it('exits 1 naming the file changed after the package was made', () => {
    const files = unzipSync(readFileSync(pkg))
    files['csv/gaps.csv'] = strToU8('id\r\n1\r\n')
    const changed = folder.path('changed.zip')
    writeFileSync(changed, zipSync(files))
    const run = govern('audit', 'verify', '--package', changed)
    expect(run.code).toBe(1)
    expect(run.out).toMatch(/csv\/gaps.csv is \d+ bytes; the manifest says \d+/)
  })

  it('exits 1 naming the event of a trail edited in the package, even with the manifest rehashed', () => {
    const edited = forged('edited-trail.zip', (files) => {
      const trail = trailOf(files)
      trail[2] = { ...trail[2]!, actor_name: 'Someone Else' }
      files['audit-trail.jsonl'] = jsonl(trail)
    })
    const run = govern('audit', 'verify', '--package', edited)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`audit-trail.jsonl: Audit trail broken at event 3 (`)
    expect(run.out).toContain('its content was altered after it was written')
  })

  it('exits 1 against the workspace for a trail rewritten whole, hashes, head and manifest alike', () => {
    const rewritten = forged('rewritten-trail.zip', (files, manifest) => {
      let previous = ''
      const trail = trailOf(files).map((event, index) => {
        const content = index === 2 ? { ...event, actor_name: 'Someone Else' } : event
        const prev_hash = index === 0 ? event.prev_hash! : previous
        previous = auditEventHash(prev_hash, content)
        return { ...content, prev_hash, hash: previous }
      })
      files['audit-trail.jsonl'] = jsonl(trail)
      manifest.audit_chain_head = previous
    })
    // On its own the package is consistent: only the workspace's chain can tell.
    expect(govern('audit', 'verify', '--package', rewritten).code).toBe(0)
    const run = govern('audit', 'verify', '--package', rewritten, '--db', source)
    expect(run.code).toBe(1)
    expect(run.out).toContain("is no event of this workspace's chain: its trail was rewritten after the package was made")
  })

  it('exits 1 against another workspace, naming both', async () => {
    const other = folder.path('other.sqlite')
    const { engine } = await openTestEngine(other)
    await engine.close()
    const run = govern('audit', 'verify', '--package', pkg, '--db', other)
    expect(run.code).toBe(1)
    expect(run.out).toMatch(/the package is from workspace ws_\w+, not from this one \(ws_\w+\)/)
  })

  it('exits 2 for a file that is not an audit package, or a workspace that is not there', () => {
    const file = folder.path('notes.zip')
    writeFileSync(file, 'not a zip')
    const run = govern('audit', 'verify', '--package', file)
    expect(run.code).toBe(2)
    expect(run.err).toContain('is not a readable zip file')
    const nowhere = govern('audit', 'verify', '--package', pkg, '--db', folder.path('nowhere.sqlite'))
    expect(nowhere.code).toBe(2)
    expect(nowhere.err).toContain(`There is no workspace at ${folder.path('nowhere.sqlite')}. Nothing was created there.`)
  })
})
