/**
 * `govern audit verify` against real workspace files tampered with as an intruder would: with the
 * sqlite3 command line, in a separate process, around the append-only triggers.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEventHash, type HashedAuditFields } from '../engine/audit-hash'
import { caller, openTestEngine, tempFolder } from '../testing/workspace'

const folder = tempFolder()
afterAll(() => folder.remove())

const root = join(__dirname, '..', '..')
const entry = join(root, 'src-main', 'cli', 'govern.ts')
const SQLITE3 = '/usr/bin/sqlite3'

function govern(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, encoding: 'utf8' })
  return { code: run.status, out: run.stdout, err: run.stderr }
}

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
    expect(run.err).toContain('there is no workspace at')
  })
})

describe('govern audit verify --package', () => {
  const text = 'id,name\r\napp_1,Claims Bot\r\n'
  const manifest = (sha256: string) =>
    JSON.stringify({
      format: 'governance-console-audit-package/1',
      workspace_id: 'ws_0123456789abcdef',
      as_of: '2026-03-01T10:30:00.000Z',
      scope: { kind: 'organization', policy_id: null, policy_name: null, application_id: null, application_name: null },
      audit_chain_head: 'a'.repeat(64),
      generated_at: '2026-03-01T10:31:00.000Z',
      generated_by: { id: 'owner', name: 'Olivia Owner' },
      files: [{ path: 'applications.csv', size: text.length, sha256 }],
    })
  const sha256 = (content: string) => createHash('sha256').update(content).digest('hex')

  it('exits 0 for a package whose files match its manifest, and 1 naming the file that does not', () => {
    const good = folder.path('good.zip')
    writeFileSync(good, zipSync({ 'manifest.json': strToU8(manifest(sha256(text))), 'applications.csv': strToU8(text) }))
    const intact = govern('audit', 'verify', '--package', good)
    expect(intact.code).toBe(0)
    expect(intact.out).toContain('Audit package intact: all 1 files match manifest.json.')

    const bad = folder.path('bad.zip')
    writeFileSync(bad, zipSync({ 'manifest.json': strToU8(manifest(sha256('something else'))), 'applications.csv': strToU8(text) }))
    const tampered = govern('audit', 'verify', '--package', bad)
    expect(tampered.code).toBe(1)
    expect(tampered.out).toContain('applications.csv does not match its SHA-256 in the manifest')
  })

  it('exits 2 for a file that is not an audit package', () => {
    const file = folder.path('notes.zip')
    writeFileSync(file, 'not a zip')
    const run = govern('audit', 'verify', '--package', file)
    expect(run.code).toBe(2)
    expect(run.err).toContain('is not a readable zip file')
  })
})
