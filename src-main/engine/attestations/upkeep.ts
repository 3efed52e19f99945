/**
 * Keeping attestations current as time passes: requests issued for every period that has begun
 * (a workspace closed for months catches up with one request per missed period), deadlines
 * passing into Overdue with one escalation each, reminders, and exceptions expiring. Each step is
 * written once, whichever process gets there first: periods and reminders are unique in the
 * database, and all of it runs in the caller's write transaction with its audit events.
 *
 * `attestation_clock` holds the next moment anything here is due, so the many evaluations that
 * find nothing due cost one read.
 */
import { DUE_SOON_DAYS, type Addressee, type ReminderKind } from '../../../src-shared/domain/attestations'
import type { Actor } from '../../../src-shared/domain/common'
import { queuePolicyEvent } from '../alert-outbox'
import { recordAuditMany, type AuditEntry } from '../audit-trail'
import type { Db, Tx } from '../db/schema'
import { queueEvaluation } from '../evaluation-queue'
import { newId } from '../ids'
import { resolveAddressees } from './addressees'
import { periodAt, periodsStartedBy } from './periods'
import { cadenceOf, reconcileSchedules, runningSchedules } from './schedules'

export const ATTESTATION_ACTOR: Pick<Actor, 'id' | 'name'> = { id: 'system', name: 'Governance Console' }

const DAY_MS = 86_400_000
const NEVER = '9999-12-31T23:59:59.999Z'
/** Days before an exception ends that its granter is reminded. */
export const EXCEPTION_WARNINGS = [30, 7, 1] as const

const before = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY_MS).toISOString()
const dayOf = (iso: string) => iso.slice(0, 10)
const startOfDay = (iso: string) => `${dayOf(iso)}T00:00:00.000Z`

/** Whether anything is due at `at`: one row read. */
export async function attestationWorkDue(db: Db, at: string): Promise<boolean> {
  const next = await nextAttestationWork(db)
  return next === null || next <= at
}

/** The next moment anything here falls due; null when it is due now (the clock was never set). */
export async function nextAttestationWork(db: Db): Promise<string | null> {
  const row = await db.selectFrom('attestation_clock').select('next_due_at').where('id', '=', 1).executeTakeFirst()
  return row?.next_due_at ?? null
}

export interface Upkeep {
  /** Whether anything was written (requests, reminders, notices): the console shows attestations anew. */
  changed: boolean
}

/**
 * Brings attestations up to `at`. `force` reconciles schedules even when nothing is due by the
 * clock: after a policy changes, or a sign-off.
 */
export async function keepAttestationsCurrent(tx: Tx, at: string, force = false): Promise<Upkeep> {
  if (!force && !(await attestationWorkDue(tx, at))) return { changed: false }
  const audit: AuditEntry[] = []
  const reconciled = await reconcileSchedules(tx, at)
  audit.push(...reconciled.audit)
  const toEvaluate = new Set<string>(reconciled.changedPolicies)
  const policies = new PolicyFacts(tx)

  const issued = await issueRequests(tx, at, policies, audit)
  const noticed = await noticeDeadlines(tx, at, policies, audit, toEvaluate)
  const expiring = await noticeExceptions(tx, at, policies, audit)

  await recordAuditMany(tx, ATTESTATION_ACTOR, at, audit)
  if (toEvaluate.size) await queueCovered(tx, at, [...toEvaluate])
  if (expiring.applications.length) await queueEvaluation(tx, at, expiring.applications)
  await tx.updateTable('attestation_clock').set({ next_due_at: await nextDueAt(tx, at) }).where('id', '=', 1).execute()
  return { changed: audit.length > 0 || issued > 0 || noticed > 0 || expiring.count > 0 }
}

