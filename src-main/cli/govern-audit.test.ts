/**
 * `govern audit verify` against real workspace files tampered with as an intruder would: with the
 * sqlite3 command line or the SQLite library, in a separate process, around the append-only
 * triggers. The intruder has the workspace file (and the log beside it); the workspace's signing
 * key stays in its owner's key folder, which `govern` is pointed at (GOVERN_AUDIT_KEYS).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PackageManifest } from '../../src-shared/domain/reports'
import type { ChainedEvent } from '../engine/audit/audit-chain'
import { keyFingerprint } from '../engine/audit/checkpoint'
import { createFileKeyStore } from '../engine/audit/key-store'
import { auditEventHash, type HashedAuditFields } from '../engine/audit-hash'
import { auditTrailJsonl } from '../engine/reports/audit-package'
import { caller, openTestEngine, tempFolder } from '../testing/workspace'
import { runGovern } from '../testing/govern-cli'

const folder = tempFolder()
afterAll(() => folder.remove())

const SQLITE3 = '/usr/bin/sqlite3'
/** Where the owner keeps the workspace's signing key: outside the workspace's folder. */
const ownerKeys = folder.path('owner-keys')

/** `govern` as the workspace's owner runs it: with the owner's key folder (each copy of the workspace has its own copy of it). */
const keysOf = new Map<string, string>()
const govern = (...args: string[]) => {
  const db = args.includes('--db') ? args[args.indexOf('--db') + 1]! : ''
  return runGovern(args, { ...process.env, GOVERN_AUDIT_KEYS: keysOf.get(db) ?? ownerKeys })
}

function sqlite3(file: string, statements: string) {
  const run = spawnSync(SQLITE3, ['-bail', file, statements], { encoding: 'utf8' })
  return { code: run.status, out: run.stdout.trim(), err: run.stderr }
}

let original: string
let copies = 0
/**
 * A fresh copy of the workspace for one tampering, with the log of signed heads beside it, and
 * its own copy of the owner's key folder: the copies share one workspace id, and what one signs
 * must not count against another.
 */
function copy(): string {
  const file = folder.path(`copy-${copies}.sqlite`)
  copyFileSync(original, file)
  copyFileSync(`${original}.audit-heads.jsonl`, `${file}.audit-heads.jsonl`)
  const keys = folder.path(`copy-${copies++}-keys`)
  cpSync(ownerKeys, keys, { recursive: true })
  keysOf.set(file, keys)
  return file
}

beforeAll(async () => {
  original = folder.path('workspace.sqlite')
  const { engine, clock } = await openTestEngine(original, '2026-03-01T10:00:00.000Z', { auditKeys: createFileKeyStore(ownerKeys) })
  const call = caller(engine)
  for (const name of ['Claims Bot', 'Fraud Scorer', 'Support Assistant', 'Underwriting Copilot', 'Claims Triage', 'Policy Summariser', 'Broker Chat', 'Risk Explainer']) {
    await call('applications.create', { name, tags: ['production'], team: 'Claims', environment: 'production' })
    clock.advance(15 * 60_000)
  }
  const policy = await call('policies.createFromTemplate', { template_id: 'system_health', name: 'System health' })
  clock.advance(15 * 60_000)
  await call('policies.update', { id: policy.id, description: 'Latency and errors on everything in production' })
  await engine.close()
  fingerprint = keyFingerprint((await createFileKeyStore(ownerKeys).publicKeys(await workspaceIdOf(original)))[0]!)
})

async function workspaceIdOf(file: string): Promise<string> {
  const sqlite = new BetterSqlite3(file, { readonly: true })
  try {
    return (sqlite.prepare('SELECT id FROM workspace_identity').get() as { id: string }).id
  } finally {
    sqlite.close()
  }
}

/** The intruder's way round the refusals: the append-only triggers dropped, `change` made, the triggers put back as they were. */
function aroundTriggers(file: string, change: (sqlite: BetterSqlite3.Database) => void): void {
  const sqlite = new BetterSqlite3(file)
  const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_events_append_only_%'").all() as Array<{ name: string; sql: string }>
  for (const trigger of triggers) sqlite.exec(`DROP TRIGGER ${trigger.name}`)
  change(sqlite)
  for (const trigger of triggers) sqlite.exec(trigger.sql)
  sqlite.close()
}

type StoredEvent = HashedAuditFields & { prev_hash: string; hash: string }

