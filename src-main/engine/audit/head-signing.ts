/**
 * Signing the audit chain's head as it moves. Every write transaction that adds events ends by
 * signing the head it leaves and keeping that checkpoint in the workspace (audit_checkpoints),
 * inside the same transaction: a checkpoint never names a head that was not committed, and no
 * committed event waits for its signature. After the commit the checkpoint is published outside
 * the file, where a copy of the workspace does not reach: appended to the log beside it
 * (fsync'd), and kept beside the key: at most every PUBLISH_SPACING_MS during a burst of commits,
 * the newest head only, and the last one when the engine closes.
 *
 * A transaction that finds events after the newest head this key knows of, which it did not
 * write, records so in the chain ('audit.unsigned_events_found') before signing: a forger who
 * appended events without the key is named even once the console has written after them. Events
 * signed by another key (the workspace written on another computer, with a key of its own) are
 * recorded too, with that key's fingerprint: only a verifier who trusts that key accepts them.
 */
import { open } from 'node:fs/promises'
import { sql } from 'kysely'
import type { Actor } from '../../../src-shared/domain/common'
import { notedHead, notingHeads } from '../audit-heads'
import { recordAudit } from '../audit-trail'
import type { Clock } from '../clock'
import type { EngineContext, WriteTransaction } from '../context'
import { auditEventHash } from '../audit-hash'
import { iterateRawRows, onPostgres, repeatedStatement } from '../db/prepared'
import { EngineError, WorkspaceError } from '../errors'
import { AUDIT_CHAIN_COLUMNS, type ChainedEventRow } from './audit-chain'
import type { Db, Tx } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { keyFingerprint, signatureHolds, signerFor, type AuditSigner, type SignedCheckpoint } from './checkpoint'
import { readCheckpointLog } from './checkpoint-log'
import type { AuditKeyStore } from './key-store'

/** Who records what the signing itself finds: the console, not the person whose change it was. */
export const CONSOLE_ACTOR: Pick<Actor, 'id' | 'name'> = { id: 'system', name: 'Governance Console' }

/** Where a workspace's signed heads are published beside it: a SQLite file's log; a PostgreSQL database has no folder. */
export function checkpointLogFor(location: string): string | undefined {
  return /^postgres(ql)?:\/\//i.test(location) ? undefined : `${location}.audit-heads.jsonl`
}

export interface HeadSigningSetup {
  signer: AuditSigner
  workspaceId: string
  clock: Clock
  /** The log beside the workspace, when it has a folder. */
  log: string | undefined
  /** Where the key is kept: its newest heads are kept there too. */
  keys?: AuditKeyStore
  /** Keys of this workspace kept beside this one (another shell's on this computer): their checkpoints count as known. */
  trustedKeys: readonly string[]
}

/**
 * Publications outside the file are this far apart at most once a burst of commits starts: each
 * costs an fsync of the log and a rewrite of the heads beside the key, while every commit's head
 * is signed in the workspace all the same.
 */
const PUBLISH_SPACING_MS = 250
/** Signatures already found to hold, so each transaction does not check the same heads again. */
const VERIFIED_KEPT = 256

export class HeadSigning {
  /** Per chain, the newest head a trusted key signed that this process knows of: kept outside the file (the key's folder, the log), or signed here. */
  private readonly newestKnownHead = new Map<string, number>()
  private readonly verified = new Set<string>()
  /** Keys of this workspace kept beside this one, read again when events turn up that none of those known signed. */
  private trustedKeys: readonly string[]
  private pending: SignedCheckpoint | undefined
  private publishing: Promise<void> | undefined
  /** Ends the pause between two publications early: the engine is closing. */
  private hurry: (() => void) | undefined
  private flushing = false
  /** The server whose chain this workspace copies (a connected desktop's), as read when opened and told since. */
  private copying: string | undefined

  constructor(private readonly setup: HeadSigningSetup) {
    this.trustedKeys = setup.trustedKeys
  }

  get signer(): AuditSigner {
    return this.setup.signer
  }

  get workspaceId(): string {
    return this.setup.workspaceId
  }

  get keys(): AuditKeyStore | undefined {
    return this.setup.keys
  }