/** Queues every application the policies cover, in one statement however many there are. */
export async function queueCovered(tx: Tx, at: string, policyIds: readonly string[]): Promise<void> {
  await tx
    .insertInto('evaluation_queue')
    .columns(['application_id', 'queued_at'])
    .expression((eb) => eb.selectFrom('policy_coverage').select(['application_id', eb.val(at).as('queued_at')]).where('policy_id', 'in', policyIds).distinct())
    .onConflict((oc) => oc.column('application_id').doNothing())
    .execute()
}

/** Names and webhooks of policies, read once per upkeep. */
class PolicyFacts {
  private readonly cache = new Map<string, { id: string; name: string; webhook: string | null }>()
  constructor(private readonly db: Db) {}
  async get(id: string): Promise<{ id: string; name: string; webhook: string | null }> {
    let facts = this.cache.get(id)
    if (!facts) {
      const row = await this.db.selectFrom('policies').select(['id', 'name', 'notification_webhook']).where('id', '=', id).executeTakeFirstOrThrow()
      this.cache.set(id, (facts = { id: row.id, name: row.name, webhook: row.notification_webhook }))
    }
    return facts
  }
}

/** One request per period begun, for every running schedule. Returns how many were issued. */
async function issueRequests(tx: Tx, at: string, policies: PolicyFacts, audit: AuditEntry[]): Promise<number> {
  const schedules = await runningSchedules(tx)
  if (schedules.length === 0) return 0
  const last = await lastIssued(tx, schedules.map((s) => s.id))
  let issued = 0
  for (const schedule of schedules) {
    const cadence = cadenceOf(schedule.rule)
    const due = periodsStartedBy(schedule.anchor_at, cadence, at, last.get(schedule.id) ?? -1)
    if (due.length === 0) continue
    const reviewers = await resolveAddressees(tx, schedule.rule.reviewers)
    const escalation = await resolveAddressees(tx, schedule.rule.escalation_path)
    const policy = await policies.get(schedule.policy_id)
    for (const period of due) {
      const id = newId('atq')
      const inserted = await tx
        .insertInto('attestation_requests')
        .values({
          id,
          schedule_id: schedule.id,
          policy_id: schedule.policy_id,
          attestation_rule_id: schedule.attestation_rule_id,
          period_index: period.index,
          period_start: period.starts_at,
          period_end: period.ends_at,
          due_at: period.due_at,
          issued_at: at,
          reviewers_json: JSON.stringify(reviewers.addressees),
          escalation_json: JSON.stringify(escalation.addressees),
          closed_at: null,
          attestation_id: null,
          withdrawn_at: null,
          overdue_at: null,
          escalated_at: null,
        })
        .onConflict((oc) => oc.columns(['schedule_id', 'period_index']).doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!inserted) continue
      issued++
      if (reviewers.userIds.length) await tx.insertInto('attestation_request_reviewers').values(reviewers.userIds.map((user_id) => ({ request_id: id, user_id }))).execute()
      audit.push({
        action: 'attestation.requested',
        entityType: 'policy',
        entityId: schedule.policy_id,
        after: { request_id: id, attestation_rule_id: schedule.attestation_rule_id, rule_name: schedule.rule.name, period_start: period.starts_at, due_at: period.due_at, reviewers: reviewers.addressees },
      })
      if (policy.webhook) {
        await queuePolicyEvent(tx, policy.webhook, at, policy, 'attestation.requested', `Sign-off requested: ${policy.name} (${schedule.rule.name}), due ${dayOf(period.due_at)}`, {
          request: { id, attestation_rule_id: schedule.attestation_rule_id, rule_name: schedule.rule.name, period_start: period.starts_at, period_end: period.ends_at, due_at: period.due_at },
          reviewers: reviewers.addressees,
        })
      }
    }
  }
  return issued
}

async function lastIssued(db: Db, scheduleIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('attestation_requests')
    .select(['schedule_id', (eb) => eb.fn.max('period_index').as('last')])
    .where('schedule_id', 'in', scheduleIds)
    .groupBy('schedule_id')
    .execute()
  return new Map(rows.map((row) => [row.schedule_id, Number(row.last)]))
}