/** Edits one event and recomputes its hash and every later one's, so the chain holds again: what a forger with the file does. */
function rewriteFrom(file: string, id: number, edit: (event: StoredEvent) => StoredEvent): void {
  aroundTriggers(file, (sqlite) => {
    const rows = sqlite.prepare('SELECT * FROM audit_events WHERE id >= ? ORDER BY id').all(id) as StoredEvent[]
    const update = sqlite.prepare('UPDATE audit_events SET actor_name = ?, after_json = ?, prev_hash = ?, hash = ? WHERE id = ?')
    let previous = rows[0]!.prev_hash
    for (const row of rows) {
      const content = row.id === id ? edit(row) : row
      const hash = auditEventHash(previous, content)
      update.run(content.actor_name, content.after_json, previous, hash, row.id)
      previous = hash
    }
  })
}

const lastEvent = (file: string) => Number(sqlite3(file, 'SELECT max(id) FROM audit_events').out)

/** Appends an event chained to the last one, its hash right: all a forger without the key can do. */
function appendForged(file: string): number {
  let id = 0
  aroundTriggers(file, (sqlite) => {
    const last = sqlite.prepare('SELECT * FROM audit_events ORDER BY id DESC LIMIT 1').get() as StoredEvent
    id = last.id + 1
    const forged = { id, at: '2026-03-01T12:30:00.000Z', actor_id: 'owner', actor_name: 'Olivia Owner', action: 'attestation.submitted', entity_type: 'policy', entity_id: 'pol_x', before_json: null, after_json: '{"status":"compliant"}' }
    sqlite
      .prepare('INSERT INTO audit_events (id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(...Object.values(forged), last.hash, auditEventHash(last.hash, forged))
  })
  return id
}

const events = () => Number(sqlite3(original, 'SELECT count(*) FROM audit_events').out)
let fingerprint: string
const eventAt = (file: string, id: number) => sqlite3(file, `SELECT at, action FROM audit_events WHERE id = ${id}`).out.split('|')

describe('govern audit verify --db', () => {
  it('finds an untouched workspace intact (exit 0), against the newest head signed with its key', () => {
    const file = copy()
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code, run.out + run.err).toBe(0)
    expect(run.out).toContain(`Audit trail intact: ${events()} events`)
    expect(run.out).toMatch(/Head [0-9a-f]{64}/)
    expect(run.out).toContain(`Checked against the signed head of event ${events()} (signed `)
    expect(run.out).toContain('it covers every event.')
    expect(run.out).toContain(`Signing key fingerprint ${fingerprint} (kept outside the workspace, in ${keysOf.get(file)}).`)
    expect(events()).toBeGreaterThan(10)
  })

  it('exits 1 naming the event whose field was edited', () => {
    const file = copy()
    // The triggers refuse an edit, a replacement and a removal: to any other program, the trail cannot be written at all.
    expect(sqlite3(file, "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = 5").err).toContain('no such function: console_applies_server_trail')
    expect(sqlite3(file, "INSERT OR REPLACE INTO audit_events (id, at, actor_id, actor_name, action, entity_type, entity_id) SELECT id, at, actor_id, 'Mallory', action, entity_type, entity_id FROM audit_events WHERE id = 5").err).toContain('no such function')
    expect(sqlite3(file, 'DROP TRIGGER audit_events_append_only_update; UPDATE audit_events SET actor_name = \'Mallory\' WHERE id = 5').code).toBe(0)
    const [at, action] = eventAt(file, 5)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event 5 (${at!.slice(0, 10)} ${at!.slice(11, 16)} UTC, ${action}): its content was altered after it was written`)
    expect(run.out).toContain('4 events before it are intact')
  })

  it('exits 1 naming the event that was deleted', () => {
    const file = copy()
    expect(sqlite3(file, 'DELETE FROM audit_events WHERE id = 7').err).toContain('no such function')
    expect(sqlite3(file, 'DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id = 7').code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain('Audit trail broken at event 7: it was removed (event 7 missing between event 6')
  })

  it('exits 1 naming a row inserted into the trail', () => {
    const file = copy()
    const forged = events() + 1
    const inserted = sqlite3(file, "DROP TRIGGER audit_events_append_only_replace; INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, after_json) VALUES ('2026-03-01T11:30:00.000Z', 'owner', 'Olivia Owner', 'attestation.submitted', 'policy', 'pol_x', '{\"status\":\"compliant\"}')")
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

describe('the adversary’s tamper cases, each found by govern audit verify with the key’s public half', () => {
  it('delete the last event and lower the counters', () => {
    const last = lastEvent(original)
    // As the file alone allows: the newest event gone, and every counter that remembered it lowered.
    const shorten = (file: string, more = '') =>
      sqlite3(
        file,
        `DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id = ${last};
         UPDATE audit_ids_issued SET highest_id = ${last - 1}; UPDATE sqlite_sequence SET seq = ${last - 1} WHERE name = 'audit_events'; ${more}`,
      )
    const file = copy()
    expect(shorten(file).code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event ${last}: it was removed (event ${last} missing: the trail ends at event ${last - 1}, but a head signed at`)

    // The signed heads in the file removed too: the log beside it still names the newest.
    const withoutHeads = copy()
    expect(shorten(withoutHeads, 'DELETE FROM audit_checkpoints;').code).toBe(0)
    const fromLog = govern('audit', 'verify', '--db', withoutHeads)
    expect(fromLog.code).toBe(1)
    expect(fromLog.out).toContain(`Audit trail broken at event ${last}: it was removed`)
    expect(fromLog.out).toContain(`in the log beside the workspace (${withoutHeads}.audit-heads.jsonl), names event ${last})`)

    // And the log emptied as well (the intruder has the folder): the key's own folder still does.
    const withoutLog = copy()
    expect(shorten(withoutLog, 'DELETE FROM audit_checkpoints;').code).toBe(0)
    rmSync(`${withoutLog}.audit-heads.jsonl`)
    const fromKeys = govern('audit', 'verify', '--db', withoutLog)
    expect(fromKeys.code).toBe(1)
    expect(fromKeys.out).toContain(`in the key folder (${keysOf.get(withoutLog)}), names event ${last})`)
  })

  it('edit an event newer than the last package and re-hash everything', () => {
    const file = copy()
    const pkg = folder.path('before-the-rewrite.zip')
    expect(govern('report', '--db', file, '--format', 'package', '--as-of', '2026-03-01T11:00:00Z', '--out', pkg).code).toBe(0)
    // An event after the package's head, edited, and every hash after it recomputed: the chain holds again.
    const edited = lastEvent(file) - 3
    rewriteFrom(file, edited, (event) => ({ ...event, actor_name: 'Someone Else' }))
    aroundTriggers(file, (sqlite) => sqlite.exec('DELETE FROM audit_checkpoints'))
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toMatch(/Audit trail broken at event [\d,]+ \(2026-03-01 \d\d:\d\d UTC, [a-z_.]+\): it was rewritten after it was signed, its hash recomputed/)
    expect(run.out).toContain(`in the log beside the workspace (${file}.audit-heads.jsonl)`)
    // The log's heads narrow it down: between the last that still holds and the first that does not.
    const intactUpTo = Number(/The trail was rewritten between event ([\d,]+), whose signed head still holds, and this one/.exec(run.out)?.[1]?.replaceAll(',', ''))
    const named = Number(/Audit trail broken at event ([\d,]+) \(/.exec(run.out)?.[1]?.replaceAll(',', ''))
    expect(intactUpTo).toBeLessThan(edited)
    expect(named).toBeGreaterThanOrEqual(edited)
    // The package made before still checks out on its own; against the workspace, the rewrite shows.
    expect(govern('audit', 'verify', '--package', pkg).code).toBe(0)
    const against = govern('audit', 'verify', '--package', pkg, '--db', file)
    expect(against.code).toBe(1)
    expect(against.out).toContain("this workspace's own audit trail is broken")
  })

  it('append a forged event', () => {
    const file = copy()
    const forged = appendForged(file)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event ${forged} (2026-03-01 12:30 UTC, attestation.submitted): no signed head covers it (event ${forged} came after the newest head signed with the workspace's key, event ${forged - 1} at`)
    expect(run.out).toContain('it was added without the key')

    // The console writing after it does not cover for it: it finds the event unsigned and says so in the chain, after the token's event.
    expect(govern('token', 'create', '--db', file, '--name', 'after-the-forgery').code).toBe(0)
    const later = govern('audit', 'verify', '--db', file)
    expect(later.code).toBe(1)
    expect(later.out).toContain(`Audit trail broken at event ${forged} (2026-03-01 12:30 UTC, attestation.submitted): it was added without the workspace's key (the console found event ${forged} so when it next wrote, and recorded it at event ${forged + 2})`)
  })

  it('toggle the pulling state and delete', () => {
    const file = copy()
    const last = lastEvent(file)
    // The flag a desktop's pull once set no longer stands the refusal aside: only the console's own pull can.
    const toggled = sqlite3(file, `UPDATE sync_state SET pulling = 1; DELETE FROM audit_events WHERE id = ${last}`)
    expect(toggled.code).not.toBe(0)
    expect(toggled.err).toContain('no such function: console_applies_server_trail')
    expect(lastEvent(file)).toBe(last)
    // With the trigger dropped as well, the deletion goes through, and shows.
    expect(sqlite3(file, `UPDATE sync_state SET pulling = 1; DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id = ${last}; UPDATE audit_ids_issued SET highest_id = ${last - 1}; UPDATE sqlite_sequence SET seq = ${last - 1} WHERE name = 'audit_events'; UPDATE sync_state SET pulling = 0`).code).toBe(0)
    const run = govern('audit', 'verify', '--db', file)
    expect(run.code).toBe(1)
    expect(run.out).toContain(`Audit trail broken at event ${last}: it was removed`)
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
    expect(alone.out).toMatch(new RegExp(`Its head \\(event \\d+\\) is signed with the key whose fingerprint is ${fingerprint}, signed 2026-`))
    const against = govern('audit', 'verify', '--package', pkg, '--db', source)
    expect(against.code, against.err).toBe(0)
    expect(against.out).toMatch(/It matches the workspace .*: its head is event \d+ of the workspace's intact chain./)
    // Pinned to the key's fingerprint, as an auditor given it out of band would: the package's signature is checked against it.
    expect(govern('audit', 'verify', '--package', pkg, '--fingerprint', fingerprint).code).toBe(0)
    const otherKey = govern('audit', 'verify', '--package', pkg, '--fingerprint', 'ab'.repeat(32))
    expect(otherKey.code).toBe(1)
    expect(otherKey.out).toContain('The package is signed with another key than the one you named')
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
    // The head the forger made is not the one the workspace's key signed.
    const alone = govern('audit', 'verify', '--package', rewritten)
    expect(alone.code).toBe(1)
    expect(alone.out).toContain('manifest.json: the signed head has hash')
    expect(alone.out).toContain('the trail was rebuilt after it was signed')

    // With the signature taken out, the package is consistent on its own: only the workspace can tell.
    const unsigned = forged('rewritten-unsigned.zip', (files, manifest) => {
      const rebuilt = unzipSync(readFileSync(rewritten))
      files['audit-trail.jsonl'] = rebuilt['audit-trail.jsonl']!
      manifest.audit_chain_head = PackageManifest.parse(JSON.parse(strFromU8(rebuilt['manifest.json']!))).audit_chain_head
      delete manifest.audit_checkpoint
      delete manifest.signing_key_fingerprint
    })
    const stripped = govern('audit', 'verify', '--package', unsigned)
    expect(stripped.code).toBe(0)
    expect(stripped.out).toContain('It carries no signed head')
    const run = govern('audit', 'verify', '--package', unsigned, '--db', source)
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

describe('a package of a workspace whose clock ran an hour ahead, then came back', () => {
  it('verifies (exit 0): its trail is a run of ids, whatever the moments recorded inside it', async () => {
    const file = folder.path('clock-ahead.sqlite')
    const { engine, clock } = await openTestEngine(file, '2026-03-01T10:00:00.000Z', { auditKeys: createFileKeyStore(ownerKeys) })
    const call = caller(engine)
    await call('applications.create', { name: 'Claims Bot', tags: ['production'] })
    // One write recorded while the clock ran an hour ahead …
    clock.set('2026-03-01T11:20:00.000Z')
    await call('applications.create', { name: 'Fraud Scorer', tags: ['production'] })
    // … and the ones after it once the clock was put right.
    clock.set('2026-03-01T10:25:00.000Z')
    await call('applications.create', { name: 'Broker Chat', tags: ['production'] })
    clock.set('2026-03-01T10:40:00.000Z')
    await call('applications.create', { name: 'Risk Explainer', tags: ['production'] })
    clock.set('2026-03-01T12:00:00.000Z')
    await engine.close()
    const ahead = Number(sqlite3(file, "SELECT min(id) FROM audit_events WHERE at = '2026-03-01T11:20:00.000Z'").out)
    const after = Number(sqlite3(file, "SELECT max(id) FROM audit_events WHERE at = '2026-03-01T10:40:00.000Z'").out)
    expect(ahead).toBeGreaterThan(1)
    expect(after).toBeGreaterThan(ahead)

    // As of 11:00: the events stamped 11:20 were written before those stamped 10:25 and 10:40, so they are part of it.
    const pkg = folder.path('clock-ahead.zip')
    const made = govern('report', '--db', file, '--format', 'package', '--as-of', '2026-03-01T11:00:00Z', '--out', pkg)
    expect(made.code, made.err).toBe(0)
    const alone = govern('audit', 'verify', '--package', pkg)
    expect(alone.code, alone.out).toBe(0)
    expect(alone.out).toContain(`Its audit trail extract (events 1 to ${after}) chains to the head the manifest names.`)
    const trail = strFromU8(unzipSync(readFileSync(pkg))['audit-trail.jsonl']!).trimEnd().split('\n').map((line) => JSON.parse(line) as ChainedEvent)
    expect(trail.map((event) => event.id)).toEqual(Array.from({ length: after }, (_, index) => index + 1))
    expect(trail.some((event) => event.at === '2026-03-01T11:20:00.000Z')).toBe(true)
    const against = govern('audit', 'verify', '--package', pkg, '--db', file)
    expect(against.code, against.out).toBe(0)
    expect(govern('audit', 'verify', '--db', file).code).toBe(0)
  })
})