  /**
   * Reads the newest heads kept outside the workspace, so events appended behind the key's back
   * are found at the next write, and whether the workspace copies a server's chain.
   */
  async load(db: Db): Promise<void> {
    this.copying = await this.replicaOf(db)
    const trusted = new Set([this.setup.signer.publicKey, ...this.trustedKeys])
    const kept = [...(this.setup.keys ? await this.setup.keys.heads(this.setup.workspaceId) : []), ...(this.setup.log ? (await readCheckpointLog(this.setup.log, { tail: true })).checkpoints : [])]
    for (const head of kept) {
      if (!trusted.has(head.public_key) || !signatureHolds(head)) continue
      this.newestKnownHead.set(head.chain, Math.max(this.newestKnownHead.get(head.chain) ?? 0, head.event_id))
    }
  }

  /** The write transaction, each one ending with its head signed. */
  wrap(write: WriteTransaction): WriteTransaction {
    return async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
      let signed: SignedCheckpoint | undefined
      const value = await write((tx) =>
        notingHeads(async () => {
          const result = await work(tx)
          signed = await this.signIn(tx)
          return result
        }),
      )
      if (signed) this.publish(signed)
      return value
    }
  }

  /** This workspace now copies `server`'s chain (a desktop connected to it): its own events are provisional from now on. */
  copiesChainOf(server: string): void {
    this.copying = server
  }

  /**
   * Names the key in the chain the first time it signs this workspace, so the key is itself
   * chained, and its first checkpoint covers every event before it. A connected desktop's chain
   * is its server's: its key is named to the server instead (sync-service.ts).
   */
  async introduceKey(context: EngineContext): Promise<void> {
    const { fingerprint, publicKey } = this.setup.signer
    if (this.copying !== undefined) return
    const named = await context.db.selectFrom('audit_events').select('id').where('action', '=', 'audit.signing_key_added').where('entity_id', '=', fingerprint).limit(1).executeTakeFirst()
    if (named) return
    await context.mutate(['audit'], (tx) =>
      recordAudit(tx, CONSOLE_ACTOR, context.nowIso(), { action: 'audit.signing_key_added', entityType: 'audit_key', entityId: fingerprint, after: { public_key: publicKey, fingerprint } }),
    )
  }

  /**
   * Signs an earlier head (an audit package's, at its as_of) once it is shown to lead, link by
   * link, to the newest head this key signed in the workspace: a trail rewritten behind the key's
   * back is never signed afresh. Undefined when no signed head covers it yet (a connected
   * desktop's provisional events).
   */
  async signEarlierHead(db: Db, head: { id: number; hash: string }): Promise<SignedCheckpoint | undefined> {
    const chain = (await this.replicaOf(db)) ?? this.setup.workspaceId
    const newest = await db.selectFrom('audit_checkpoints').selectAll().where('chain', '=', chain).where('public_key', '=', this.setup.signer.publicKey).executeTakeFirst()
    if (!newest || !signatureHolds({ ...newest, event_id: Number(newest.event_id) }) || Number(newest.event_id) < head.id) return undefined
    const rows = await iterateRawRows<ChainedEventRow>(db, db.selectFrom('audit_events').select(AUDIT_CHAIN_COLUMNS).where('id', '>=', head.id).where('id', '<=', Number(newest.event_id)).orderBy('id'))
    let leads = false
    let first = true
    let linked = head.hash
    for (const row of rows) {
      const [id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json, prev_hash, hash] = row
      if (first) {
        first = false
        if (id !== head.id || hash !== head.hash) break
      } else if (prev_hash !== linked || hash !== auditEventHash(prev_hash, { id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json })) break
      linked = hash!
      leads = id === Number(newest.event_id) && hash === newest.hash
    }
    if (!leads) throw new EngineError('conflict', `The audit trail no longer leads from event ${head.id} to the newest head signed with this workspace's key (event ${newest.event_id}): check it with govern audit verify before exporting a package`)
    return this.setup.signer.sign({ chain, event_id: head.id, hash: head.hash, at: this.setup.clock.now().toISOString() })
  }

  /** Resolves once every checkpoint signed so far is in the log and beside the key. */
  async flush(): Promise<void> {
    this.flushing = true
    try {
      while (this.publishing) {
        this.hurry?.()
        await this.publishing
      }
    } finally {
      this.flushing = false
    }
  }

  private async signIn(tx: Tx): Promise<SignedCheckpoint | undefined> {
    let head = notedHead()
    if (!head) return undefined
    const chain = head.chain ?? this.setup.workspaceId
    // A connected desktop's own events are provisional: only the server's chain pulled here is signed.
    if (head.chain === undefined && this.copying !== undefined) return undefined
    // Only a transaction that did not carry on from the last head this process knows of needs to look further.
    const known = this.newestKnownHead.get(chain)
    let previous = known !== undefined && head.first <= known + 1 ? known : await this.newestKnown(tx, chain)
    if (head.chain === undefined && previous !== undefined && head.first > previous + 1 && this.setup.keys) {
      // The other shell on this computer (the desktop app beside `govern`) may have made its key since this process opened.
      this.trustedKeys = (await this.setup.keys.publicKeys(this.setup.workspaceId)).filter((key) => key !== this.setup.signer.publicKey)
      previous = await this.newestKnown(tx, chain)
    }
    if (head.chain === undefined && previous !== undefined && head.first > previous + 1) {
      await recordAudit(tx, CONSOLE_ACTOR, this.setup.clock.now().toISOString(), {
        action: 'audit.unsigned_events_found',
        entityType: 'audit_trail',
        entityId: chain,
        after: { from_id: previous + 1, to_id: head.first - 1, signed_head_id: previous, signed_by: await this.signerOfGap(tx, chain, head.first - 1) },
      })
      head = notedHead()!
    }
    const checkpoint = this.setup.signer.sign({ chain, event_id: head.id, hash: head.hash, at: this.setup.clock.now().toISOString() })
    this.remember(checkpoint)
    // Prepared once a connection: every committed change runs it.
    const keep = repeatedStatement(tx, 'audit_checkpoints.keep', () =>
      tx
        .insertInto('audit_checkpoints')
        .values({ chain: '', public_key: '', event_id: 0, hash: '', at: '', signature: '' })
        .onConflict((conflict) => conflict.columns(['chain', 'public_key']).doUpdateSet((eb) => ({ event_id: eb.ref('excluded.event_id'), hash: eb.ref('excluded.hash'), at: eb.ref('excluded.at'), signature: eb.ref('excluded.signature') })))
        .compile(),
    )
    await keep.run([checkpoint.chain, checkpoint.public_key, checkpoint.event_id, checkpoint.hash, checkpoint.at, checkpoint.signature])
    return checkpoint
  }

  /**
   * Events this key did not expect may still have been signed, by a key this process does not
   * hold (the workspace written on another computer): the fingerprint of a key whose newest head
   * in the workspace is exactly the gap's last event, or null. Whether that key is the
   * workspace's is the verifier's call (a forger can sign with a key of their own).
   */
  private async signerOfGap(tx: Tx, chain: string, last: number): Promise<string | null> {
    const event = await tx.selectFrom('audit_events').select('hash').where('id', '=', last).executeTakeFirst()
    const rows = await tx.selectFrom('audit_checkpoints').selectAll().where('chain', '=', chain).where('event_id', '=', last).execute()
    const signed = rows.find((row) => row.hash === event?.hash && signatureHolds({ ...row, event_id: Number(row.event_id) }))
    return signed ? keyFingerprint(signed.public_key) : null
  }

  /** The newest event of `chain` a trusted key signed, in the workspace or outside it. */
  private async newestKnown(tx: Tx, chain: string): Promise<number | undefined> {
    const trusted = [this.setup.signer.publicKey, ...this.trustedKeys]
    const rows = await tx.selectFrom('audit_checkpoints').selectAll().where('chain', '=', chain).where('public_key', 'in', trusted).execute()
    const inFile = rows.filter((row) => this.holds({ ...row, event_id: Number(row.event_id) })).map((row) => Number(row.event_id))
    const outside = this.newestKnownHead.get(chain)
    const all = [...inFile, ...(outside === undefined ? [] : [outside])]
    return all.length === 0 ? undefined : Math.max(...all)
  }

  /** Whether a checkpoint's signature holds, checked once for each checkpoint seen. */
  private holds(checkpoint: SignedCheckpoint): boolean {
    if (this.verified.has(checkpointKey(checkpoint))) return true
    if (!signatureHolds(checkpoint)) return false
    this.remember(checkpoint)
    return true
  }

  private remember(checkpoint: SignedCheckpoint): void {
    if (this.verified.size >= VERIFIED_KEPT) this.verified.clear()
    this.verified.add(checkpointKey(checkpoint))
  }

  /** The server whose chain this workspace copies, if it is a connected desktop's. */
  private async replicaOf(db: Db): Promise<string | undefined> {
    // A PostgreSQL workspace is a server's: it never copies another.
    if (onPostgres(db)) return undefined
    const { rows } = await sql<{ server: string | null }>`SELECT server_workspace_id AS server FROM sync_state`.execute(db)
    return rows[0]?.server ?? undefined
  }

  /** Outside the file, after the commit; the newest waiting head only, one publication at a time. */
  private publish(checkpoint: SignedCheckpoint): void {
    this.newestKnownHead.set(checkpoint.chain, Math.max(this.newestKnownHead.get(checkpoint.chain) ?? 0, checkpoint.event_id))
    if (!this.pending || this.pending.chain !== checkpoint.chain || this.pending.event_id <= checkpoint.event_id) this.pending = checkpoint
    this.publishing ??= this.publishPending().finally(() => (this.publishing = undefined))
  }

  private async publishPending(): Promise<void> {
    while (this.pending) {
      const checkpoint = this.pending
      this.pending = undefined
      try {
        if (this.setup.log) await appendDurably(this.setup.log, `${JSON.stringify(checkpoint)}\n`)
        await this.setup.keys?.keepHead(this.setup.workspaceId, checkpoint)
      } catch (error) {
        // The checkpoint is in the workspace already; a log that cannot be written is said, not fatal.
        console.error(`Could not publish the signed audit head (event ${checkpoint.event_id}): ${(error as Error).message}`)
      }
      // Commits landing meanwhile wait their turn, and go out together as their newest head.
      if (!this.flushing) await this.pause()
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, PUBLISH_SPACING_MS)
      // A process with nothing else to do is not kept alive for this: close() flushes.
      timer.unref()
      this.hurry = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

function checkpointKey(checkpoint: SignedCheckpoint): string {
  return JSON.stringify([checkpoint.chain, checkpoint.event_id, checkpoint.hash, checkpoint.at, checkpoint.public_key, checkpoint.signature])
}

/** Appends and waits for the bytes to reach the disk: the log is evidence only once it survives a crash. */
async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a', 0o600)
  try {
    await handle.appendFile(text)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/**
 * Signing for a workspace opened with a key store (the key made on first use), and the key for a
 * worker thread to sign with too. The worker is given the key itself, never the keychain: it
 * reads the key folder's heads and public halves, which are kept in the clear.
 */
export async function headSigningFor(db: Db, keys: AuditKeyStore, location: string, clock: Clock): Promise<{ signing: HeadSigning; privateKey: string }> {
  let privateKey: string
  try {
    privateKey = await keys.signingKey(await workspaceId(db))
  } catch (error) {
    // Nothing is written unsigned: the workspace is not opened without its key.
    throw new WorkspaceError('audit_key_unavailable', `The workspace's audit signing key cannot be kept in ${keys.folder} (${(error as Error).message}); set GOVERN_AUDIT_KEYS to a folder only you may read and write`)
  }
  return { signing: await headSigningWith(db, privateKey, keys, location, clock), privateKey }
}

export async function headSigningWith(db: Db, privateKey: string, keys: AuditKeyStore, location: string, clock: Clock): Promise<HeadSigning> {
  const id = await workspaceId(db)
  const signer = signerFor(privateKey)
  const trustedKeys = (await keys.publicKeys(id)).filter((key) => key !== signer.publicKey)
  const signing = new HeadSigning({ signer, workspaceId: id, clock, log: checkpointLogFor(location), keys, trustedKeys })
  await signing.load(db)
  return signing
}
