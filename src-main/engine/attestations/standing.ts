/**
 * Where a policy's human sign-off stands at a moment, and which exceptions hold then: what every
 * evaluation reads (the evaluator, `as_of` in the past, the dashboard, the deployment gate), so
 * none of them can disagree about an exception or a missed deadline.
 */
import { chunks } from '../batch'
import type { Db } from '../db/schema'

export interface NonCompliantAttestation {
  attestation_id: string
  attested_at: string
  reviewer: string
  notes: string | null
}

export interface AttestationStanding {
  /** The earliest deadline passed without sign-off, or null. */
  overdueSince: string | null
  /** The overdue requests, for the gate's reasons. */
  overdue: Array<{ requestId: string; ruleId: string; dueAt: string }>
  /** The latest attestation, if it said Non-Compliant. */
  nonCompliant: NonCompliantAttestation | null
}

export interface ExceptionHeld {
  id: string
  attestation_id: string
  justification: string
  expiry_date: string
  expires_at: string
  granted_by: string
}

/** Per policy, its standing at `at`; policies with no requests or attestations are left out. */
export async function standingAt(db: Db, at: string, policyIds: readonly string[]): Promise<Map<string, AttestationStanding>> {
  const out = new Map<string, AttestationStanding>()
  const entry = (policyId: string) => {
    let standing = out.get(policyId)
    if (!standing) out.set(policyId, (standing = { overdueSince: null, overdue: [], nonCompliant: null }))
    return standing
  }
  for (const slice of chunks(policyIds, 5000)) {
    const overdue = await db
      .selectFrom('attestation_requests')
      .select(['id', 'policy_id', 'attestation_rule_id', 'due_at'])
      .where('policy_id', 'in', slice)
      .where('due_at', '<=', at)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', at)]))
      .where((eb) => eb.or([eb('withdrawn_at', 'is', null), eb('withdrawn_at', '>', at)]))
      .orderBy('due_at')
      .execute()
    for (const request of overdue) {
      const standing = entry(request.policy_id)
      standing.overdueSince ??= request.due_at
      standing.overdue.push({ requestId: request.id, ruleId: request.attestation_rule_id, dueAt: request.due_at })
    }
    // The latest attestation of each policy by then decides whether it stands attested Non-Compliant.
    const attestations = await db
      .selectFrom('attestations')
      .select(['id', 'policy_id', 'status', 'attested_at', 'reviewer_name', 'notes'])
      .where('policy_id', 'in', slice)
      .where('attested_at', '<=', at)
      .orderBy('attested_at', 'desc')
      .orderBy('id', 'desc')
      .execute()
    const seen = new Set<string>()
    const latest = attestations.filter((attestation) => !seen.has(attestation.policy_id) && seen.add(attestation.policy_id))
    for (const attestation of latest) {
      if (attestation.status !== 'non_compliant') continue
      entry(attestation.policy_id).nonCompliant = { attestation_id: attestation.id, attested_at: attestation.attested_at, reviewer: attestation.reviewer_name, notes: attestation.notes }
    }
  }
  return out
}

/** Exceptions holding at `at`, keyed `application|policy|requirement`; of two, the one lasting longer. */
export async function exceptionsAt(db: Db, at: string, policyIds: readonly string[], applicationIds?: readonly string[]): Promise<Map<string, ExceptionHeld>> {
  const out = new Map<string, ExceptionHeld>()
  for (const slice of chunks(policyIds, 5000)) {
    let query = db
      .selectFrom('attestation_exceptions')
      .select(['id', 'attestation_id', 'policy_id', 'application_id', 'requirement', 'justification', 'expiry_date', 'expires_at', 'granted_by_name'])
      .where('policy_id', 'in', slice)
      .where('granted_at', '<=', at)
      .where('expires_at', '>', at)
    if (applicationIds && applicationIds.length <= 5000) query = query.where('application_id', 'in', applicationIds)
    for (const row of await query.execute()) {
      const key = `${row.application_id}|${row.policy_id}|${row.requirement}`
      const held = out.get(key)
      if (held && held.expires_at >= row.expires_at) continue
      out.set(key, { id: row.id, attestation_id: row.attestation_id, justification: row.justification, expiry_date: row.expiry_date, expires_at: row.expires_at, granted_by: row.granted_by_name })
    }
  }
  return out
}
