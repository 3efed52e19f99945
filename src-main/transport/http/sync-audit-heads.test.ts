/**
 * A connected desktop's copy of its server's audit trail, anchored on both sides: the desktop
 * takes the server's events only if they carry on from the copy it holds, signs the head it
 * pulled with its own key, and sends it to the server, which keeps it and refuses one that goes
 * backwards or is no event of its trail. A real server engine behind its HTTP server, a real
 * desktop engine on its own file, each with its own key folder.
 */
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signerFor } from '../../engine/audit/checkpoint'
import { createFileKeyStore } from '../../engine/audit/key-store'
import { workspaceId } from '../../engine/db/workspace-identity'
import { openDesktop, startSyncServer, SwitchableLink, type Desktop, type SyncServer } from '../../testing/sync-world'
import { tempFolder } from '../../testing/workspace'

const START = '2026-03-02T09:00:00.000Z'
let folder: ReturnType<typeof tempFolder>
let server: SyncServer
let alice: Desktop
let serverWorkspace: string
let aliceWorkspace: string

const aliceKeys = () => createFileKeyStore(folder.path('alice-keys'))

async function openAlice(): Promise<Desktop> {
  return openDesktop('alice', folder.path('alice.sqlite'), alice?.link ?? (await SwitchableLink.to(server.http.url)), START, undefined, { auditKeys: aliceKeys() })
}

/** The newest event of the server's trail. */
async function serverHead(): Promise<number> {
  return (await server.call('audit.list', { limit: 1 })).events[0]!.id
}

/** The heads signed in alice's file, by chain. */
function aliceCheckpoints(): Array<{ chain: string; event_id: number; hash: string; at: string; public_key: string; signature: string }> {
  const sqlite = new BetterSqlite3(alice.file, { readonly: true })
  try {
    return sqlite.prepare('SELECT * FROM audit_checkpoints ORDER BY chain').all() as never
  } finally {
    sqlite.close()
  }
}

