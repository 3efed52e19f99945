/**
 * A server's side of its desktops' signed heads. A connected desktop signs the head of the trail
 * it pulled from here with its own key, and sends it after each sync; the server keeps the newest
 * per desktop. A head that is no event of this server's trail, or that goes back behind one the
 * desktop sent before, is refused: that desktop's copy of the trail was rewritten or rolled back.
 * Kept as bookkeeping (like a token's last use), not as an audit event: every desktop sends one
 * each sync, and none changes what is governed.
 */
import type { SignedCheckpoint } from '../../../src-shared/domain/audit'
import { keyFingerprint, signatureHolds } from '../audit/checkpoint'
import type { EngineContext } from '../context'
import { workspaceId } from '../db/workspace-identity'
import { EngineError } from '../errors'

export interface KeptDesktopHead {
  desktop_workspace_id: string
  event_id: number
  at: string
  fingerprint: string
}

export async function keepDesktopHead(context: EngineContext, input: { desktop_workspace_id: string; checkpoint: SignedCheckpoint }): Promise<KeptDesktopHead> {
  const { checkpoint } = input
  if (!signatureHolds(checkpoint)) throw new EngineError('invalid_input', 'The head’s signature does not hold for its public key', 'checkpoint.signature')
  const own = await workspaceId(context.db)
  if (checkpoint.chain !== own) throw new EngineError('invalid_input', `The head is of workspace ${checkpoint.chain}’s trail, not this server’s (${own})`, 'checkpoint.chain')
  const event = await context.db.selectFrom('audit_events').select('hash').where('id', '=', checkpoint.event_id).executeTakeFirst()
  if (!event) throw new EngineError('conflict', `The desktop’s signed head names event ${checkpoint.event_id}, which this server’s audit trail does not hold`, 'checkpoint.event_id')
  if (event.hash !== checkpoint.hash) {
    throw new EngineError('conflict', `The desktop’s signed head gives event ${checkpoint.event_id} another hash than this server’s trail: the desktop’s copy of the trail was rewritten`, 'checkpoint.hash')
  }
  return context.bookkeep(async (tx) => {
    const kept = await tx.selectFrom('desktop_audit_heads').selectAll().where('workspace_id', '=', input.desktop_workspace_id).executeTakeFirst()
    if (kept && Number(kept.event_id) > checkpoint.event_id) {
      throw new EngineError(
        'conflict',
        `The desktop’s copy of the audit trail went backwards: it now ends at event ${checkpoint.event_id}, but it sent a head of event ${kept.event_id}, signed at ${kept.at}, before`,
        'checkpoint.event_id',
      )
    }
    const row = { public_key: checkpoint.public_key, event_id: checkpoint.event_id, hash: checkpoint.hash, at: checkpoint.at, signature: checkpoint.signature, received_at: context.nowIso() }
    await tx
      .insertInto('desktop_audit_heads')
      .values({ workspace_id: input.desktop_workspace_id, ...row })
      .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(row))
      .execute()
    return { desktop_workspace_id: input.desktop_workspace_id, event_id: checkpoint.event_id, at: checkpoint.at, fingerprint: keyFingerprint(checkpoint.public_key) }
  })
}