interface OpenRequest {
  id: string
  policy_id: string
  attestation_rule_id: string
  period_start: string
  due_at: string
  reviewers_json: string
  escalation_json: string
  overdue_at: string | null
  escalated_at: string | null
  rule_name: string
}

/**
 * Reminders before and on the due date, and past it: Overdue, then the escalation, each once per
 * request. A request already past its deadline when first seen (a laptop opened after weeks) is
 * told only that it is overdue: the earlier nudges would arrive too late to help.
 */
async function noticeDeadlines(tx: Tx, at: string, policies: PolicyFacts, audit: AuditEntry[], toEvaluate: Set<string>): Promise<number> {
  const open: OpenRequest[] = await tx
    .selectFrom('attestation_requests')
    .innerJoin('attestation_rules', 'attestation_rules.id', 'attestation_requests.attestation_rule_id')
    .select([
      'attestation_requests.id',
      'attestation_requests.policy_id',
      'attestation_requests.attestation_rule_id',
      'attestation_requests.period_start',
      'attestation_requests.due_at',
      'attestation_requests.reviewers_json',
      'attestation_requests.escalation_json',
      'attestation_requests.overdue_at',
      'attestation_requests.escalated_at',
      'attestation_rules.name as rule_name',
    ])
    .where('attestation_requests.closed_at', 'is', null)
    .where('attestation_requests.withdrawn_at', 'is', null)
    .where((eb) => eb.or([eb('attestation_requests.overdue_at', 'is', null), eb('attestation_requests.escalated_at', 'is', null)]))
    .execute()
  let written = 0
  for (const request of open) {
    const policy = await policies.get(request.policy_id)
    const reviewers = await requestReviewers(tx, request.id)
    const due = dayOf(request.due_at)
    if (request.due_at > at) {
      const soon = before(request.due_at, DUE_SOON_DAYS)
      const today = startOfDay(request.due_at)
      await remind(tx, at, audit, { kind: 'opened', subject: request.id, policy_id: policy.id, request_id: request.id }, reviewers, `Sign-off requested: ${policy.name}`, `${request.rule_name}: review ${policy.name} and sign it off by ${due}.`)
      if (today <= at && today > request.period_start) {
        written += await remind(tx, at, audit, { kind: 'due_today', subject: request.id, policy_id: policy.id, request_id: request.id }, reviewers, `Sign-off due today: ${policy.name}`, `${request.rule_name} is due today (${due}).`)
      } else if (soon <= at && soon > request.period_start) {
        written += await remind(tx, at, audit, { kind: 'due_soon', subject: request.id, policy_id: policy.id, request_id: request.id }, reviewers, `Sign-off due ${due}: ${policy.name}`, `${request.rule_name} is due in ${DUE_SOON_DAYS} days or less, on ${due}.`)
      }
      continue
    }
    // Past its deadline with no sign-off.
    if (request.overdue_at === null) {
      await tx.updateTable('attestation_requests').set({ overdue_at: at }).where('id', '=', request.id).execute()
      audit.push({ action: 'attestation.overdue', entityType: 'policy', entityId: policy.id, after: { request_id: request.id, attestation_rule_id: request.attestation_rule_id, rule_name: request.rule_name, period_start: request.period_start, due_at: request.due_at } })
      await remind(tx, at, audit, { kind: 'overdue', subject: request.id, policy_id: policy.id, request_id: request.id }, reviewers, `Sign-off overdue: ${policy.name}`, `${request.rule_name} was due ${due}; the applications it covers show Attestation Overdue until it is signed off.`)
      if (policy.webhook) await queuePolicyEvent(tx, policy.webhook, at, policy, 'attestation.overdue', `Sign-off overdue: ${policy.name} (${request.rule_name}), due ${due}`, { request: { id: request.id, attestation_rule_id: request.attestation_rule_id, rule_name: request.rule_name, period_start: request.period_start, due_at: request.due_at } })
      toEvaluate.add(policy.id)
      written++
    }
    if (request.escalated_at === null) {
      const path = JSON.parse(request.escalation_json) as Addressee[]
      const escalation = await resolveAddressees(tx, path.map((entry) => ({ type: entry.type, id: entry.id })))
      await tx.updateTable('attestation_requests').set({ escalated_at: at }).where('id', '=', request.id).execute()
      audit.push({ action: 'attestation.escalated', entityType: 'policy', entityId: policy.id, after: { request_id: request.id, rule_name: request.rule_name, due_at: request.due_at, escalation_path: path } })
      const people = await peopleNamed(tx, escalation.userIds)
      await remind(tx, at, audit, { kind: 'escalated', subject: request.id, policy_id: policy.id, request_id: request.id }, people, `Escalation: ${policy.name} sign-off missed`, `${request.rule_name} was due ${due} and has not been signed off.`)
      if (policy.webhook) await queuePolicyEvent(tx, policy.webhook, at, policy, 'attestation.escalated', `Escalation: the ${request.rule_name} sign-off of ${policy.name}, due ${due}, was missed`, { request: { id: request.id, rule_name: request.rule_name, due_at: request.due_at }, escalation_path: path })
      written++
    }
  }
  return written
}

