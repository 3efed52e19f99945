/**
 * The one way a connected desktop takes its server's audit trail: checked before it is written.
 * The desktop's copy ends at the newest server event it holds (above it, only its own
 * provisional events, which the server's replace); what the server sends must carry on from
 * there, event after event, each linked to the one before and hashed as the chain says. The
 * server's chain never changes an event it has sent, so a pull that would is refused, whatever a
 * flag in the workspace says. Only here does the append-only refusal stand aside
 * (db/trail-guard.ts), and the head pulled is signed with the desktop's own key at commit.
 */
import { sql } from 'kysely'
import type { RowChange } from '../../../src-shared/domain/sync'
import { auditEventHash, CHAIN_START } from '../audit-hash'
import { notePulledHead } from '../audit-heads'
import { type ChainedEvent, verifyAuditChain } from '../audit/audit-chain'
import type { Tx } from '../db/schema'
import { ServerUnavailable } from './server-client'

/** A pulled event carries every column its place in the chain depends on. */
type PulledEvent = ChainedEvent

/** The newest event of the server's chain held here, and its hash: row_changes names the events made here since the last pull. */
export async function confirmedHead(tx: Tx): Promise<{ id: number; hash: string }> {
  const { rows } = await sql<{ id: number; hash: string | null }>`SELECT id, hash FROM audit_events
    WHERE id > 0 AND NOT EXISTS (SELECT 1 FROM row_changes WHERE table_name = 'audit_events' AND row_key = json_array(audit_events.id))
    ORDER BY id DESC LIMIT 1`.execute(tx)
  const head = rows[0]
  return head ? { id: Number(head.id), hash: head.hash ?? '' } : { id: 0, hash: CHAIN_START }
}

/**
 * Checks the server's audit events of one pull against the desktop's copy, before any is
 * written; throws (and the pull's transaction rolls back) when they do not carry on from it.
 * Answers the events to write: the run after the copy's end, and the provisional ones the server
 * does not have, to remove.
 */
export async function checkPulledTrail(tx: Tx, changes: readonly RowChange[], decode: (row: Record<string, unknown>) => Record<string, unknown>): Promise<{ removed: number[]; added: PulledEvent[] }> {
  const base = await confirmedHead(tx)
  const removed: number[] = []
  const sent: PulledEvent[] = []
  for (const change of changes) {
    const id = Number(change.key[0])
    if (change.row === null) {
      if (id <= base.id) throw refused(`it removes event ${id}, which this desktop already holds from it`)
      removed.push(id)
    } else sent.push(decode(change.row) as unknown as PulledEvent)
  }
  sent.sort((a, b) => a.id - b.id)
  const added: PulledEvent[] = []
  for (const event of sent) {
    if (event.id > base.id) {
      added.push(event)
      continue
    }
    const held = await tx.selectFrom('audit_events').select('hash').where('id', '=', event.id).executeTakeFirst()
    if (held?.hash !== event.hash) throw refused(`it sends event ${event.id} with another hash than the one this desktop pulled from it before: the server's trail, or this copy of it, was rewritten`)
  }
  let linked = base
  for (const event of added) {
    if (event.id !== linked.id + 1) throw refused(`it sends event ${event.id} after event ${linked.id}, leaving a gap: this copy of its trail ends at event ${base.id}`)
    if (event.prev_hash !== linked.hash) {
      throw refused(`its event ${event.id} follows another event ${linked.id} than the one this desktop holds${linked.id === base.id ? ': this copy of its trail was changed since it was pulled' : ''}`)
    }
    if (event.hash === null || auditEventHash(event.prev_hash, event) !== event.hash) throw refused(`its event ${event.id} does not match its own hash`)
    linked = { id: event.id, hash: event.hash }
  }
  return { removed, added }
}

/** After a pull's events are written: the head they leave is this transaction's, to sign with the desktop's key. */
export async function notePulled(tx: Tx, added: readonly PulledEvent[]): Promise<void> {
  const last = added.at(-1)
  if (!last?.hash) return
  notePulledHead(await serverOf(tx), added[0]!.id, last.id, last.hash)
}

/** After a snapshot's rows are in: the whole trail it brought must chain, and its head is signed. */
export async function checkSnapshotTrail(tx: Tx): Promise<void> {
  const chain = await verifyAuditChain(tx)
  if (!chain.ok) throw refused(`its snapshot's audit trail does not chain: ${chain.first_bad.message}`)
  if (chain.events > 0) notePulledHead(await serverOf(tx), 1, chain.events, chain.head)
}

async function serverOf(tx: Tx): Promise<string> {
  const state = await tx.selectFrom('sync_state').select('server_workspace_id').executeTakeFirstOrThrow()
  return state.server_workspace_id!
}

function refused(why: string): ServerUnavailable {
  return new ServerUnavailable(`The server’s audit trail cannot be taken: ${why}. Nothing of this pull was kept; ask the server’s administrator to run govern audit verify`)
}
