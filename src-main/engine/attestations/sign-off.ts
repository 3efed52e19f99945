/**
 * Signing a policy off. Only a reviewer the policy's attestation rules name (directly, or through
 * a group they belong to now) or an org admin may attest. The attestation closes the open
 * requests of the rules the attester reviews (the missed ones with the current one), records its
 * exceptions, and re-evaluates the covered applications in the same transaction, so statuses,
 * gaps and the gate follow at once.
 */
import type { z } from 'zod'
import { EXCEPTION_MAX_MONTHS, type Attestation, type AttestationSubmission as Submission } from '../../../src-shared/domain/attestations'
import type { Actor } from '../../../src-shared/domain/common'
import { queuePolicyEvent } from '../alert-outbox'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { Tx } from '../db/schema'
import { EngineError, notFound } from '../errors'
import { newId } from '../ids'
import { resolveAddressees } from './addressees'
import { attestedPolicy } from './attested-policy'
import { addMonthsClamped, periodContaining } from './periods'
import { loadAttestations } from './attestation-queries'
import { cadenceOf, runningSchedules } from './schedules'
import { keepAttestationsCurrent, queueCovered } from './upkeep'

type ParsedSubmission = z.output<typeof Submission>

export async function submitAttestation(engine: EngineContext, ctx: CallContext, input: ParsedSubmission): Promise<Attestation> {
  return engine.mutate(['attestations', 'compliance', 'policies'], async (tx) => {
    const now = engine.nowIso()
    // Catch up first: the request this answers may have opened while the console was closed.
    await keepAttestationsCurrent(tx, now)
    const id = await recordAttestation(tx, now, ctx.actor, input)
    // Read in its own transaction: the answer is kept with the change (commands/applied-commands.ts).
    const [attestation] = await loadAttestations(tx, { ids: [id] }, ctx.actor, now)
    return attestation!
  })
}

async function recordAttestation(tx: Tx, now: string, actor: Actor, input: ParsedSubmission): Promise<string> {
  const policy = await attestedPolicy(tx, input.id)
  if (policy.archived) throw new EngineError('conflict', `Policy ${policy.name} is archived; it can no longer be attested`, 'id')
  if (policy.status !== 'published') throw new EngineError('conflict', `Policy ${policy.name} is a draft; only a published policy is attested`, 'id')

  // Who may attest: a reviewer named by one of its rules (as groups stand now), or an org admin.
  const reviewedRules = []
  for (const rule of policy.attestationRules) {
    if ((await resolveAddressees(tx, rule.reviewers)).userIds.includes(actor.id)) reviewedRules.push(rule)
  }
  const isAdmin = actor.role === 'org_admin'
  if (reviewedRules.length === 0 && !isAdmin) {
    const named = policy.attestationRules.length ? 'is not a reviewer named by its attestation rules' : 'has no attestation rules naming reviewers'
    throw new EngineError('forbidden', `${actor.name} (${actor.id}) may not attest policy ${policy.name}: ${actor.name} ${named}, and only those reviewers or an org admin may attest`)
  }
  const rulesAnswered = reviewedRules.length ? reviewedRules : policy.attestationRules

  const notesRequired = rulesAnswered.some((rule) => rule.notes_required)
  if (notesRequired && !input.notes) throw new EngineError('invalid_input', `notes are required: ${rulesAnswered.filter((rule) => rule.notes_required).map((rule) => rule.name).join(', ')} asks the reviewer for written justification`, 'notes')

  await checkExceptions(tx, now, policy.id, policy.requirements, input.exceptions)

  // The requests it closes: one named, or every open one of the rules the attester answers.
  let closing: Array<{ id: string; period_start: string; attestation_rule_id: string }>
  if (input.request_id) {
    const request = await tx.selectFrom('attestation_requests').select(['id', 'policy_id', 'attestation_rule_id', 'period_start', 'closed_at', 'withdrawn_at']).where('id', '=', input.request_id).executeTakeFirst()
    if (!request) throw notFound('attestation request', input.request_id, 'request_id')
    if (request.policy_id !== policy.id) throw new EngineError('invalid_input', `request ${input.request_id} belongs to another policy`, 'request_id')
    if (request.closed_at || request.withdrawn_at) throw new EngineError('conflict', `request ${input.request_id} is already ${request.closed_at ? 'signed off' : 'withdrawn'}`, 'request_id')
    if (!isAdmin && !rulesAnswered.some((rule) => rule.id === request.attestation_rule_id)) throw new EngineError('forbidden', `${actor.name} (${actor.id}) is not a reviewer of request ${input.request_id}`)
    closing = [request]
  } else {
    closing = await tx
      .selectFrom('attestation_requests')
      .select(['id', 'period_start', 'attestation_rule_id'])
      .where('policy_id', '=', policy.id)
      .where('attestation_rule_id', 'in', rulesAnswered.length ? rulesAnswered.map((rule) => rule.id) : [''])
      .where('closed_at', 'is', null)
      .where('withdrawn_at', 'is', null)
      .orderBy('period_start')
      .execute()
  }
  const latest = closing.at(-1)
  const periodStart = latest?.period_start ?? (await currentPeriodStart(tx, policy.id, rulesAnswered.map((rule) => rule.id), now))

  const attestationId = newId('att')
  await tx
    .insertInto('attestations')
    .values({
      id: attestationId,
      policy_id: policy.id,
      policy_version: policy.version,
      status: input.status,
      notes: input.notes,
      attested_at: now,
      reviewer_id: actor.id,
      reviewer_name: actor.name,
      request_id: latest?.id ?? null,
      period_start: periodStart,
    })
    .execute()
  if (closing.length) {
    await tx.updateTable('attestation_requests').set({ closed_at: now, attestation_id: attestationId }).where('id', 'in', closing.map((request) => request.id)).execute()
  }

  const appNames = new Map<string, string>()
  if (input.exceptions.length) {
    const apps = await tx.selectFrom('applications').select(['id', 'name']).where('id', 'in', input.exceptions.map((e) => e.application_id)).execute()
    for (const app of apps) appNames.set(app.id, app.name)
  }
  const audit: AuditEntry[] = [
    {
      action: 'attestation.submitted',
      entityType: 'policy',
      entityId: policy.id,
      after: { attestation_id: attestationId, status: input.status, notes: input.notes, closed_request_ids: closing.map((r) => r.id), period_start: periodStart, exceptions: input.exceptions },
    },
  ]
  for (const exception of input.exceptions) {
    const exceptionId = newId('exc')
    const expiresAt = `${exception.expiry_date}T00:00:00.000Z`
    await tx
      .insertInto('attestation_exceptions')
      .values({
        id: exceptionId,
        attestation_id: attestationId,
        policy_id: policy.id,
        application_id: exception.application_id,
        requirement: exception.requirement,
        justification: exception.justification,
        expiry_date: exception.expiry_date,
        expires_at: expiresAt,
        granted_at: now,
        granted_by_id: actor.id,
        granted_by_name: actor.name,
        expired_noted_at: null,
      })
      .execute()
    audit.push({
      action: 'exception.granted',
      entityType: 'application',
      entityId: exception.application_id,
      after: { exception_id: exceptionId, attestation_id: attestationId, policy_id: policy.id, policy_name: policy.name, application_name: appNames.get(exception.application_id), requirement: exception.requirement, justification: exception.justification, expiry_date: exception.expiry_date },
    })
  }
  await recordAuditMany(tx, actor, now, audit)

  if (policy.webhook) {
    await queuePolicyEvent(tx, policy.webhook, now, { id: policy.id, name: policy.name }, 'attestation.submitted', `${policy.name} signed off as ${input.status.replaceAll('_', ' ')} by ${actor.name}`, {
      attestation: { id: attestationId, status: input.status, notes: input.notes, attested_at: now, reviewer: { id: actor.id, name: actor.name }, closed_request_ids: closing.map((r) => r.id), exceptions: input.exceptions },
    })
  }
  // Sign-off, exceptions or a Non-Compliant word change every covered application's standing.
  await queueCovered(tx, now, [policy.id])
  await keepAttestationsCurrent(tx, now, true)
  return attestationId
}

