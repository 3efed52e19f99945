/**
 * Signing the audit head as the workspace changes: each committed change that records events
 * leaves the head it made signed in the workspace, in its own transaction, and published to the
 * log beside the file and the key's folder. Real workspace files, a real key folder.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { PackageManifest } from '../../../src-shared/domain/reports'
import { aroundTrailTriggers, ENGINE_TESTS_ON_POSTGRES, testWorkspaceLocation } from '../../testing/engine-database'
import { pdfPages } from '../../testing/pdf-text'
import { caller, openTestEngine, tempFolder } from '../../testing/workspace'
import { auditEventHash, type HashedAuditFields } from '../audit-hash'
import { recordAuditMany } from '../audit-trail'
import type { Db } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { keyFingerprint, signatureHolds, signerFor } from './checkpoint'
import { readCheckpointLog } from './checkpoint-log'
import { checkpointLogFor } from './head-signing'
import { createFileKeyStore } from './key-store'

const folder = tempFolder()
afterAll(() => folder.remove())
let opened = 0
const someone = { id: 'usr_a', name: 'Ana Admin' }

async function signedWorkspace(options: { evaluateInWorker?: boolean } = {}) {
  const file = folder.path(`signed-${opened}.sqlite`)
  const keys = createFileKeyStore(folder.path(`keys-${opened++}`))
  const parts = await openTestEngine(file, '2026-03-01T10:00:00.000Z', { auditKeys: keys, ...options })
  return { ...parts, file, keys, call: caller(parts.engine) }
}

const lastEventId = async (db: Db) => Number((await db.selectFrom('audit_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id)

// The log beside the file is a SQLite workspace's; the heads in the workspace and beside the key are checked on both.
describe('signing the audit head', () => {
  it('signs the head each change leaves, in the change’s own transaction; a rehearsal or a failed change signs nothing', async () => {
    const { engine, context, call, keys } = await signedWorkspace()
    const workspace = await workspaceId(context.db)
    const signer = signerFor(await keys.signingKey(workspace))
    await call('applications.create', { name: 'Claims Bot' })
    const head = await lastEventId(context.db)
    const checkpoints = await context.db.selectFrom('audit_checkpoints').selectAll().execute()
    expect(checkpoints).toEqual([expect.objectContaining({ chain: workspace, public_key: signer.publicKey, event_id: head })])
    expect(signatureHolds({ ...checkpoints[0]!, event_id: Number(checkpoints[0]!.event_id) })).toBe(true)
    expect(checkpoints[0]!.hash).toBe((await context.db.selectFrom('audit_events').select('hash').where('id', '=', head).executeTakeFirstOrThrow()).hash)

    await context.rehearse((tx) => recordAuditMany(tx, someone, context.nowIso(), [{ action: 'group.updated', entityType: 'group', entityId: 'grp_x' }]))
    await expect(
      context.mutate(['audit'], async (tx) => {
        await recordAuditMany(tx, someone, context.nowIso(), [{ action: 'group.updated', entityType: 'group', entityId: 'grp_x' }])
        throw new Error('refused half-way')
      }),
    ).rejects.toThrow('refused half-way')
    expect(await lastEventId(context.db)).toBe(head)
    expect((await context.db.selectFrom('audit_checkpoints').select('event_id').executeTakeFirstOrThrow()).event_id).toBe(head)
    await engine.close()
  })

  it('names its key in the chain once, however often the workspace is opened, and the check says which head and key it trusted', async () => {
    const first = await signedWorkspace()
    await first.call('applications.create', { name: 'Claims Bot' })
    await first.engine.close()
    const again = await openTestEngine(first.file, '2026-03-01T11:00:00.000Z', { auditKeys: first.keys })
    const named = await again.context.db.selectFrom('audit_events').select(['id', 'after_json']).where('action', '=', 'audit.signing_key_added').execute()
    expect(named).toHaveLength(1)
    const { public_key, fingerprint } = JSON.parse(named[0]!.after_json!) as { public_key: string; fingerprint: string }
    expect(fingerprint).toBe(keyFingerprint(public_key))
    const verified = await caller(again.engine)('audit.verify', {})
    expect(verified).toMatchObject({ ok: true, checkpoint: { event_id: await lastEventId(again.context.db), fingerprint, source: 'the workspace', events_after: 0, trusted_because: `kept outside the workspace, in ${first.keys.folder}` } })
    await again.engine.close()
  })

  it('takes the other shell’s key on this computer as its own kind, even one made after it opened', async () => {
    const file = folder.path(`two-shells-${opened++}.sqlite`)
    const shared = folder.path(`two-shells-keys-${opened}`)
    // The desktop app's key (sealed its own way) and govern's (a plain file), side by side in one folder.
    const desktopKeys = createFileKeyStore(shared, { kind: 'keychain', seal: (pem) => Buffer.from(pem), unseal: (bytes) => bytes.toString('utf8') })
    const desktop = await openTestEngine(file, '2026-03-01T10:00:00.000Z', { auditKeys: desktopKeys })
    await caller(desktop.engine)('applications.create', { name: 'Claims Bot' })
    const govern = await openTestEngine(file, '2026-03-01T10:05:00.000Z', { auditKeys: createFileKeyStore(shared) })
    await caller(govern.engine)('applications.create', { name: 'Fraud Scorer' })
    await govern.engine.close()
    await caller(desktop.engine)('applications.create', { name: 'Broker Chat' })
    expect((await caller(desktop.engine)('audit.list', { action: 'audit.unsigned_events_found' })).events).toEqual([])
    expect((await caller(desktop.engine)('audit.list', { action: 'audit.signing_key_added' })).events).toHaveLength(2)
    expect(await caller(desktop.engine)('audit.verify', {})).toMatchObject({ ok: true, checkpoint: { events_after: 0 } })
    await desktop.engine.close()
  })

  it('does not open a workspace whose key cannot be kept, and says where to keep it', async () => {
    const notAFolder = folder.path('not-a-folder')
    writeFileSync(notAFolder, 'a file where the key folder should be')
    await expect(openTestEngine(folder.path('keyless.sqlite'), '2026-03-01T10:00:00.000Z', { auditKeys: createFileKeyStore(join(notAFolder, 'keys')) })).rejects.toThrow(
      /The workspace's audit signing key cannot be kept in .*not-a-folder.*set GOVERN_AUDIT_KEYS to a folder only you may read and write/,
    )
  })

  it('publishes each signed head beside the key, and to the log beside a workspace file, once committed', async () => {
    const { engine, context, call, file, keys } = await signedWorkspace()
    for (const name of ['Claims Bot', 'Fraud Scorer', 'Broker Chat']) await call('applications.create', { name })
    const last = await lastEventId(context.db)
    const workspace = await workspaceId(context.db)
    await engine.close()
    expect((await keys.heads(workspace)).map((head) => head.event_id)).toEqual([last])
    const logFile = checkpointLogFor(await testWorkspaceLocation(file))
    // A PostgreSQL database has no folder to keep a log in.
    expect(logFile).toBe(ENGINE_TESTS_ON_POSTGRES ? undefined : `${file}.audit-heads.jsonl`)
    if (!logFile) return
    const log = await readCheckpointLog(logFile)
    expect(log.problems).toEqual([])
    expect(log.checkpoints.length).toBeGreaterThan(0)
    expect(log.checkpoints.every(signatureHolds)).toBe(true)
    const ids = log.checkpoints.map((checkpoint) => checkpoint.event_id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(ids.at(-1)).toBe(last)
  })

  it('signs what the worker thread writes as the engine’s own', async () => {
    const { engine, context, call } = await signedWorkspace({ evaluateInWorker: true })
    const app = await call('applications.create', { name: 'Claims Bot', tags: ['governed'] })
    await call('policies.create', {
      name: 'Customer Data',
      alert_rules: [{ metric: 'pii', operator: '>', threshold: 1, severity: 'critical' }],
      scope: { apply_to_all: false, tags: ['governed'], application_ids: [] },
      enforcement_delay_days: 0,
    })
    await call('metrics.ingest', { id: app.id, observations: [{ metric: 'pii', timestamp: '2026-03-01T09:55:00.000Z', count: 10, total: 100 }] })
    await call('compliance.evaluate', {})
    await engine.settle()
    const verified = await call('audit.verify', {})
    expect(verified).toMatchObject({ ok: true, checkpoint: { event_id: await lastEventId(context.db), events_after: 0 } })
    await engine.close()
  })

  it('signs a package’s head only when it leads, link by link, to the newest head the key signed', async () => {
    const { engine, call, file, clock } = await signedWorkspace()
    await call('applications.create', { name: 'Claims Bot' })
    clock.advance(10 * 60_000)
    for (const name of ['Fraud Scorer', 'Broker Chat', 'Risk Explainer']) await call('applications.create', { name })
    const pkg = await call('reports.compliance', { format: 'package', as_of: '2026-03-01T10:05:00Z' })
    const manifest = PackageManifest.parse(JSON.parse(strFromU8(unzipSync(Buffer.from(pkg.content_base64, 'base64'))['manifest.json']!)))
    expect(manifest.audit_checkpoint).toMatchObject({ hash: manifest.audit_chain_head })
    const fingerprint = keyFingerprint(manifest.audit_checkpoint!.public_key)
    expect(manifest.signing_key_fingerprint).toBe(fingerprint)
    // The same signed head is printed on a PDF's cover, and kept in the chain with the export's event.
    const pdf = await call('reports.compliance', { format: 'pdf', as_of: '2026-03-01T10:05:00Z' })
    const cover = (await pdfPages(Buffer.from(pdf.content_base64, 'base64')))[0]!.replace(/\s+/g, ' ')
    expect(cover).toContain(`Audit trail head event ${manifest.audit_checkpoint!.event_id}, hash ${manifest.audit_chain_head}`)
    expect(cover.replace(/ /g, '')).toContain(fingerprint)
    const exported = (await call('audit.list', { action: 'report.exported', limit: 1 })).events[0]!
    expect(exported.after).toMatchObject({ format: 'pdf', audit_checkpoint: { event_id: manifest.audit_checkpoint!.event_id, hash: manifest.audit_chain_head } })

    // An event between the package's head and the newest signed one, rewritten behind the key's back.
    await aroundTrailTriggers(file, async (db) => {
      const rows = (await db.selectFrom('audit_events').selectAll().orderBy('id').execute()) as Array<HashedAuditFields & { prev_hash: string; hash: string }>
      const target = rows.at(-2)!
      await db.updateTable('audit_events').set({ actor_name: 'Someone Else', hash: auditEventHash(target.prev_hash, { ...target, actor_name: 'Someone Else' }) }).where('id', '=', target.id).execute()
    })
    await expect(call('reports.compliance', { format: 'package', as_of: '2026-03-01T10:05:00Z' })).rejects.toThrow(/no longer leads from event \d+ to the newest head signed with this workspace's key/)
    if (!ENGINE_TESTS_ON_POSTGRES) expect(readFileSync(`${file}.audit-heads.jsonl`, 'utf8').length).toBeGreaterThan(0)
    await engine.close()
  })
})