function sendHead(body: unknown): Promise<Response> {
  return fetch(`${server.http.url}/api/v1/sync/heads`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

beforeEach(async () => {
  folder = tempFolder()
  server = await startSyncServer(folder.path('server.sqlite'), START, { auditKeys: createFileKeyStore(folder.path('server-keys')) })
  await server.call('applications.create', { id: 'app_claims', name: 'Claims Bot', tags: ['governed'] })
  await server.engine.settle()
  serverWorkspace = await workspaceId(server.parts.context.db)
  alice = undefined as unknown as Desktop
  alice = await openAlice()
  aliceWorkspace = await workspaceId(alice.parts.context.db)
  await alice.call('sync.connect', { url: alice.link.url, token: server.token })
  await alice.call('sync.now', {})
})
afterEach(async () => {
  await alice.engine.close()
  await alice.link.close()
  await server.close()
  folder.remove()
})

describe('a connected desktop’s copy of the audit trail', () => {
  it('is signed as the server’s chain with the desktop’s own key, and its head kept by the server', async () => {
    const head = await serverHead()
    expect(aliceCheckpoints().find((row) => row.chain === serverWorkspace)).toMatchObject({ event_id: head, public_key: signerFor(await aliceKeys().signingKey(aliceWorkspace)).publicKey })
    const kept = await server.parts.context.db.selectFrom('desktop_audit_heads').selectAll().execute()
    expect(kept).toEqual([expect.objectContaining({ workspace_id: aliceWorkspace, event_id: head })])
    const verified = await alice.call('audit.verify', {})
    expect(verified).toMatchObject({ ok: true, checkpoint: { event_id: head, source: 'the workspace', events_after: 0 } })

    // The server writes on; the next sync moves the desktop's signed head, and the server's record of it.
    await server.call('applications.create', { name: 'Fraud Scorer' })
    await alice.call('sync.now', {})
    const moved = await serverHead()
    expect(moved).toBeGreaterThan(head)
    expect(aliceCheckpoints().find((row) => row.chain === serverWorkspace)?.event_id).toBe(moved)
    expect((await server.parts.context.db.selectFrom('desktop_audit_heads').select('event_id').executeTakeFirstOrThrow()).event_id).toBe(moved)

    // Changes made offline are provisional: not signed, and said to be so.
    alice.link.setOnline(false)
    await alice.call('applications.create', { name: 'Offline Bot' })
    expect(await alice.call('audit.verify', {})).toMatchObject({ ok: true, checkpoint: { event_id: moved }, notes: expect.arrayContaining([expect.stringContaining('provisional until the server')]) })
  })

  it('refuses a pull that does not carry on from the copy it holds, whose verify names the copy shortened', async () => {
    const head = await serverHead()
    await alice.engine.close()
    // An intruder with the desktop's file removes the newest events it pulled, lowers the counter,
    // and wipes the record of the removal (which the next pull would otherwise undo from the server's rows).
    const sqlite = new BetterSqlite3(alice.file)
    sqlite.exec(`DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id >= ${head - 1}; UPDATE audit_ids_issued SET highest_id = ${head - 2};
      DELETE FROM row_changes WHERE table_name = 'audit_events'`)
    sqlite.close()
    alice = await openAlice()
    const verified = await alice.call('audit.verify', {})
    expect(verified).toMatchObject({ ok: false, first_bad: { id: head - 1, reason: 'shortened' } })

    await server.call('applications.create', { name: 'Fraud Scorer' })
    const status = await alice.call('sync.now', {})
    expect(status.last_error).toContain(`The server’s audit trail cannot be taken: it sends event ${head + 1} after event ${head - 2}, leaving a gap`)
    expect((await alice.call('audit.list', { limit: 1 })).events[0]!.id).toBe(head - 2)
  })

  it('takes back from the server what an intruder removed, where the removal left its trace', async () => {
    const head = await serverHead()
    await alice.engine.close()
    const sqlite = new BetterSqlite3(alice.file)
    sqlite.exec(`DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE id >= ${head - 1}; UPDATE audit_ids_issued SET highest_id = ${head - 2}`)
    sqlite.close()
    alice = await openAlice()
    expect(await alice.call('audit.verify', {})).toMatchObject({ ok: false, first_bad: { reason: 'shortened' } })
    // The removal is recorded as a change made here: the pull sets those rows back to the server's.
    await alice.call('sync.now', {})
    expect(await alice.call('audit.verify', {})).toMatchObject({ ok: true, events: head, checkpoint: { event_id: head } })
  })

  it('is kept by the server only moving forward, as an event of its trail with that hash', async () => {
    const earlier = aliceCheckpoints().find((row) => row.chain === serverWorkspace)!
    await server.call('applications.create', { name: 'Fraud Scorer' })
    await alice.call('sync.now', {})

    const backwards = await sendHead({ desktop_workspace_id: aliceWorkspace, checkpoint: earlier })
    expect(backwards.status).toBe(409)
    expect(((await backwards.json()) as { message: string }).message).toContain(`The desktop’s copy of the audit trail went backwards: it now ends at event ${earlier.event_id}`)

    const signer = signerFor(await aliceKeys().signingKey(aliceWorkspace))
    const rewritten = await sendHead({ desktop_workspace_id: aliceWorkspace, checkpoint: signer.sign({ chain: serverWorkspace, event_id: earlier.event_id, hash: 'cd'.repeat(32), at: START }) })
    expect(rewritten.status).toBe(409)
    expect(((await rewritten.json()) as { message: string }).message).toContain('another hash than this server’s trail: the desktop’s copy of the trail was rewritten')

    const unsigned = await sendHead({ desktop_workspace_id: aliceWorkspace, checkpoint: { ...earlier, event_id: earlier.event_id + 1 } })
    expect(unsigned.status).toBe(422)
    expect(await unsigned.json()).toMatchObject({ field: 'checkpoint.signature' })
  })

  it('stops a sync whose signed head the server refuses, with the server’s words', async () => {
    // The server holds a head of this desktop further on than its copy now reaches.
    await server.parts.context.bookkeep((tx) => tx.updateTable('desktop_audit_heads').set({ event_id: 10_000 }).execute())
    await server.call('applications.create', { name: 'Fraud Scorer' })
    const status = await alice.call('sync.now', {})
    expect(status.last_error).toContain('refused this desktop’s signed audit head')
    expect(status.last_error).toContain('went backwards')
  })
})
