/**
 * Which signed heads the trail is checked against, and why a key is trusted: kept outside the
 * workspace, pinned by its fingerprint, or named in the chain under a trusted head. A forger's
 * own key, named in the file, signs nothing that counts. Real workspaces (files, or PostgreSQL
 * databases in the engine-on-postgres project) and key folders, tampered with around the
 * triggers as their owner could.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { aroundTrailTriggers, ENGINE_TESTS_ON_POSTGRES, testWorkspaceLocation, withRawWorkspace } from '../../testing/engine-database'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { auditEventHash, type HashedAuditFields } from '../audit-hash'
import { openWorkspaceDatabase } from '../db/workspace-database'
import { workspaceId } from '../db/workspace-identity'
import { gatherAnchors, verifyAnchoredTrail } from './anchored-verification'
import { keyFingerprint, newSigningKey, signerFor } from './checkpoint'
import { createFileKeyStore } from './key-store'

const folder = tempFolder()
afterAll(() => folder.remove())
let made = 0

/** A workspace signed with a key in its own folder, a few changes in. */
async function signedWorkspace(): Promise<{ file: string; keys: ReturnType<typeof createFileKeyStore> }> {
  const file = folder.path(`anchored-${made}.sqlite`)
  const keys = createFileKeyStore(folder.path(`anchored-keys-${made++}`))
  const { engine } = await openTestEngine(file, '2026-03-01T10:00:00.000Z', { auditKeys: keys })
  for (const name of ['Claims Bot', 'Fraud Scorer']) await caller(engine)('applications.create', { name })
  await engine.close()
  return { file, keys }
}

/** Verifies as `govern audit verify` does: the file opened without the key, anchors gathered from outside it. */
async function verify(file: string, keys?: ReturnType<typeof createFileKeyStore>, fingerprints?: string[]) {
  const location = await testWorkspaceLocation(file)
  const { database } = await openWorkspaceDatabase(location)
  try {
    const anchors = await gatherAnchors({ location, workspaceId: await workspaceId(database.reader), keys, fingerprints })
    return await verifyAnchoredTrail(database.reader, anchors)
  } finally {
    await database.close()
  }
}

type StoredEvent = HashedAuditFields & { prev_hash: string; hash: string }

/** Appends events chained to the last, as a forger with the file would, the append-only triggers dropped and put back. */
function appendEvents(file: string, events: Array<Partial<HashedAuditFields>>): Promise<StoredEvent[]> {
  return aroundTrailTriggers(file, async (db) => {
    let last = (await db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()) as StoredEvent
    const written: StoredEvent[] = []
    for (const fields of events) {
      const content = { id: last.id + 1, at: '2026-03-01T12:00:00.000Z', actor_id: 'owner', actor_name: 'Olivia Owner', action: 'policy.archived', entity_type: 'policy', entity_id: 'pol_x', before_json: null, after_json: null, ...fields }
      const event = { ...content, prev_hash: last.hash, hash: auditEventHash(last.hash, content) }
      await db.insertInto('audit_events').values(event).execute()
      written.push(event)
      last = event
    }
    return written
  })
}

const workspaceIdOf = (file: string): Promise<string> => withRawWorkspace(file, async (db) => ((await db.selectFrom('workspace_identity').select('id').executeTakeFirstOrThrow()) as { id: string }).id)

