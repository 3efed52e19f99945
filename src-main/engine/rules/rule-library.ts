/** The organisation's rule libraries: alert rules (metric thresholds) and attestation rules (sign-offs). */
import type { z } from 'zod'
import type { PrincipalRef } from '../../../src-shared/domain/people'
import {
  AlertRuleDraft,
  AttestationRuleDraft,
  Frequency,
  NoDataPolicy,
  Operator,
  Severity,
  type AlertRule,
  type AttestationRule,
} from '../../../src-shared/domain/rules'
import { MetricKey } from '../../../src-shared/domain/metrics'
import { recordAudit } from '../audit-trail'
import type { CallContext, EngineContext } from '../context'
import type { AlertRulesTable, AttestationRulesTable, Db } from '../db/schema'
import { EngineError } from '../errors'
import { idFor } from '../chosen-id'

function toAlertRule(row: AlertRulesTable): AlertRule {
  return {
    id: row.id,
    name: row.name,
    metric: MetricKey.parse(row.metric),
    operator: Operator.parse(row.operator),
    threshold: row.threshold,
    severity: Severity.parse(row.severity),
    window_hours: row.window_hours,
    no_data: NoDataPolicy.parse(row.no_data),
    recommended: row.recommended === 1,
    builtin: row.builtin === 1,
    created_at: row.created_at,
  }
}

function toAttestationRule(row: AttestationRulesTable): AttestationRule {
  return {
    id: row.id,
    name: row.name,
    frequency: Frequency.parse(row.frequency),
    every_days: row.every_days,
    reviewers: JSON.parse(row.reviewers_json) as PrincipalRef[],
    deadline_days: row.deadline_days,
    escalation_path: JSON.parse(row.escalation_json) as PrincipalRef[],
    notes_required: row.notes_required === 1,
    blocking: row.blocking === 'block' ? 'block' : 'warn',
    created_at: row.created_at,
  }
}

export async function listAlertRules(db: Db, ids?: readonly string[]): Promise<AlertRule[]> {
  let query = db.selectFrom('alert_rules').selectAll()
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  const rows = await query.orderBy('recommended', 'desc').orderBy('name').execute()
  return rows.map(toAlertRule)
}

export async function listAttestationRules(db: Db, ids?: readonly string[]): Promise<AttestationRule[]> {
  let query = db.selectFrom('attestation_rules').selectAll()
  if (ids) query = query.where('id', 'in', ids.length ? ids : [''])
  return (await query.orderBy('name').execute()).map(toAttestationRule)
}

export async function createAlertRule(engine: EngineContext, ctx: CallContext, draft: z.output<typeof AlertRuleDraft>): Promise<AlertRule> {
  return engine.mutate(['rules'], async (tx) => {
    const now = engine.nowIso()
    const row: AlertRulesTable = {
      id: await idFor(tx, 'alert_rules', 'ar', draft.id),
      name: draft.name,
      metric: draft.metric,
      operator: draft.operator,
      threshold: draft.threshold,
      severity: draft.severity,
      window_hours: draft.window_hours,
      no_data: draft.no_data,
      recommended: draft.recommended ? 1 : 0,
      builtin: 0,
      created_at: now,
    }
    await tx.insertInto('alert_rules').values(row).execute()
    const rule = toAlertRule(row)
    await recordAudit(tx, ctx.actor, now, { action: 'alert_rule.created', entityType: 'alert_rule', entityId: rule.id, after: rule })
    return rule
  })
}

/** Reviewers and escalation contacts must be people or groups in the directory, and people active ones. */
async function assertPrincipalsExist(db: Db, principals: readonly PrincipalRef[], field: string): Promise<void> {
  for (const [index, principal] of principals.entries()) {
    if (principal.type === 'user') {
      const person = await db.selectFrom('users').select(['id', 'name', 'deactivated_at']).where('id', '=', principal.id).executeTakeFirst()
      if (!person) throw new EngineError('invalid_input', `No user with id ${principal.id}`, `${field}.${index}.id`)
      if (person.deactivated_at !== null) {
        throw new EngineError('invalid_input', `${person.name} (${person.id}) is deactivated; reactivate them or choose someone active`, `${field}.${index}.id`)
      }
    } else {
      const found = await db.selectFrom('groups').select('id').where('id', '=', principal.id).executeTakeFirst()
      if (!found) throw new EngineError('invalid_input', `No group with id ${principal.id}`, `${field}.${index}.id`)
    }
  }
}

export async function createAttestationRule(
  engine: EngineContext,
  ctx: CallContext,
  draft: z.output<typeof AttestationRuleDraft>,
): Promise<AttestationRule> {
  return engine.mutate(['rules'], async (tx) => {
    await assertPrincipalsExist(tx, draft.reviewers, 'reviewers')
    await assertPrincipalsExist(tx, draft.escalation_path, 'escalation_path')
    const now = engine.nowIso()
    const row: AttestationRulesTable = {
      id: await idFor(tx, 'attestation_rules', 'atr', draft.id),
      name: draft.name,
      frequency: draft.frequency,
      every_days: draft.frequency === 'every_n_days' ? draft.every_days : null,
      reviewers_json: JSON.stringify(draft.reviewers),
      deadline_days: draft.deadline_days,
      escalation_json: JSON.stringify(draft.escalation_path),
      notes_required: draft.notes_required ? 1 : 0,
      blocking: draft.blocking,
      created_at: now,
    }
    await tx.insertInto('attestation_rules').values(row).execute()
    const rule = toAttestationRule(row)
    await recordAudit(tx, ctx.actor, now, { action: 'attestation_rule.created', entityType: 'attestation_rule', entityId: rule.id, after: rule })
    return rule
  })
}
