/**
 * Checking the audit trail against the heads signed with the workspace's key. The hash chain
 * (audit-chain.ts) shows any event changed in place; a trail shortened, re-hashed whole or
 * extended is consistent with itself, and shows only against a head signed earlier: in the
 * workspace, in the log beside it, beside the key, or in a package. The newest such head the
 * verifier trusts must be an event of the trail with that hash, every event must be covered by
 * one, and no signing may have found events added behind the key's back.
 *
 * A key is trusted because it is kept outside the workspace (the verifier's own key folder) or
 * because a person pinned its fingerprint. With neither, the keys the workspace names are used,
 * and the answer says that this proves nothing against whoever rewrote the file.
 */
import { sql } from 'kysely'
import type { AuditChainVerification } from '../../../src-shared/domain/audit'
import type { Db } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { verifyAuditChain } from './audit-chain'
import { keyFingerprint, signatureHolds, type SignedCheckpoint } from './checkpoint'
import { readCheckpointLog } from './checkpoint-log'
import { checkpointLogFor } from './head-signing'
import type { AuditKeyStore } from './key-store'

/** Signed heads found in one place outside the workspace file. */
export interface CheckpointSource {
  name: string
  checkpoints: readonly SignedCheckpoint[]
}

export interface TrailAnchors {
  /** Public keys (raw, base64) trusted because they are kept outside the workspace. */
  keys: readonly string[]
  /** Where those keys were found, in words: "the key kept in /home/ana/.config/Governance Console/audit-keys". */
  keysKept?: string
  /** Fingerprints a person gave to trust (`govern audit verify --fingerprint`). */
  fingerprints?: readonly string[]
  sources: readonly CheckpointSource[]
}

/** Everything outside the workspace that can anchor it: the key store's keys and heads, and the log beside the file. */
export async function gatherAnchors(options: { location: string; workspaceId: string; keys?: AuditKeyStore; fingerprints?: readonly string[] }): Promise<TrailAnchors> {
  const sources: CheckpointSource[] = []
  const log = checkpointLogFor(options.location)
  if (log) {
    const read = await readCheckpointLog(log)
    sources.push({ name: `the log beside the workspace (${log})`, checkpoints: read.checkpoints })
  }
  if (options.keys) sources.push({ name: `the key folder (${options.keys.folder})`, checkpoints: await options.keys.heads(options.workspaceId) })
  const keys = options.keys ? await options.keys.publicKeys(options.workspaceId) : []
  return { keys, keysKept: options.keys && keys.length > 0 ? `kept outside the workspace, in ${options.keys.folder}` : undefined, fingerprints: options.fingerprints, sources }
}

interface Found {
  checkpoint: SignedCheckpoint
  source: string
}

type Verified = Extract<AuditChainVerification, { ok: true }>

