/**
 * Checking the audit trail against its hash chain (audit-hash.ts): every event, oldest first,
 * read as a stream. It answers where the trail first breaks, naming that event in words, or
 * that it is intact, with the head hash an audit package records.
 *
 * A chain proves the trail has not changed since a known head; rewriting the whole trail from
 * some event on, hashes and all, is seen only by comparing the head with one recorded earlier
 * (an audit package's manifest).
 */
import { sql } from 'kysely'
import type { AuditChainBreak, AuditChainVerification } from '../../../src-shared/domain/audit'
import { auditEventHash, CHAIN_START, type HashedAuditFields } from '../audit-hash'
import { iterateRawRows } from '../db/prepared'
import type { Db } from '../db/schema'

/** An event as the verifier reads it: the columns of AUDIT_CHAIN_COLUMNS, in order. */
export type ChainedEventRow = [
  id: number,
  at: string,
  actor_id: string,
  actor_name: string,
  action: string,
  entity_type: string,
  entity_id: string,
  before_json: string | null,
  after_json: string | null,
  prev_hash: string | null,
  hash: string | null,
]

export const AUDIT_CHAIN_COLUMNS = ['id', 'at', 'actor_id', 'actor_name', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'prev_hash', 'hash'] as const

/** An event with every column its place in the chain depends on, as stored: what an audit package's trail carries. */
export interface ChainedEvent extends HashedAuditFields {
  prev_hash: string | null
  hash: string | null
}

export const chainedEventRow = (event: ChainedEvent): ChainedEventRow => AUDIT_CHAIN_COLUMNS.map((column) => event[column]) as ChainedEventRow

const HASH = /^[0-9a-f]{64}$/

/** Events below id 1 are a connected desktop's own, outside the server's chain (audit-trail.ts). */
export async function verifyAuditChain(db: Db): Promise<AuditChainVerification> {
  // Read before the events: anything appended in between only raises the last id seen.
  const highestIssued = (await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'`.execute(db)).rows[0]?.seq ?? 0
  return checkAuditChain(iterateRawRows<ChainedEventRow>(db, db.selectFrom('audit_events').select(AUDIT_CHAIN_COLUMNS).where('id', '>', 0).orderBy('id')), highestIssued)
}

/** The newest event's hash, as an audit package's manifest records it (CHAIN_START while the trail is empty). */
export async function auditChainHead(db: Db): Promise<string> {
  const newest = await db.selectFrom('audit_events').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  return newest?.hash ?? CHAIN_START
}

/**
 * The check itself, over every event in id order and the highest id SQLite has handed out (its
 * AUTOINCREMENT counter). Stops reading at the first break. A part of a trail (an audit package's
 * extract) starts where its first event says it does.
 */
export function checkAuditChain(events: Iterable<ChainedEventRow>, highestIssued: number, start: { id: number; head: string } = { id: 1, head: CHAIN_START }): AuditChainVerification {
  let checked = 0
  let expectedId = start.id
  let head = start.head
  let previous: ChainedEventRow | undefined
  // Returning from inside the loop ends the read, releasing the statement.
  const broken = (id: number, reason: AuditChainBreak, message: string, intact = checked): AuditChainVerification => ({
    ok: false,
    events_checked: intact,
    first_bad: { id, reason, message: `Audit trail broken at ${message}` },
  })

  for (const row of events) {
    const [id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json, prev_hash, hash] = row
    if (id !== expectedId) {
      const missing = id - expectedId === 1 ? `event ${count(expectedId)}` : `events ${count(expectedId)} to ${count(id - 1)}`
      return broken(expectedId, 'removed', `event ${count(expectedId)}: it was removed (${missing} missing ${between(previous, row)})`)
    }
    if (hash === null) return broken(id, 'inserted', `${named(row)}: it was inserted by something other than the console (it carries no hash)`)
    if (prev_hash === null || !HASH.test(prev_hash) || !HASH.test(hash)) return broken(id, 'unchained', `${named(row)}: its link to the event before it is missing or malformed`)
    const content = { id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json }
    if (auditEventHash(prev_hash, content) !== hash) {
      // An altered event keeps its link; one that matches neither its hash nor its place was never in the chain.
      if (prev_hash === head) return broken(id, 'altered', `${named(row)}: its content was altered after it was written`)
      return broken(id, 'inserted', `${named(row)}: it was inserted (it matches neither its own hash nor the event before it)`)
    }
    if (prev_hash !== head) {
      // This event's own hash holds, so it was written after a different predecessor: the one
      // before it was rewritten and its hash recomputed (or, for the first event, the trail's start replaced).
      if (previous) return broken(previous[0], 'altered', `${named(previous)}: it was altered and its hash recomputed after it was written (event ${count(id)} recorded a different hash for it)`, checked - 1)
      return broken(id, 'unchained', `${named(row)}: it is the first event but does not start the chain`)
    }
    head = hash
    previous = row
    checked++
    expectedId++
  }
  if (highestIssued >= expectedId) {
    // SQLite's counter remembers ids handed out: the newest events were removed.
    const missing = highestIssued === expectedId ? `event ${count(expectedId)}` : `events ${count(expectedId)} to ${count(highestIssued)}`
    return broken(expectedId, 'removed', `event ${count(expectedId)}: it was removed (${missing} missing, after ${previous ? named(previous) : 'the start'})`)
  }
  return { ok: true, events: checked, head }
}

/** "event 1,234 (2026-03-01 10:30 UTC, policy.updated)" */
function named(row: ChainedEventRow): string {
  const [id, at, , , action] = row
  return `event ${count(id)} (${readableTime(at)}, ${action})`
}

function between(before: ChainedEventRow | undefined, after: ChainedEventRow): string {
  return before ? `between ${named(before)} and ${named(after)}` : `before ${named(after)}`
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

function readableTime(at: unknown): string {
  const text = String(at)
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) ? `${text.slice(0, 10)} ${text.slice(11, 16)} UTC` : text
}
