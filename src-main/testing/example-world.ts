/**
 * A small workspace in which every example of the contract is a valid call: an application under
 * a policy with two versions, a group and a person, library rules, data, an API token, and a CSV
 * import under way with its first part.
 */
import type { ExampleWorld } from '../../src-shared/api/contract-examples'
import type { caller } from './workspace'
import type { Clock } from '../engine/clock'

type Call = ReturnType<typeof caller>

export async function createExampleWorld(call: Call, clock: Clock): Promise<ExampleWorld> {
  const recent = new Date(clock.now().getTime() - 3_600_000).toISOString()
  const application = await call('applications.create', { id: 'app_a', name: 'Support Assistant', tags: ['production'], team: 'Support', environment: 'production' })
  const group = await call('groups.create', { name: 'Governance' })
  const user = await call('users.create', { name: 'Ana Auditor', email: 'ana@example.com', group_ids: [group.id] })
  const alertRule = await call('alertRules.create', { name: 'PII above 1%', metric: 'pii', operator: '>', threshold: 1, severity: 'critical' })
  const attestationRule = await call('attestationRules.create', { name: 'Monthly sign-off', frequency: 'monthly', reviewers: [{ type: 'group', id: group.id }] })
  const policy = await call('policies.create', {
    name: 'Baseline',
    alert_rules: [{ alert_rule_id: alertRule.id }, { metric: 'latency_p95', operator: '>', threshold: 5000, severity: 'high' }],
    attestation_rule_ids: [attestationRule.id],
    scope: { apply_to_all: true },
    notification_webhook: 'https://hooks.example.com/governance',
  })
  await call('policies.update', { id: policy.id, description: 'The floor every application stands on' })
  const [rule] = (await call('applications.rules', { id: application.id })).alert_rules
  await call('metrics.ingest', { id: application.id, observations: [{ metric: 'pii', timestamp: recent, count: 9, total: 100 }, { metric: 'latency_p95', timestamp: recent, values: [300, 7000] }] })
  const { import_id } = await call('inferences.begin', { id: application.id, format: 'csv' })
  await call('inferences.append', { import_id, part: 0, text: `timestamp,error,user_satisfaction\n${recent},false,4\n` })
  const inbox = await call('attestations.inbox', { tab: 'open', policy_id: policy.id })
  const token = await call('tokens.create', { name: 'monitoring pipeline', role: 'governance_manager' })
  const job = await call('reports.start', { format: 'csv', application_id: application.id })
  while ((await call('reports.job', { id: job.id })).state === 'running') await new Promise((resolve) => setTimeout(resolve, 10))
  return {
    reportJobId: job.id,
    tokenId: token.token.id,
    attestationRequestId: inbox.requests[0]!.id,
    applicationId: application.id,
    policyId: policy.id,
    groupId: group.id,
    userId: user.id,
    alertRuleId: alertRule.id,
    attestationRuleId: attestationRule.id,
    ruleId: rule!.id,
    importId: import_id,
    recent,
  }
}
