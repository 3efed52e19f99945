/**
 * Deleting and restoring an application's materialised rules, with the feedback each needs: a
 * confirmation naming what a deletion costs, a toast that can undo it, failures named.
 */
import { METRIC_BY_KEY, type MetricKey } from '../../../../src-shared/domain/metrics'
import type { MaterialisedRule } from '../../../../src-shared/domain/policy'
import { confirmAction, notifyDone, notifyFailed } from '../../../components/feedback'
import { namesInWords, useApplicationRules, type RulesOfApplication } from './application-rules-store'

export interface RuleTarget {
  applicationId: string
  applicationName: string
}

const label = (requirement: MetricKey) => METRIC_BY_KEY[requirement].label

/** What deleting `rule` would do, in the engine's terms: restored at once, or a gap until someone restores it. */
export function deletionConsequences(target: RuleTarget, rule: MaterialisedRule, rules: RulesOfApplication): string[] {
  const sources = rule.sources.map((source) => source.policy_name)
  const sourceIds = new Set(rule.sources.map((source) => source.policy_id))
  const restoring = rules.policies.filter((policy) => sourceIds.has(policy.id) && policy.auto_restore).map((policy) => policy.name)
  if (restoring.length > 0) {
    return [
      `${namesInWords(restoring)} ${restoring.length === 1 ? 'restores' : 'restore'} it at once: the rule comes straight back.`,
      'The deletion stays on record as a gap that opened and closed at the same moment.',
    ]
  }
  return [
    `${target.applicationName} becomes Non-Compliant under ${namesInWords(sources)} until the rule is restored.`,
    'The deletion is recorded in the audit log.',
  ]
}

/**
 * `onConfirmed` runs once the person says yes (to show the deletion under way); `onChanged` lets
 * the screen showing the rules refresh what depends on them (statuses, coverage).
 */
export async function deleteRule(target: RuleTarget, rule: MaterialisedRule, onChanged: () => unknown, onConfirmed: () => void = () => undefined): Promise<void> {
  const store = useApplicationRules.getState()
  const rules = store.byApplication[target.applicationId]
  if (!rules) return
  const name = label(rule.requirement)
  const confirmed = await confirmAction({
    title: `Delete the ${name} rule?`,
    consequences: deletionConsequences(target, rule, rules),
    confirmLabel: 'Delete rule',
    danger: true,
  })
  if (!confirmed) return
  onConfirmed()
  try {
    const { restored } = await store.deleteRule(target.applicationId, rule.id)
    void onChanged()
    if (restored) {
      const restorers = restored.sources.filter((source) => rules.policies.some((policy) => policy.id === source.policy_id && policy.auto_restore))
      notifyDone(`${namesInWords(restorers.map((source) => source.policy_name))} restored the ${name} rule on ${target.applicationName} at once.`)
      return
    }
    notifyDone(`Deleted the ${name} rule from ${target.applicationName}.`, {
      undo: async () => {
        await useApplicationRules.getState().restore(target.applicationId, rule.requirement)
        void onChanged()
      },
    })
  } catch (error) {
    notifyFailed(error, `Could not delete the ${name} rule`)
  }
}

export async function restoreRule(target: RuleTarget, requirement: MetricKey, onChanged: () => unknown): Promise<void> {
  const name = label(requirement)
  try {
    await useApplicationRules.getState().restore(target.applicationId, requirement)
    void onChanged()
    notifyDone(`Restored the ${name} rule on ${target.applicationName}.`)
  } catch (error) {
    notifyFailed(error, `Could not restore the ${name} rule`)
  }
}