export async function verifyAnchoredTrail(db: Db, anchors: TrailAnchors): Promise<AuditChainVerification> {
  const chain = await verifyAuditChain(db)
  if (!chain.ok) return chain
  const lastId = chain.events
  const own = await workspaceId(db)
  const server = (await db.selectFrom('sync_state').select('server_workspace_id').executeTakeFirst())?.server_workspace_id ?? null
  // A connected desktop's trail is its server's chain: its heads are signed as that chain's.
  const current = server ?? own
  const notes: string[] = []

  const inFile = await db.selectFrom('audit_checkpoints').selectAll().execute()
  const found: Found[] = [
    ...inFile.map((row) => ({ checkpoint: { ...row, event_id: Number(row.event_id) }, source: 'the workspace' })),
    ...anchors.sources.flatMap((source) => source.checkpoints.map((checkpoint) => ({ checkpoint, source: source.name }))),
  ]
  const forged = found.find(({ checkpoint }) => !signatureHolds(checkpoint))
  if (forged) {
    return broken(lastId, forged.checkpoint.event_id, 'forged_checkpoint', `the signed head of event ${count(forged.checkpoint.event_id)} in ${forged.source} does not match its signature: it was altered or made without the key`)
  }
  const ofChain = found.filter(({ checkpoint }) => checkpoint.chain === current)
  const otherChains = found.length - ofChain.length
  if (otherChains > 0) notes.push(`${count(otherChains)} signed ${otherChains === 1 ? 'head belongs' : 'heads belong'} to another chain (this workspace's own trail before it became a copy of its server's, or another copy of it) and ${otherChains === 1 ? 'was' : 'were'} not checked.`)

  const named = await keysNamedInChain(db)
  const { trusted, because } = trustedKeys(anchors, named, ofChain)
  const signed = ofChain.filter(({ checkpoint }) => trusted.has(checkpoint.public_key))
  const untrusted = ofChain.length - signed.length
  if (untrusted > 0) notes.push(`${count(untrusted)} signed ${untrusted === 1 ? 'head was' : 'heads were'} signed by a key not trusted here, and not counted.`)

  if (signed.length === 0) {
    const ownKey = server === null ? named.find((key) => trusted.has(key.publicKey)) ?? named[0] : undefined
    if (ownKey) {
      return broken(lastId, ownKey.id, 'unsigned', `event ${count(ownKey.id)} names the signing key ${ownKey.fingerprint.slice(0, 16)}…, yet no head signed by it was found: the signed heads were removed`)
    }
    notes.push('No signed checkpoint was found: the trail was checked by its hash chain alone, which cannot show it shortened or rewritten whole.')
    return { ...chain, notes }
  }

  const hashes = await eventHashes(db, [...new Set(signed.map(({ checkpoint }) => checkpoint.event_id))])
  const rewritten = signed.filter(({ checkpoint }) => checkpoint.event_id <= lastId && hashes.get(checkpoint.event_id) !== checkpoint.hash).sort((a, b) => a.checkpoint.event_id - b.checkpoint.event_id)
  const consistent = signed.filter(({ checkpoint }) => checkpoint.event_id <= lastId && hashes.get(checkpoint.event_id) === checkpoint.hash)
  if (rewritten.length > 0) {
    const first = rewritten[0]!
    const intactBefore = consistent.filter(({ checkpoint }) => checkpoint.event_id < first.checkpoint.event_id).sort((a, b) => b.checkpoint.event_id - a.checkpoint.event_id)[0]
    const where = intactBefore
      ? `between event ${count(intactBefore.checkpoint.event_id)}, whose signed head still holds, and this one`
      : 'at or before this event (no earlier signed head narrows it down)'
    return broken(
      intactBefore?.checkpoint.event_id ?? 0,
      first.checkpoint.event_id,
      'rewritten',
      `${await describeEvent(db, first.checkpoint.event_id)}: it was rewritten after it was signed, its hash recomputed (the head signed at ${first.checkpoint.at}, in ${first.source}, says ${first.checkpoint.hash.slice(0, 16)}…; the trail now holds ${hashes.get(first.checkpoint.event_id)?.slice(0, 16)}…). The trail was rewritten ${where}`,
    )
  }
  const beyond = signed.filter(({ checkpoint }) => checkpoint.event_id > lastId).sort((a, b) => b.checkpoint.event_id - a.checkpoint.event_id)[0]
  if (beyond) {
    const missing = beyond.checkpoint.event_id === lastId + 1 ? `event ${count(lastId + 1)}` : `events ${count(lastId + 1)} to ${count(beyond.checkpoint.event_id)}`
    return broken(lastId, lastId + 1, 'shortened', `event ${count(lastId + 1)}: it was removed (${missing} missing: the trail ends at event ${count(lastId)}, but a head signed at ${beyond.checkpoint.at}, in ${beyond.source}, names event ${count(beyond.checkpoint.event_id)})`)
  }

  const findings = await db.selectFrom('audit_events').select(['id', 'after_json']).where('action', '=', 'audit.unsigned_events_found').where('id', '>', 0).orderBy('id').execute()
  for (const finding of findings) {
    const range = JSON.parse(finding.after_json ?? '{}') as { from_id?: number; to_id?: number; signed_by?: string | null }
    // Events another key signed count where the verifier trusts that key.
    if (range.signed_by && [...trusted].some((key) => keyFingerprint(key) === range.signed_by)) continue
    const from = range.from_id ?? finding.id
    const to = range.to_id ?? from
    const which = from === to ? `event ${count(from)}` : `events ${count(from)} to ${count(to)}`
    const how = range.signed_by ? `with a key not trusted here (fingerprint ${range.signed_by}; pass it as --fingerprint if the workspace's owner vouches for it)` : "without the workspace's key"
    return broken(from - 1, from, 'unsigned', `${await describeEvent(db, from)}: it was added ${how} (the console found ${which} so when it next wrote, and recorded it at event ${count(finding.id)})`)
  }

  const newest = consistent.sort((a, b) => b.checkpoint.event_id - a.checkpoint.event_id)[0]!
  const after = lastId - newest.checkpoint.event_id
  if (after > 0 && server === null) {
    const range = after === 1 ? `event ${count(lastId)}` : `events ${count(newest.checkpoint.event_id + 1)} to ${count(lastId)}`
    const others = [...new Set(ofChain.filter(({ checkpoint }) => !trusted.has(checkpoint.public_key) && checkpoint.event_id > newest.checkpoint.event_id).map(({ checkpoint }) => keyFingerprint(checkpoint.public_key)))]
    const how = others.length > 0 ? `signed only with a key not trusted here (fingerprint ${others.join(', ')}; pass it as --fingerprint if the workspace's owner vouches for it)` : 'added without the key'
    return broken(newest.checkpoint.event_id, newest.checkpoint.event_id + 1, 'unsigned', `${await describeEvent(db, newest.checkpoint.event_id + 1)}: no signed head covers it (${range} came after the newest head signed with the workspace's key, event ${count(newest.checkpoint.event_id)} at ${newest.checkpoint.at}): ${after === 1 ? 'it was' : 'they were'} ${how}`)
  }
  if (after > 0) notes.push(`${count(after)} ${after === 1 ? 'event was' : 'events were'} made here after the newest head pulled from the server, and ${after === 1 ? 'is' : 'are'} provisional until the server's trail replaces ${after === 1 ? 'it' : 'them'}.`)
  const fingerprint = keyFingerprint(newest.checkpoint.public_key)
  const result: Verified = {
    ...chain,
    checkpoint: {
      event_id: newest.checkpoint.event_id,
      hash: newest.checkpoint.hash,
      at: newest.checkpoint.at,
      fingerprint,
      source: newest.source,
      trusted_because: because.get(newest.checkpoint.public_key) ?? 'trusted',
      events_after: after,
    },
    ...(notes.length > 0 ? { notes } : {}),
  }
  return result
}

