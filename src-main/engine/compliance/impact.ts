/**
 * Impact preview: a policy change rehearsed inside a transaction that is rolled back. The change
 * runs as confirming it would, then the step that follows every commit (evaluating what it queued)
 * runs too, and statuses are read from where the console reads them. So the preview cannot drift
 * from what confirming does: not in coverage, rules, statuses, nor the moment they are judged at.
 */
import { COMPLIANCE_STATUSES, type ComplianceStatus, type Impact, type ImpactEntry, type ImpactSummary, type RequirementOutcome, type StatusChange } from '../../../src-shared/domain/compliance'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { Policy } from '../../../src-shared/domain/policy'
import type { Operator, Severity } from '../../../src-shared/domain/rules'
import { chunks } from '../batch'
import type { EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { applyEvaluation, evaluateQueued } from './evaluator'
import { worstStatus } from './judge'
import { storedOutcomes } from './stored-results'

interface RuleFacts {
  requirement: MetricKey
  operator: Operator
  threshold: number
  severity: Severity
}

interface StoredStatus {
  status: ComplianceStatus
  inGrace: boolean
  outcomes: RequirementOutcome[]
}

/** Per application, its stored status under each policy covering it. */
type Statuses = Map<string, Map<string, StoredStatus>>

const FAILING: ReadonlySet<ComplianceStatus | null> = new Set(['non_compliant', 'warning'])

export async function rehearseWithImpact(engine: EngineContext, policyId: string | null, change: (tx: Tx) => Promise<Policy>): Promise<Policy & { impact: Impact }> {
  return engine.rehearse(async (tx) => {
    // "Before" is what a read answers now: whatever awaits evaluation is evaluated first, as reads do.
    await evaluateQueued(tx, engine.nowIso())
    const statusesBefore = await storedStatuses(tx, undefined, { outcomes: false })
    const coveredBefore = policyId ? await coveredBy(tx, policyId) : new Set<string>()
    const rulesBefore = await rulesByApplication(tx)

    const policy = await change(tx)

    const coveredAfter = await coveredBy(tx, policy.id)
    const rulesAfter = await rulesByApplication(tx)
    const affected = new Set([...coveredBefore, ...coveredAfter])
    for (const id of new Set([...rulesBefore.keys(), ...rulesAfter.keys()])) {
      if (!sameRules(rulesBefore.get(id), rulesAfter.get(id))) affected.add(id)
    }
    // Evaluated as the evaluator will once this commits: by the same step, at a moment no earlier
    // than the change's own (a coverage applied at 10:00:00.005 governs nothing judged at 10:00:00.001).
    const ids = [...affected]
    if (ids.length > 0) await applyEvaluation(tx, engine.nowIso(), ids)
    const statusesAfter = await storedStatuses(tx, ids)

    const entries: ImpactEntry[] = (await namesOf(tx, ids)).map((app) => {
      const before = rulesBefore.get(app.id) ?? new Map<string, RuleFacts>()
      const afterRules = rulesAfter.get(app.id) ?? new Map<string, RuleFacts>()
      const wasCovered = coveredBefore.has(app.id)
      const isCovered = coveredAfter.has(app.id)
      const underPolicyBefore = statusesBefore.get(app.id)?.get(policy.id)
      const underPolicyAfter = statusesAfter.get(app.id)?.get(policy.id)
      return {
        application_id: app.id,
        application_name: app.name,
        coverage: wasCovered && isCovered ? 'kept' : isCovered ? 'added' : wasCovered ? 'removed' : 'unchanged',
        rules_added: [...afterRules].filter(([key]) => !before.has(key)).map(([, rule]) => rule),
        rules_changed: [...afterRules]
          .filter(([key, rule]) => before.has(key) && !sameRule(before.get(key)!, rule))
          .map(([key, rule]) => ({ requirement: rule.requirement, before: facts(before.get(key)!), after: facts(rule) })),
        rules_removed: [...before].filter(([key]) => !afterRules.has(key)).map(([, rule]) => rule),
        status_before: applicationStatus(statusesBefore.get(app.id)),
        status_after: applicationStatus(statusesAfter.get(app.id)),
        policy_status_before: wasCovered ? (underPolicyBefore?.status ?? null) : null,
        policy_status_after: underPolicyAfter?.status ?? null,
        in_grace_period: underPolicyAfter?.inGrace ?? false,
        failing_after: underPolicyAfter
          ? policy.alert_rules.filter((_, index) => underPolicyAfter.outcomes[index] === 'breach' || underPolicyAfter.outcomes[index] === 'missing_rule').map((rule) => rule.metric)
          : [],
      }
    })
    return { ...policy, impact: { policy_id: policy.id, applications: entries, summary: summarise(entries) } }
  })
}

/** The counts a confirmation shows, over the entries, so they agree with the rows beneath them. */
export function summarise(entries: readonly ImpactEntry[]): ImpactSummary {
  const byStatusAfter = { ...Object.fromEntries(COMPLIANCE_STATUSES.map((status) => [status, 0])), not_covered: 0 } as ImpactSummary['applications_by_status_after']
  const changes = new Map<string, StatusChange>()
  for (const entry of entries) {
    byStatusAfter[entry.status_after ?? 'not_covered']++
    if (entry.status_before === entry.status_after) continue
    const key = `${entry.status_before}|${entry.status_after}`
    const change = changes.get(key) ?? { from: entry.status_before, to: entry.status_after, applications: 0 }
    change.applications++
    changes.set(key, change)
  }
  return {
    applications_affected: entries.length,
    rules_added: entries.reduce((n, e) => n + e.rules_added.length, 0),
    rules_changed: entries.reduce((n, e) => n + e.rules_changed.length, 0),
    rules_removed: entries.reduce((n, e) => n + e.rules_removed.length, 0),
    newly_failing: entries.filter((e) => FAILING.has(e.status_after) && !FAILING.has(e.status_before)).length,
    statuses_changing: entries.filter((e) => e.status_before !== e.status_after).length,
    status_changes: [...changes.values()].sort((a, b) => b.applications - a.applications || `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)),
    applications_by_status_after: byStatusAfter,
  }
}

function applicationStatus(statuses: Map<string, StoredStatus> | undefined): ComplianceStatus | null {
  return statuses ? worstStatus([...statuses.values()].map((entry) => entry.status)) : null
}

function facts(rule: RuleFacts): Omit<RuleFacts, 'requirement'> {
  return { operator: rule.operator, threshold: rule.threshold, severity: rule.severity }
}

function sameRule(a: RuleFacts, b: RuleFacts): boolean {
  return a.operator === b.operator && a.threshold === b.threshold && a.severity === b.severity
}

function sameRules(a: Map<string, RuleFacts> | undefined, b: Map<string, RuleFacts> | undefined): boolean {
  if (!a || !b) return a === b
  if (a.size !== b.size) return false
  for (const [key, rule] of a) {
    const other = b.get(key)
    if (!other || !sameRule(rule, other)) return false
  }
  return true
}

async function coveredBy(db: Db, policyId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('policy_coverage').select('application_id').where('policy_id', '=', policyId).execute()
  return new Set(rows.map((row) => row.application_id))
}

async function rulesByApplication(db: Db): Promise<Map<string, Map<string, RuleFacts>>> {
  const rows = await db.selectFrom('application_rules').select(['application_id', 'metric', 'direction', 'operator', 'threshold', 'severity']).execute()
  const out = new Map<string, Map<string, RuleFacts>>()
  for (const row of rows) {
    const rules = out.get(row.application_id) ?? new Map<string, RuleFacts>()
    rules.set(`${row.metric}|${row.direction}`, { requirement: row.metric as MetricKey, operator: row.operator as Operator, threshold: row.threshold, severity: row.severity as Severity })
    out.set(row.application_id, rules)
  }
  return out
}

/** The statuses as the console reads them (compliance-queries): the stored ones, under policies that exist. */
async function storedStatuses(db: Db, applicationIds?: readonly string[], { outcomes = true } = {}): Promise<Statuses> {
  const out: Statuses = new Map()
  for (const slice of applicationIds ? chunks(applicationIds, 5000) : [undefined]) {
    let query = db
      .selectFrom('compliance_current')
      .innerJoin('policies', 'policies.id', 'compliance_current.policy_id')
      .select(['compliance_current.application_id', 'compliance_current.policy_id', 'compliance_current.status', 'compliance_current.in_grace', 'compliance_current.results_json'])
    if (slice) query = query.where('compliance_current.application_id', 'in', slice)
    for (const row of await query.execute()) {
      const statuses = out.get(row.application_id) ?? new Map<string, StoredStatus>()
      // Outcomes are read only where they are shown (after the change): every stored status is read before it.
      statuses.set(row.policy_id, { status: row.status as ComplianceStatus, inGrace: row.in_grace === 1, outcomes: outcomes ? storedOutcomes(row.results_json) : [] })
      out.set(row.application_id, statuses)
    }
  }
  return out
}

/** The applications' names, in the order the console lists them. */
async function namesOf(db: Db, ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  const rows: Array<{ id: string; name: string }> = []
  for (const slice of chunks(ids, 5000)) rows.push(...(await db.selectFrom('applications').select(['id', 'name']).where('id', 'in', slice).execute()))
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id.localeCompare(b.id)))
}