describe('the trail checked against its signed heads', () => {
  it('counts nothing a forger signed with a key of their own, named in the file', async () => {
    const { file, keys } = await signedWorkspace()
    const forger = signerFor(newSigningKey())
    const chain = await workspaceIdOf(file)
    const appended = await appendEvents(file, [
      { action: 'audit.signing_key_added', entity_type: 'audit_key', entity_id: forger.fingerprint, after_json: JSON.stringify({ public_key: forger.publicKey, fingerprint: forger.fingerprint }) },
      { action: 'attestation.submitted', after_json: '{"status":"compliant"}' },
    ])
    const head = appended.at(-1)!
    await withRawWorkspace(file, (db) => db.insertInto('audit_checkpoints').values(forger.sign({ chain, event_id: head.id, hash: head.hash, at: '2026-03-01T12:00:00.000Z' })).execute())

    const checked = await verify(file, keys)
    expect(checked).toMatchObject({ ok: false, first_bad: { id: appended[0]!.id, reason: 'unsigned', message: expect.stringContaining('no signed head covers it') } })
    // Nothing kept outside to compare with: the keys the file names are all there is, and the answer says what that is worth.
    const unanchored = await verify(file)
    expect(unanchored).toMatchObject({ ok: true, checkpoint: { event_id: head.id, trusted_because: expect.stringContaining('whoever rewrote the file could have named their own') } })
    // Pinned to the real key's fingerprint, the forger's heads count for nothing again.
    const real = (await keys.publicKeys(chain))[0]!
    expect(await verify(file, undefined, [keyFingerprint(real)])).toMatchObject({ ok: false, first_bad: { reason: 'unsigned' } })
  })

  it('takes events signed with another computer’s key only where that key is trusted, and says which key it was', async () => {
    const { file, keys } = await signedWorkspace()
    // Another computer opens the workspace with a key of its own, and writes …
    const elsewhere = createFileKeyStore(folder.path('elsewhere-keys'))
    const { engine } = await openTestEngine(file, '2026-03-01T11:00:00.000Z', { auditKeys: elsewhere })
    await caller(engine)('applications.create', { name: 'Broker Chat' })
    await engine.close()
    const other = keyFingerprint((await elsewhere.publicKeys(await workspaceIdOf(file)))[0]!)
    const untrusted = await verify(file, keys)
    expect(untrusted).toMatchObject({ ok: false, first_bad: { reason: 'unsigned', message: expect.stringContaining(`signed only with a key not trusted here (fingerprint ${other}`) } })

    // … and this computer writes after it: it finds them signed by that key, and records so.
    const back = await openTestEngine(file, '2026-03-01T12:00:00.000Z', { auditKeys: keys })
    await caller(back.engine)('applications.create', { name: 'Risk Explainer' })
    await back.engine.close()
    expect(await verify(file, keys)).toMatchObject({ ok: false, first_bad: { reason: 'unsigned', message: expect.stringContaining(`with a key not trusted here (fingerprint ${other}`) } })
    // The owner vouches for the other key: all of it holds.
    expect(await verify(file, keys, [other])).toMatchObject({ ok: true, checkpoint: { events_after: 0 } })
  })

  it('names a signed head whose signature does not hold, wherever it was found', async () => {
    const { file, keys } = await signedWorkspace()
    if (!ENGINE_TESTS_ON_POSTGRES) {
      const [line] = readFileSync(`${file}.audit-heads.jsonl`, 'utf8').trimEnd().split('\n').slice(-1)
      const altered = { ...JSON.parse(line!), event_id: 1 }
      appendFileSync(`${file}.audit-heads.jsonl`, `${JSON.stringify(altered)}\n`)
      expect(await verify(file, keys)).toMatchObject({ ok: false, first_bad: { reason: 'forged_checkpoint', message: expect.stringContaining('in the log beside the workspace') } })
    }
    // A database has no folder for a log: the newest head is kept beside the key, and altered there.
    const [headsFile] = readdirSync(keys.folder).filter((name) => name.endsWith('.heads.json'))
    const path = join(keys.folder, headsFile!)
    const heads = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { event_id: number }>
    for (const head of Object.values(heads)) head.event_id = 1
    writeFileSync(path, JSON.stringify(heads))
    if (!ENGINE_TESTS_ON_POSTGRES) rmSync(`${file}.audit-heads.jsonl`)
    expect(await verify(file, keys)).toMatchObject({ ok: false, first_bad: { reason: 'forged_checkpoint', message: expect.stringContaining(`in the key folder (${keys.folder})`) } })
  })

  it('names the heads removed when the workspace names its key but no head it signed is left anywhere', async () => {
    const { file } = await signedWorkspace()
    await withRawWorkspace(file, (db) => sql`DELETE FROM audit_checkpoints`.execute(db))
    rmSync(`${file}.audit-heads.jsonl`, { force: true })
    expect(await verify(file)).toMatchObject({ ok: false, first_bad: { reason: 'unsigned', message: expect.stringContaining('yet no head signed by it was found: the signed heads were removed') } })
  })
})
