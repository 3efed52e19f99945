/**
 * Writing the append-only trail auditors read: who changed what, when, with the before and after.
 * Every mutation records its events with the transaction of the change, so both commit or neither.
 * Each event is chained to the one before it (audit-hash.ts); the transaction holds the write
 * lock, so reading the head and appending after it cannot race another writer.
 */
import { sql } from 'kysely'
import type { AuditAction } from '../../src-shared/domain/audit'
import type { Actor } from '../../src-shared/domain/common'
import { noteWrittenHead } from './audit-heads'
import { auditEventHash, CHAIN_START } from './audit-hash'
import { chunks, rowsPerInsert } from './batch'
import type { Tx } from './db/schema'
import { isLocalOnlyCall, isOutboxCommandCall } from './sync-outbox'

export interface AuditEntry {
  action: AuditAction
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
}

export async function recordAudit(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entry: AuditEntry): Promise<void> {
  await recordAuditMany(tx, actor, at, [entry])
}

export async function recordAuditMany(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  if (isLocalOnlyCall()) return recordLocalOnly(tx, actor, at, entries)
  let { id, hash } = await chainHead(tx)
  const rows = entries.map((entry) => {
    const row = { ...eventRow(++id, at, actor, entry), prev_hash: hash }
    hash = auditEventHash(hash, row)
    return { ...row, hash }
  })
  // SQLite caps the parameters of one statement: a large change is written in slices.
  for (const slice of chunks(rows, rowsPerInsert(11))) await tx.insertInto('audit_events').values(slice).execute()
  // A connected desktop's events for a command are provisional: its server's replace them, and
  // only what it pulls of the server's chain is signed here.
  if (!isOutboxCommandCall()) noteWrittenHead(rows[0]!.id, id, hash)
}

/**
 * A connected desktop's own events (a sync setting changed, a report exported here): ids counting
 * down from -1, which the server's trail never uses, so the server's events pulled here never
 * meet them. They stand outside the hash chain, which is the server's.
 */
async function recordLocalOnly(tx: Tx, actor: Pick<Actor, 'id' | 'name'>, at: string, entries: readonly AuditEntry[]): Promise<void> {
  const lowest = await tx.selectFrom('audit_events').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst()
  let id = Math.min(0, Number(lowest?.id ?? 0))
  for (const entry of entries) await tx.insertInto('audit_events').values({ ...eventRow(--id, at, actor, entry), prev_hash: null, hash: null }).execute()
}

/** An event's own columns, as recorded: what its hash covers, with the chain's links left to the caller. */
function eventRow(id: number, at: string, actor: Pick<Actor, 'id' | 'name'>, entry: AuditEntry) {
  return {
    id,
    at,
    actor_id: actor.id,
    actor_name: actor.name,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
  }
}

/**
 * The last event's id and hash. Ids are given explicitly, after the highest ever handed out
 * (kept in audit_ids_issued), so they stay consecutive and a removed last event leaves a gap.
 */
async function chainHead(tx: Tx): Promise<{ id: number; hash: string }> {
  const { rows } = await sql<{ id: number | null; hash: string | null; seq: number | null }>`SELECT
      (SELECT id FROM audit_events ORDER BY id DESC LIMIT 1) AS id,
      (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS hash,
      (SELECT highest_id FROM audit_ids_issued) AS seq`.execute(tx)
  const head = rows[0]!
  return { id: Math.max(head.id ?? 0, head.seq ?? 0), hash: head.hash ?? CHAIN_START }
}