/** Exceptions nearing their end (30, 7 and 1 days ahead: only the nearest passed is sent) and ended. */
async function noticeExceptions(tx: Tx, at: string, policies: PolicyFacts, audit: AuditEntry[]): Promise<{ count: number; applications: string[] }> {
  const horizon = new Date(Date.parse(at) + EXCEPTION_WARNINGS[0] * DAY_MS).toISOString()
  const rows = await tx
    .selectFrom('attestation_exceptions')
    .innerJoin('applications', 'applications.id', 'attestation_exceptions.application_id')
    .select([
      'attestation_exceptions.id',
      'attestation_exceptions.policy_id',
      'attestation_exceptions.application_id',
      'applications.name as application_name',
      'attestation_exceptions.requirement',
      'attestation_exceptions.justification',
      'attestation_exceptions.expiry_date',
      'attestation_exceptions.expires_at',
      'attestation_exceptions.granted_at',
      'attestation_exceptions.granted_by_id',
    ])
    .where('attestation_exceptions.expired_noted_at', 'is', null)
    .where('attestation_exceptions.expires_at', '<=', horizon)
    .execute()
  let count = 0
  const applications: string[] = []
  for (const exception of rows) {
    const policy = await policies.get(exception.policy_id)
    const recipients = await peopleNamed(tx, [exception.granted_by_id])
    const about = { application_id: exception.application_id, application_name: exception.application_name, policy_id: policy.id, policy_name: policy.name, requirement: exception.requirement, expiry_date: exception.expiry_date, exception_id: exception.id }
    const exceptionEvent = { exception: { id: exception.id, requirement: exception.requirement, justification: exception.justification, expiry_date: exception.expiry_date }, application: { id: exception.application_id, name: exception.application_name } }
    if (exception.expires_at <= at) {
      await tx.updateTable('attestation_exceptions').set({ expired_noted_at: at }).where('id', '=', exception.id).execute()
      audit.push({ action: 'exception.expired', entityType: 'application', entityId: exception.application_id, after: about })
      await remind(tx, at, audit, { kind: 'exception_expired', subject: exception.id, policy_id: policy.id, exception_id: exception.id }, recipients, `Exception expired: ${exception.application_name}`, `Under ${policy.name}, the exception for ${exception.requirement} on ${exception.application_name} ended on ${exception.expiry_date}; the requirement counts again.`)
      if (policy.webhook) await queuePolicyEvent(tx, policy.webhook, at, policy, 'exception.expired', `Exception expired: ${exception.requirement} on ${exception.application_name} (${policy.name})`, exceptionEvent)
      applications.push(exception.application_id)
      count++
      continue
    }
    // The nearest warning already passed, unless it passed before the exception was granted.
    const days = [...EXCEPTION_WARNINGS].reverse().find((d) => before(exception.expires_at, d) <= at && before(exception.expires_at, d) >= exception.granted_at)
    if (days === undefined) continue
    const sent = await remind(
      tx,
      at,
      audit,
      { kind: 'exception_expiring', subject: `${exception.id}:${days}`, policy_id: policy.id, exception_id: exception.id },
      recipients,
      `Exception expires ${exception.expiry_date}: ${exception.application_name}`,
      `Under ${policy.name}, the exception for ${exception.requirement} on ${exception.application_name} ends in ${days === 1 ? '1 day' : `${days} days`}, on ${exception.expiry_date}.`,
    )
    if (sent) {
      audit.push({ action: 'exception.expiring', entityType: 'application', entityId: exception.application_id, after: { ...about, days_left: days } })
      if (policy.webhook) await queuePolicyEvent(tx, policy.webhook, at, policy, 'exception.expiring', `Exception expiring ${exception.expiry_date}: ${exception.requirement} on ${exception.application_name} (${policy.name})`, { ...exceptionEvent, days_left: days })
      count++
    }
  }
  return { count, applications }
}

