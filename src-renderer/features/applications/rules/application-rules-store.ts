/**
 * The alert rules policies have put on applications, and the required ones someone deleted, with
 * the policies covering each application (their names and whether they auto-restore). Loaded per
 * application by whichever screen shows them: its detail page, or a policy's coverage row.
 */
import { create } from 'zustand'
import type { MetricKey } from '../../../../src-shared/domain/metrics'
import type { MaterialisedRule, MissingRule, Policy } from '../../../../src-shared/domain/policy'
import { client } from '../../../api/client'

export interface RulesOfApplication {
  alertRules: MaterialisedRule[]
  missing: MissingRule[]
  /** The policies covering the application, to name a rule's sources and tell who auto-restores. */
  policies: Pick<Policy, 'id' | 'name' | 'auto_restore'>[]
}

interface ApplicationRulesState {
  byApplication: Record<string, RulesOfApplication>
  errors: Record<string, string>
  load(applicationId: string): Promise<void>
  /** Reloads every application already on screen, after a change made elsewhere. */
  refresh(): Promise<void>
  deleteRule(applicationId: string, ruleId: string): Promise<{ restored: MaterialisedRule | null }>
  restore(applicationId: string, requirement?: MetricKey): Promise<MaterialisedRule[]>
}

export const useApplicationRules = create<ApplicationRulesState>((set, get) => ({
  byApplication: {},
  errors: {},
  async load(applicationId) {
    try {
      const [rules, { policies }] = await Promise.all([
        client.call('applications.rules', { id: applicationId }),
        client.call('applications.policies', { id: applicationId }),
      ])
      const { [applicationId]: _fixed, ...errors } = get().errors
      set({
        byApplication: { ...get().byApplication, [applicationId]: { alertRules: rules.alert_rules, missing: rules.missing, policies } },
        errors,
      })
    } catch (error) {
      set({ errors: { ...get().errors, [applicationId]: (error as Error).message } })
    }
  },
  async refresh() {
    await Promise.all(Object.keys(get().byApplication).map((id) => get().load(id)))
  },
  async deleteRule(applicationId, ruleId) {
    const { restored } = await client.call('applications.deleteRule', { id: applicationId, rule_id: ruleId })
    await get().load(applicationId)
    return { restored }
  },
  async restore(applicationId, requirement) {
    const { restored } = await client.call('applications.restoreRules', { id: applicationId, ...(requirement ? { requirement } : {}) })
    await get().load(applicationId)
    return restored
  },
}))

/** "A", "A and B", "A, B and C": policy names as a sentence reads them. */
export function namesInWords(names: readonly string[]): string {
  return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(names)
}
