/**
 * Impact preview: a policy change rehearsed inside a transaction that is rolled back. Whatever
 * the real change would do — coverage, materialised rules, statuses on current data — is read
 * from inside the rehearsal, so the preview cannot drift from what confirming does.
 */
import type { Impact, ImpactEntry } from '../../../src-shared/domain/compliance'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { Policy } from '../../../src-shared/domain/policy'
import type { Operator, Severity } from '../../../src-shared/domain/rules'
import type { EngineContext } from '../context'
import type { Db, Tx } from '../db/schema'
import { evaluateAt } from './evaluate'

interface RuleFacts {
  requirement: MetricKey
  operator: Operator
  threshold: number
  severity: Severity
}

export async function rehearseWithImpact(engine: EngineContext, policyId: string | null, change: (tx: Tx) => Promise<Policy>): Promise<Policy & { impact: Impact }> {
  return engine.rehearse(async (tx) => {
    const now = engine.nowIso()
    const coveredBefore = policyId ? await coveredBy(tx, policyId) : new Set<string>()
    const statusBefore = new Map((await evaluateAt(tx, now, [...coveredBefore])).map((app) => [app.id, app.judged.find((entry) => entry.policy.policyId === policyId)?.status ?? null]))
    const rulesBefore = await rulesByApplication(tx)

    const policy = await change(tx)

    const coveredAfter = await coveredBy(tx, policy.id)
    const rulesAfter = await rulesByApplication(tx)
    const affected = new Set([...coveredBefore, ...coveredAfter])
    for (const id of new Set([...rulesBefore.keys(), ...rulesAfter.keys()])) {
      if (!sameRules(rulesBefore.get(id), rulesAfter.get(id))) affected.add(id)
    }
    const after = await evaluateAt(tx, now, [...affected])
    const entries: ImpactEntry[] = after.map((app) => {
      const before = rulesBefore.get(app.id) ?? new Map<string, RuleFacts>()
      const afterRules = rulesAfter.get(app.id) ?? new Map<string, RuleFacts>()
      const judged = app.judged.find((entry) => entry.policy.policyId === policy.id)
      const wasCovered = coveredBefore.has(app.id)
      const isCovered = coveredAfter.has(app.id)
      return {
        application_id: app.id,
        application_name: app.name,
        coverage: wasCovered && isCovered ? 'kept' : isCovered ? 'added' : wasCovered ? 'removed' : 'unchanged',
        rules_added: [...afterRules].filter(([key]) => !before.has(key)).map(([, rule]) => rule),
        rules_changed: [...afterRules]
          .filter(([key, rule]) => before.has(key) && !sameRule(before.get(key)!, rule))
          .map(([key, rule]) => ({ requirement: rule.requirement, before: facts(before.get(key)!), after: facts(rule) })),
        rules_removed: [...before].filter(([key]) => !afterRules.has(key)).map(([, rule]) => rule),
        status_before: statusBefore.get(app.id) ?? null,
        status_after: judged?.status ?? null,
        failing_after: judged ? judged.policy.requirements.filter((_, index) => judged.outcomes[index] === 'breach' || judged.outcomes[index] === 'missing_rule').map((rule) => rule.metric) : [],
      }
    })
    const failing = new Set(['non_compliant', 'warning'])
    return {
      ...policy,
      impact: {
        policy_id: policy.id,
        applications: entries,
        summary: {
          applications_affected: entries.length,
          rules_added: entries.reduce((n, e) => n + e.rules_added.length, 0),
          rules_changed: entries.reduce((n, e) => n + e.rules_changed.length, 0),
          rules_removed: entries.reduce((n, e) => n + e.rules_removed.length, 0),
          newly_failing: entries.filter((e) => e.status_after !== null && failing.has(e.status_after) && !(e.status_before !== null && failing.has(e.status_before))).length,
        },
      },
    }
  })
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
