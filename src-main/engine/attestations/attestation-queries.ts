/**
 * Reading attestations: a policy's history, the inbox, one request with its evidence, each rule's
 * schedule, and the reminders addressed to a person.
 */
import type { Selectable } from 'kysely'
import {
  DUE_SOON_DAYS,
  type Addressee,
  type Attestation,
  type AttestationException,
  type AttestationRequest,
  type Inbox,
  type InboxTab,
  type Reminder,
  type ReminderKind,
  type RuleSchedule,
} from '../../../src-shared/domain/attestations'
import type { Actor } from '../../../src-shared/domain/common'
import type { AttestationRequestsTable, Db } from '../db/schema'
import { notFound } from '../errors'
import { attestedPolicy } from './attested-policy'
import { periodAt } from './periods'
import { cadenceOf, rulesById, runningSchedules } from './schedules'

const DAY_MS = 86_400_000

/** A request's state at `now`. */
function stateOf(row: Pick<Selectable<AttestationRequestsTable>, 'closed_at' | 'withdrawn_at' | 'due_at'>, now: string): AttestationRequest['state'] {
  if (row.closed_at) return 'done'
  if (row.withdrawn_at) return 'withdrawn'
  return row.due_at <= now ? 'overdue' : 'open'
}

/** Requests as the API shows them. */
export async function describeRequests(db: Db, rows: ReadonlyArray<Selectable<AttestationRequestsTable>>, actor: Pick<Actor, 'id'>, now: string): Promise<AttestationRequest[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const policyIds = [...new Set(rows.map((row) => row.policy_id))]
  const [rules, policies, mine, coverage] = await Promise.all([
    rulesById(db, rows.map((row) => row.attestation_rule_id)),
    db.selectFrom('policies').select(['id', 'name']).where('id', 'in', policyIds).execute(),
    db.selectFrom('attestation_request_reviewers').select('request_id').where('user_id', '=', actor.id).where('request_id', 'in', ids).execute(),
    db.selectFrom('policy_coverage').select(['policy_id', (eb) => eb.fn.countAll<number>().as('count')]).where('policy_id', 'in', policyIds).groupBy('policy_id').execute(),
  ])
  const mineSet = new Set(mine.map((row) => row.request_id))
  return rows.map((row) => {
    const rule = rules.get(row.attestation_rule_id)!
    return {
      id: row.id,
      policy_id: row.policy_id,
      policy_name: policies.find((policy) => policy.id === row.policy_id)?.name ?? row.policy_id,
      attestation_rule_id: row.attestation_rule_id,
      rule_name: rule.name,
      frequency: rule.frequency,
      every_days: rule.every_days,
      period_index: row.period_index,
      period_start: row.period_start,
      period_end: row.period_end,
      due_at: row.due_at,
      issued_at: row.issued_at,
      reviewers: JSON.parse(row.reviewers_json) as Addressee[],
      escalation_path: JSON.parse(row.escalation_json) as Addressee[],
      notes_required: rule.notes_required,
      blocking: rule.blocking,
      state: stateOf(row, now),
      closed_at: row.closed_at,
      attestation_id: row.attestation_id,
      withdrawn_at: row.withdrawn_at,
      overdue_since: !row.withdrawn_at && row.due_at <= now && (!row.closed_at || row.closed_at > row.due_at) ? row.due_at : null,
      escalated_at: row.escalated_at,
      addressed_to_me: mineSet.has(row.id),
      covered_applications: Number(coverage.find((c) => c.policy_id === row.policy_id)?.count ?? 0),
    }
  })
}

export async function getRequest(db: Db, id: string, actor: Pick<Actor, 'id'>, now: string): Promise<AttestationRequest> {
  const row = await db.selectFrom('attestation_requests').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('attestation request', id)
  return (await describeRequests(db, [row], actor, now))[0]!
}

