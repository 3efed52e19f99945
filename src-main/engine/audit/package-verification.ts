/**
 * Checking an audit package (a zip) against its `manifest.json`: every file it lists is there with
 * that size and SHA-256, and nothing else is, so a file changed, removed or added shows. Its audit
 * trail extract must chain, event to event, up to the head the manifest names. Against the
 * workspace it came from, that head must be in the workspace's own intact chain: a package whose
 * files and hashes were all rebuilt shows there.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { strFromU8, unzipSync, type Unzipped } from 'fflate'
import { z } from 'zod'
import { PackageManifest } from '../../../src-shared/domain/reports'
import { CHAIN_START } from '../audit-hash'
import type { Db } from '../db/schema'
import { workspaceId } from '../db/workspace-identity'
import { verifyAnchoredTrail, type TrailAnchors } from './anchored-verification'
import { checkAuditChain, chainedEventRow, type ChainedEventRow } from './audit-chain'
import { keyFingerprint, signatureHolds } from './checkpoint'

export const MANIFEST_FILE = 'manifest.json'
export const TRAIL_FILE = 'audit-trail.jsonl'

export type PackageVerification =
  | { status: 'intact'; manifest: PackageManifest; trail: TrailExtent }
  /** Files that differ from the manifest, each named with what is wrong. */
  | { status: 'tampered'; problems: string[] }
  /** Not an audit package at all: no zip, or no manifest to check against. */
  | { status: 'unreadable'; problems: string[] }

export function verifyPackage(file: string): PackageVerification {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (error) {
    return { status: 'unreadable', problems: [`cannot read ${file}: ${(error as Error).message}`] }
  }
  return verifyPackageBytes(bytes)
}

export function verifyPackageBytes(zip: Uint8Array): PackageVerification {
  let entries: Unzipped
  try {
    entries = unzipSync(zip)
  } catch (error) {
    return { status: 'unreadable', problems: [`it is not a readable zip file (${(error as Error).message})`] }
  }
  const manifestBytes = entries[MANIFEST_FILE]
  if (!manifestBytes) return { status: 'unreadable', problems: [`it holds no ${MANIFEST_FILE}, so it is not an audit package`] }
  let manifest: PackageManifest
  try {
    const parsed = PackageManifest.safeParse(JSON.parse(strFromU8(manifestBytes)))
    if (!parsed.success) return { status: 'tampered', problems: parsed.error.issues.map((issue) => `${MANIFEST_FILE}: ${issue.path.join('.') || 'the manifest'} ${issue.message}`) }
    manifest = parsed.data
  } catch (error) {
    return { status: 'tampered', problems: [`${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`] }
  }

  const problems: string[] = []
  const listed = new Set<string>()
  for (const { path, size, sha256 } of manifest.files) {
    if (listed.has(path)) problems.push(`${path} is listed twice in the manifest`)
    listed.add(path)
    const content = entries[path]
    if (!content) {
      problems.push(`${path} is listed in the manifest but missing from the package`)
      continue
    }
    if (content.length !== size) problems.push(`${path} is ${content.length} bytes; the manifest says ${size}`)
    else if (createHash('sha256').update(content).digest('hex') !== sha256) problems.push(`${path} does not match its SHA-256 in the manifest: its content was changed`)
  }
  for (const path of Object.keys(entries)) {
    // Folder entries carry no content of their own.
    if (path === MANIFEST_FILE || path.endsWith('/') || listed.has(path)) continue
    problems.push(`${path} is in the package but not in the manifest: it was added`)
  }
  if (problems.length > 0) return { status: 'tampered', problems }
  const trail = checkTrail(entries[TRAIL_FILE], manifest)
  if ('problem' in trail) return { status: 'tampered', problems: [trail.problem] }
  const signature = checkSignedHead(manifest, trail)
  return signature ? { status: 'tampered', problems: [signature] } : { status: 'intact', manifest, trail }
}

/**
 * The head the manifest names, signed with the workspace's key: the signature must hold, and it
 * must be the extract's last event with the manifest's head hash. A forger who rebuilt the trail,
 * its hashes and the manifest cannot sign the head they made.
 */
function checkSignedHead(manifest: PackageManifest, trail: TrailExtent): string | undefined {
  const signed = manifest.audit_checkpoint
  if (!signed) return manifest.signing_key_fingerprint ? `${MANIFEST_FILE} names a signing key but carries no signed head: the signature was taken out` : undefined
  if (!signatureHolds(signed)) return `${MANIFEST_FILE}: its signed head does not match its signature: the head or the signature was changed`
  if (manifest.signing_key_fingerprint !== undefined && manifest.signing_key_fingerprint !== keyFingerprint(signed.public_key)) return `${MANIFEST_FILE}: signing_key_fingerprint is not the fingerprint of the key that signed the head`
  if (signed.hash !== manifest.audit_chain_head) return `${MANIFEST_FILE}: the signed head has hash ${signed.hash}, not the audit_chain_head ${manifest.audit_chain_head} the manifest names: the trail was rebuilt after it was signed`
  if (trail.last_id !== null && signed.event_id !== trail.last_id) return `${MANIFEST_FILE}: the signed head is event ${signed.event_id}, but ${TRAIL_FILE} ends on event ${trail.last_id}`
  return undefined
}

