/**
 * A policy as attestation reads it: what may be attested, by whom, and which requirements an
 * exception may name. Read from the policy's own rows (the policies area builds on this one, not
 * the other way round).
 */
import type { AttestationRule } from '../../../src-shared/domain/rules'
import type { Db } from '../db/schema'
import { notFound } from '../errors'
import { listAttestationRules } from '../rules/rule-library'

export interface AttestedPolicy {
  id: string
  name: string
  version: number
  status: string
  archived: boolean
  webhook: string | null
  requirements: string[]
  attestationRules: AttestationRule[]
}

export async function attestedPolicy(db: Db, id: string, field = 'id'): Promise<AttestedPolicy> {
  const row = await db.selectFrom('policies').select(['id', 'name', 'version', 'status', 'archived_at', 'notification_webhook']).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('policy', id, field)
  const [requirements, links] = await Promise.all([
    db.selectFrom('policy_requirements').select('metric').where('policy_id', '=', id).orderBy('position').execute(),
    db.selectFrom('policy_attestation_rules').select('attestation_rule_id').where('policy_id', '=', id).orderBy('position').execute(),
  ])
  const rules = await listAttestationRules(db, links.map((link) => link.attestation_rule_id))
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    status: row.status,
    archived: row.archived_at !== null,
    webhook: row.notification_webhook,
    requirements: requirements.map((requirement) => requirement.metric),
    attestationRules: links.map((link) => rules.find((rule) => rule.id === link.attestation_rule_id)!),
  }
}