/** The inbox: a tab's requests, soonest due first (done: latest closed first), with every tab's count. */
export async function inbox(db: Db, input: { tab: InboxTab; policy_id?: string; mine: boolean }, actor: Pick<Actor, 'id'>, now: string): Promise<Inbox> {
  if (input.policy_id) await attestedPolicy(db, input.policy_id, 'policy_id')
  const soon = new Date(Date.parse(now) + DUE_SOON_DAYS * DAY_MS).toISOString()
  let query = db.selectFrom('attestation_requests').selectAll()
  if (input.policy_id) query = query.where('policy_id', '=', input.policy_id)
  if (input.mine) query = query.where('id', 'in', db.selectFrom('attestation_request_reviewers').select('request_id').where('user_id', '=', actor.id))
  const rows = await query.execute()
  const isOpen = (row: (typeof rows)[number]) => !row.closed_at && !row.withdrawn_at
  const inTab: Record<InboxTab, (row: (typeof rows)[number]) => boolean> = {
    open: isOpen,
    due_soon: (row) => isOpen(row) && row.due_at > now && row.due_at <= soon,
    overdue: (row) => isOpen(row) && row.due_at <= now,
    done: (row) => !isOpen(row),
  }
  const mine = new Set(
    (await db.selectFrom('attestation_request_reviewers').innerJoin('attestation_requests', 'attestation_requests.id', 'attestation_request_reviewers.request_id').select('request_id').where('user_id', '=', actor.id).where('attestation_requests.closed_at', 'is', null).where('attestation_requests.withdrawn_at', 'is', null).execute()).map((row) => row.request_id),
  )
  const selected = rows.filter(inTab[input.tab])
  selected.sort((a, b) => (input.tab === 'done' ? (b.closed_at ?? b.withdrawn_at ?? '').localeCompare(a.closed_at ?? a.withdrawn_at ?? '') : a.due_at.localeCompare(b.due_at) || a.id.localeCompare(b.id)))
  return {
    tab: input.tab,
    requests: await describeRequests(db, selected.slice(0, 1000), actor, now),
    counts: {
      open: rows.filter(inTab.open).length,
      due_soon: rows.filter(inTab.due_soon).length,
      overdue: rows.filter(inTab.overdue).length,
      done: rows.filter(inTab.done).length,
      awaiting_me: mine.size,
    },
  }
}

/** Attestations, newest first: a policy's (`id`), or the given ones. */
export async function loadAttestations(db: Db, query: { id?: string; ids?: readonly string[] }, actor: Pick<Actor, 'id'>, now: string): Promise<Attestation[]> {
  let select = db.selectFrom('attestations').selectAll()
  if (query.id) select = select.where('policy_id', '=', query.id)
  if (query.ids) select = select.where('id', 'in', query.ids.length ? query.ids : [''])
  const rows = await select.orderBy('attested_at', 'desc').orderBy('id', 'desc').execute()
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [policies, exceptions, requests] = await Promise.all([
    db.selectFrom('policies').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((row) => row.policy_id))]).execute(),
    db
      .selectFrom('attestation_exceptions')
      .leftJoin('applications', 'applications.id', 'attestation_exceptions.application_id')
      .selectAll('attestation_exceptions')
      .select('applications.name as application_name')
      .where('attestation_id', 'in', ids)
      .orderBy('attestation_exceptions.application_id')
      .execute(),
    db.selectFrom('attestation_requests').selectAll().where('attestation_id', 'in', ids).orderBy('period_start').execute(),
  ])
  const described = new Map((await describeRequests(db, requests, actor, now)).map((request) => [request.id, request]))
  return rows.map((row) => ({
    id: row.id,
    policy_id: row.policy_id,
    policy_name: policies.find((policy) => policy.id === row.policy_id)?.name ?? row.policy_id,
    policy_version: row.policy_version,
    status: row.status as Attestation['status'],
    notes: row.notes,
    attested_at: row.attested_at,
    reviewer: { id: row.reviewer_id, name: row.reviewer_name },
    request_id: row.request_id,
    request: row.request_id ? (described.get(row.request_id) ?? null) : null,
    closed_request_ids: requests.filter((request) => request.attestation_id === row.id).map((request) => request.id),
    period_start: row.period_start,
    exceptions: exceptions
      .filter((exception) => exception.attestation_id === row.id)
      .map(
        (exception): AttestationException => ({
          id: exception.id,
          attestation_id: exception.attestation_id,
          policy_id: exception.policy_id,
          application_id: exception.application_id,
          application_name: exception.application_name ?? exception.application_id,
          requirement: exception.requirement,
          justification: exception.justification,
          expiry_date: exception.expiry_date,
          expires_at: exception.expires_at,
          granted_at: exception.granted_at,
          granted_by: { id: exception.granted_by_id, name: exception.granted_by_name },
          state: exception.expires_at <= now ? 'expired' : 'active',
        }),
      ),
  }))
}