/** The extract's first and last events (null when the period had none), once it chains to the manifest's head. */
export interface TrailExtent {
  events: number
  first_id: number | null
  last_id: number | null
}

const TrailLine = z.strictObject({
  id: z.number().int().positive(),
  at: z.string(),
  actor_id: z.string(),
  actor_name: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  before_json: z.string().nullable(),
  after_json: z.string().nullable(),
  prev_hash: z.string().nullable(),
  hash: z.string().nullable(),
})

function checkTrail(bytes: Uint8Array | undefined, manifest: PackageManifest): TrailExtent | { problem: string } {
  if (!bytes || !manifest.files.some((file) => file.path === TRAIL_FILE)) return { problem: `${TRAIL_FILE} is missing: every audit package carries its period's audit trail` }
  const rows: ChainedEventRow[] = []
  const lines = strFromU8(bytes).split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (const [index, line] of lines.entries()) {
    let parsed: ReturnType<typeof TrailLine.safeParse>
    try {
      parsed = TrailLine.safeParse(JSON.parse(line))
    } catch {
      return { problem: `${TRAIL_FILE} line ${index + 1} is not JSON` }
    }
    if (!parsed.success) return { problem: `${TRAIL_FILE} line ${index + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'the event'} ${issue.message}`).join('; ')}` }
    rows.push(chainedEventRow(parsed.data))
  }
  const [first, last] = [rows[0], rows.at(-1)]
  if (!first || !last) return { events: 0, first_id: null, last_id: null }
  const chain = checkAuditChain(rows, last[0], { id: first[0], head: first[9] ?? CHAIN_START })
  if (!chain.ok) return { problem: `${TRAIL_FILE}: ${chain.first_bad.message}` }
  if (chain.head !== manifest.audit_chain_head) return { problem: `${TRAIL_FILE} ends on hash ${chain.head}, not on the audit_chain_head ${manifest.audit_chain_head} the manifest names` }
  return { events: rows.length, first_id: first[0], last_id: last[0] }
}

/** Where the package stands against a workspace: problems found, or what matched. */
export type ProvenanceCheck = { ok: true; head_event: number | null } | { ok: false; problems: string[] }

/**
 * Whether an intact package came from this workspace with its trail unchanged since: the same
 * workspace id, and its chain head an event of this workspace's own intact chain, with the id
 * the extract ends on. The head's hash commits to every event before it, so the extract matches
 * the workspace's events one for one. The workspace's trail is checked against its signed heads
 * too, the package's among them; the package's key must be one the workspace keeps or names.
 */
export async function checkPackageProvenance(db: Db, verified: Extract<PackageVerification, { status: 'intact' }>, anchors: TrailAnchors = { keys: [], sources: [] }): Promise<ProvenanceCheck> {
  const { manifest, trail } = verified
  const own = await workspaceId(db)
  if (manifest.workspace_id !== own) return { ok: false, problems: [`the package is from workspace ${manifest.workspace_id}, not from this one (${own})`] }
  const signed = manifest.audit_checkpoint
  const withPackage: TrailAnchors = signed ? { ...anchors, sources: [...anchors.sources, { name: 'the package', checkpoints: [signed] }] } : anchors
  const chain = await verifyAnchoredTrail(db, withPackage)
  if (!chain.ok) return { ok: false, problems: [`this workspace's own audit trail is broken, so the package cannot be checked against it: ${chain.first_bad.message}`] }
  if (signed && !(await keyOfWorkspace(db, anchors, signed.public_key))) {
    return { ok: false, problems: [`the package is signed with a key this workspace neither keeps nor names (fingerprint ${keyFingerprint(signed.public_key)})`] }
  }
  if (manifest.audit_chain_head === CHAIN_START) return { ok: true, head_event: null }
  const head = await db.selectFrom('audit_events').select('id').where('hash', '=', manifest.audit_chain_head).executeTakeFirst()
  if (!head) return { ok: false, problems: [`the package's audit_chain_head ${manifest.audit_chain_head} is no event of this workspace's chain: its trail was rewritten after the package was made`] }
  if (trail.last_id !== null && trail.last_id !== head.id) return { ok: false, problems: [`the package's trail ends on event ${trail.last_id}, but its head is event ${head.id} of this workspace`] }
  return { ok: true, head_event: head.id }
}

/** A key kept outside the workspace for it, or named in its chain. */
async function keyOfWorkspace(db: Db, anchors: TrailAnchors, publicKey: string): Promise<boolean> {
  if (anchors.keys.includes(publicKey) || anchors.fingerprints?.includes(keyFingerprint(publicKey))) return true
  const named = await db.selectFrom('audit_events').select('after_json').where('action', '=', 'audit.signing_key_added').where('entity_id', '=', keyFingerprint(publicKey)).executeTakeFirst()
  return named !== undefined
}