async function requestReviewers(db: Db, requestId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await db.selectFrom('attestation_request_reviewers').select('user_id').where('request_id', '=', requestId).execute()
  return peopleNamed(db, rows.map((row) => row.user_id))
}

async function peopleNamed(db: Db, ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  if (ids.length === 0) return []
  return db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...ids]).where('deactivated_at', 'is', null).orderBy('name').execute()
}

interface ReminderSubject {
  kind: ReminderKind
  subject: string
  policy_id: string
  request_id?: string
  exception_id?: string
}

/** Writes a reminder unless it was written before (by this process or another); 1 when written. */
async function remind(tx: Tx, at: string, audit: AuditEntry[], about: ReminderSubject, recipients: ReadonlyArray<{ id: string; name: string }>, title: string, body: string): Promise<number> {
  const inserted = await tx
    .insertInto('attestation_reminders')
    .values({ kind: about.kind, subject: about.subject, policy_id: about.policy_id, request_id: about.request_id ?? null, exception_id: about.exception_id ?? null, at, title, body })
    .onConflict((oc) => oc.columns(['kind', 'subject']).doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) return 0
  if (recipients.length) await tx.insertInto('attestation_reminder_recipients').values(recipients.map((person) => ({ reminder_id: inserted.id, user_id: person.id }))).execute()
  audit.push({ action: 'attestation.reminder_sent', entityType: 'policy', entityId: about.policy_id, after: { reminder_id: inserted.id, kind: about.kind, request_id: about.request_id ?? null, exception_id: about.exception_id ?? null, title, recipients } })
  return 1
}

/** The earliest moment after `at` that anything here falls due. */
async function nextDueAt(db: Db, at: string): Promise<string> {
  let next = NEVER
  const consider = (moment: string) => {
    if (moment > at && moment < next) next = moment
  }
  const schedules = await runningSchedules(db)
  if (schedules.length) {
    const last = await lastIssued(db, schedules.map((s) => s.id))
    for (const schedule of schedules) consider(periodAt(schedule.anchor_at, cadenceOf(schedule.rule), (last.get(schedule.id) ?? -1) + 1).starts_at)
  }
  const open = await db.selectFrom('attestation_requests').select(['due_at', 'period_start']).where('closed_at', 'is', null).where('withdrawn_at', 'is', null).where('escalated_at', 'is', null).execute()
  for (const request of open) {
    consider(request.due_at)
    consider(startOfDay(request.due_at))
    consider(before(request.due_at, DUE_SOON_DAYS))
  }
  const exceptions = await db.selectFrom('attestation_exceptions').select('expires_at').where('expired_noted_at', 'is', null).execute()
  for (const exception of exceptions) {
    consider(exception.expires_at)
    for (const days of EXCEPTION_WARNINGS) consider(before(exception.expires_at, days))
  }
  return next
}