/** Each running rule of a policy: its current request, the next deadline not signed off, and how long sign-off lasts. */
export async function ruleSchedules(db: Db, policyId: string, actor: Pick<Actor, 'id'>, now: string): Promise<RuleSchedule[]> {
  await attestedPolicy(db, policyId)
  const schedules = await runningSchedules(db, [policyId])
  const out: RuleSchedule[] = []
  for (const schedule of schedules) {
    const cadence = cadenceOf(schedule.rule)
    const rows = await db.selectFrom('attestation_requests').selectAll().where('schedule_id', '=', schedule.id).orderBy('period_index', 'desc').execute()
    const latest = rows[0]
    const [current] = latest ? await describeRequests(db, [latest], actor, now) : [undefined]
    const unsigned = rows.filter((row) => !row.closed_at && !row.withdrawn_at).sort((a, b) => a.due_at.localeCompare(b.due_at))[0]
    const nextIndex = latest ? latest.period_index + 1 : 0
    const following = periodAt(schedule.anchor_at, cadence, nextIndex)
    out.push({
      attestation_rule_id: schedule.attestation_rule_id,
      name: schedule.rule.name,
      frequency: schedule.rule.frequency,
      every_days: schedule.rule.every_days,
      deadline_days: schedule.rule.deadline_days,
      blocking: schedule.rule.blocking,
      anchor_at: schedule.anchor_at,
      current_request: current ?? null,
      next_due_at: unsigned?.due_at ?? following.due_at,
      signed_off_until: latest?.closed_at ? following.due_at : null,
    })
  }
  return out
}

/** Reminders addressed to `actor` after `afterId`, oldest first. */
export async function remindersFor(db: Db, actor: Pick<Actor, 'id'>, afterId: number, limit: number): Promise<{ reminders: Reminder[]; last_id: number }> {
  const rows = await db
    .selectFrom('attestation_reminders')
    .innerJoin('attestation_reminder_recipients', 'attestation_reminder_recipients.reminder_id', 'attestation_reminders.id')
    .selectAll('attestation_reminders')
    .where('attestation_reminder_recipients.user_id', '=', actor.id)
    .where('attestation_reminders.id', '>', afterId)
    .orderBy('attestation_reminders.id')
    .limit(limit)
    .execute()
  const newest = await db.selectFrom('attestation_reminders').select((eb) => eb.fn.max('id').as('last')).executeTakeFirst()
  return {
    reminders: rows.map((row) => ({ id: row.id, kind: row.kind as ReminderKind, at: row.at, policy_id: row.policy_id, request_id: row.request_id, exception_id: row.exception_id, title: row.title, body: row.body })),
    // A full page may have more after it; otherwise nothing later is addressed to this person.
    last_id: rows.length === limit ? rows.at(-1)!.id : Math.max(afterId, Number(newest?.last ?? 0)),
  }
}
