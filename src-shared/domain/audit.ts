import { z } from 'zod'
import { Timestamp } from './common'

/**
 * Every action the engine records. A new one is added here first: the engine's audit writer
 * takes only these, and the console's description of events (audit-description.ts) must have
 * words for each.
 */
export const AUDIT_ACTIONS = [
  'application.created',
  'application.updated',
  'application.retired',
  'application.reinstated',
  'policy.created',
  'policy.updated',
  'policy.archived',
  'policy.version_created',
  'policy.scope_changed',
  'policy.attached',
  'policy.detached',
  'rule.materialised',
  'rule.updated',
  'rule.removed',
  'rule.deleted',
  'rule.restored',
  'gap.opened',
  'gap.resolved',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'group.created',
  'group.updated',
  'alert_rule.created',
  'attestation_rule.created',
  'token.created',
  'token.revoked',
  'metrics.ingested',
  'inferences.imported',
  'workspace.sample_loaded',
  'attestation.requested',
  'attestation.withdrawn',
  'attestation.reminder_sent',
  'attestation.submitted',
  'attestation.overdue',
  'attestation.escalated',
  'exception.granted',
  'exception.expiring',
  'exception.expired',
  'report.exported',
  'sync.connected',
  'sync.disconnected',
  'sync.resolved',
  'audit.signing_key_added',
  'audit.unsigned_events_found',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export const AuditEvent = z.object({
  id: z.number().int(),
  at: Timestamp,
  actor: z.object({ id: z.string(), name: z.string() }),
  /** One of AUDIT_ACTIONS; kept a string so an event written by a newer console still reads. */
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  /**
   * The record's name as the workspace knows it now (retired applications, archived policies and
   * inactive people included); null when it has none, or no longer exists.
   */
  entity_name: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
})
export type AuditEvent = z.infer<typeof AuditEvent>

/** The filters of the trail, shared by a page of it and its export. */
const auditFilters = {
  entity_type: z.string().optional(),
  entity_id: z.string().optional(),
  action: z.string().optional(),
  actor_id: z.string().optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
}

export const AuditFilter = z.strictObject({
  ...auditFilters,
  /** Page backwards: only events older than this id (a page's next_before_id). */
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
export type AuditFilter = z.input<typeof AuditFilter>
export type AuditQuery = z.output<typeof AuditFilter>

/** The whole trail the filters select, for an export: no paging. */
export const AuditExportFilter = z.strictObject(auditFilters)
export type AuditExportFilter = z.input<typeof AuditExportFilter>

export const AuditPage = z.object({
  events: z.array(AuditEvent),
  /** Where the next (older) page starts, as before_id; null when there is nothing older. */
  next_before_id: z.number().int().nullable(),
})
export type AuditPage = z.infer<typeof AuditPage>

/**
 * Why the audit chain breaks at an event: its content no longer matches its hash, or it was
 * re-hashed and the next event recorded another (`altered`); it is missing (`removed`); the
 * console never wrote it (`inserted`: no hash, or one that fits neither it nor its place); or its
 * link to the event before it is missing or malformed (`unchained`).
 *
 * Against the heads signed with the workspace's key (a chain re-hashed whole is consistent with
 * itself): the trail ends before a signed head (`shortened`); a signed head's event has another
 * hash now (`rewritten`); events no signed head covers, added without the key (`unsigned`); or a
 * checkpoint whose signature does not hold (`forged_checkpoint`).
 */
export const AUDIT_CHAIN_BREAKS = ['altered', 'removed', 'inserted', 'unchained', 'shortened', 'rewritten', 'unsigned', 'forged_checkpoint'] as const
export const AuditChainBreak = z.enum(AUDIT_CHAIN_BREAKS)
export type AuditChainBreak = z.infer<typeof AuditChainBreak>

/**
 * A head of the audit chain signed with the workspace's Ed25519 key (kept outside the workspace):
 * event `event_id` of `chain`'s trail has hash `hash`, signed at `at`. `chain` is a workspace id:
 * a connected desktop's trail is its server's chain.
 */
export const SignedCheckpoint = z.strictObject({
  chain: z.string().min(1),
  event_id: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  /** The signing key's public half: its 32 raw bytes, base64. */
  public_key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  /** Ed25519 over the checkpoint's encoding (engine/audit/checkpoint.ts), base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
})
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>

/** The whole audit trail checked against its hash chain: intact, or where it first breaks. */
export const AuditChainVerification = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** Events checked: all of them. */
    events: z.number().int(),
    /** The newest event's hash (64 zeros while the trail is empty): a package's manifest names it. */
    head: z.string(),
    /** The newest signed head the trail was checked against, and how many events came after it; absent when the trail was never signed. */
    checkpoint: z
      .object({
        event_id: z.number().int(),
        hash: z.string(),
        at: z.string(),
        /** SHA-256 of the signing key's public half (hex). */
        fingerprint: z.string(),
        /** Where the checkpoint was found: the workspace, the log beside it, the key's folder, a package. */
        source: z.string(),
        /** Why the key is trusted: kept outside the workspace, pinned by its fingerprint, or only named by the workspace itself. */
        trusted_because: z.string(),
        /** Events after the checkpoint (a connected desktop's own, not yet confirmed by its server). */
        events_after: z.number().int(),
      })
      .optional(),
    /** What the check could not establish, in words ("no signed checkpoint: the trail was checked by its chain alone"). */
    notes: z.array(z.string()).optional(),
  }),
  z.object({
    ok: z.literal(false),
    /** Events found intact before the first break. */
    events_checked: z.number().int(),
    first_bad: z.object({
      id: z.number().int(),
      reason: AuditChainBreak,
      /** The event and the break in words: "Audit trail broken at event 1,234 (2026-03-01 10:30 UTC, policy.updated): …". */
      message: z.string(),
    }),
  }),
])
export type AuditChainVerification = z.infer<typeof AuditChainVerification>