interface NamedKey {
  id: number
  publicKey: string
  fingerprint: string
}

/** Keys the chain names ('audit.signing_key_added'), oldest first. */
async function keysNamedInChain(db: Db): Promise<NamedKey[]> {
  const rows = await db.selectFrom('audit_events').select(['id', 'after_json']).where('action', '=', 'audit.signing_key_added').where('id', '>', 0).orderBy('id').execute()
  return rows.flatMap((row) => {
    const after = JSON.parse(row.after_json ?? '{}') as { public_key?: unknown }
    return typeof after.public_key === 'string' ? [{ id: row.id, publicKey: after.public_key, fingerprint: keyFingerprint(after.public_key) }] : []
  })
}

/**
 * Keys kept outside the workspace or pinned by fingerprint are trusted, and no other: a key named
 * only in the file could be anyone's. With no anchor at all, the keys the workspace names stand
 * in, and the answer says what that is worth.
 */
function trustedKeys(anchors: TrailAnchors, named: readonly NamedKey[], found: readonly Found[]): { trusted: Set<string>; because: Map<string, string> } {
  const because = new Map<string, string>()
  for (const key of anchors.keys) because.set(key, anchors.keysKept ?? 'kept outside the workspace')
  const pinned = new Set(anchors.fingerprints ?? [])
  const candidates = new Set([...named.map((key) => key.publicKey), ...found.map(({ checkpoint }) => checkpoint.public_key)])
  for (const key of candidates) if (pinned.has(keyFingerprint(key))) because.set(key, 'its fingerprint was given to trust')
  if (because.size === 0) {
    for (const key of named) because.set(key.publicKey, 'named by the workspace itself, with no key kept outside it to compare: whoever rewrote the file could have named their own')
  }
  return { trusted: new Set(because.keys()), because }
}

async function eventHashes(db: Db, ids: readonly number[]): Promise<Map<number, string | null>> {
  const hashes = new Map<number, string | null>()
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db.selectFrom('audit_events').select(['id', 'hash']).where('id', 'in', ids.slice(start, start + 500)).execute()
    for (const row of rows) hashes.set(Number(row.id), row.hash)
  }
  return hashes
}

function broken(intact: number, id: number, reason: 'shortened' | 'rewritten' | 'unsigned' | 'forged_checkpoint', message: string): AuditChainVerification {
  return { ok: false, events_checked: Math.max(0, intact), first_bad: { id, reason, message: `Audit trail broken at ${message}` } }
}

/** "event 1,234 (2026-03-01 10:30 UTC, policy.updated)" */
async function describeEvent(db: Db, id: number): Promise<string> {
  const { rows } = await sql<{ at: string; action: string }>`SELECT at, action FROM audit_events WHERE id = ${id}`.execute(db)
  const row = rows[0]
  if (!row) return `event ${count(id)}`
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(row.at) ? `${row.at.slice(0, 10)} ${row.at.slice(11, 16)} UTC` : row.at
  return `event ${count(id)} (${at}, ${row.action})`
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}