/** Each exception names an application the policy covers, a requirement it has, and an expiry within the next year. */
async function checkExceptions(tx: Tx, now: string, policyId: string, requirements: readonly string[], exceptions: ParsedSubmission['exceptions']): Promise<void> {
  if (exceptions.length === 0) return
  const covered = new Set(
    (await tx.selectFrom('policy_coverage').select('application_id').where('policy_id', '=', policyId).where('application_id', 'in', exceptions.map((e) => e.application_id)).execute()).map((row) => row.application_id),
  )
  const today = now.slice(0, 10)
  const latest = addMonthsClamped(new Date(`${today}T00:00:00.000Z`), EXCEPTION_MAX_MONTHS).toISOString().slice(0, 10)
  exceptions.forEach((exception, index) => {
    const at = (field: string) => `exceptions.${index}.${field}`
    if (!covered.has(exception.application_id)) throw new EngineError('invalid_input', `application ${exception.application_id} is not covered by this policy; exceptions are granted only for covered applications`, at('application_id'))
    if (!requirements.includes(exception.requirement)) {
      throw new EngineError('invalid_input', `requirement ${exception.requirement} is not one of this policy's requirements (${requirements.join(', ') || 'it has none'})`, at('requirement'))
    }
    if (exception.expiry_date <= today) throw new EngineError('invalid_input', `expiry_date ${exception.expiry_date} is not in the future: an exception must end after today (${today}, UTC)`, at('expiry_date'))
    if (exception.expiry_date > latest) throw new EngineError('invalid_input', `expiry_date ${exception.expiry_date} is more than a year away: the latest allowed is ${latest}`, at('expiry_date'))
  })
}

/** With no open request, an attestation counts for the rules' current period (the latest to begin). */
async function currentPeriodStart(tx: Tx, policyId: string, ruleIds: readonly string[], now: string): Promise<string | null> {
  let start: string | null = null
  for (const schedule of await runningSchedules(tx, [policyId])) {
    if (!ruleIds.includes(schedule.attestation_rule_id)) continue
    const period = periodContaining(schedule.anchor_at, cadenceOf(schedule.rule), now)
    if (period && (start === null || period.starts_at > start)) start = period.starts_at
  }
  return start
}
