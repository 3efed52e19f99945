/**
 * The rule libraries and metric catalogue, as the engine serves them. Shared by the templates
 * gallery, the policy wizard and the policy detail, which all need metric labels and units.
 */
import { create } from 'zustand'
import type { Output } from '../../../src-shared/api/contract'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { AlertRule, AlertRuleDraft, AttestationRule, AttestationRuleDraft } from '../../../src-shared/domain/rules'
import { client } from '../../api/client'

export type MetricInfo = Output<'metrics.list'>['metrics'][number]

interface RuleLibraryState {
  metrics: MetricInfo[]
  alertRules: AlertRule[]
  attestationRules: AttestationRule[]
  loaded: boolean
  error?: string
  load(): Promise<void>
  createAlertRule(draft: AlertRuleDraft): Promise<AlertRule>
  createAttestationRule(draft: AttestationRuleDraft): Promise<AttestationRule>
}

export const useRuleLibrary = create<RuleLibraryState>((set, get) => ({
  metrics: [],
  alertRules: [],
  attestationRules: [],
  loaded: false,
  async load() {
    try {
      const [metrics, alertRules, attestationRules] = await Promise.all([
        client.call('metrics.list', {}),
        client.call('alertRules.list', {}),
        client.call('attestationRules.list', {}),
      ])
      set({
        metrics: metrics.metrics,
        alertRules: alertRules.alert_rules,
        attestationRules: attestationRules.attestation_rules,
        loaded: true,
        error: undefined,
      })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
  async createAlertRule(draft) {
    const created = await client.call('alertRules.create', draft)
    await get().load()
    return created
  },
  async createAttestationRule(draft) {
    const created = await client.call('attestationRules.create', draft)
    await get().load()
    return created
  },
}))

/** The metric's label as the catalogue names it, falling back to its key while the catalogue loads. */
export function useMetricLabel(): (metric: MetricKey) => string {
  const metrics = useRuleLibrary((state) => state.metrics)
  return (metric) => metrics.find((candidate) => candidate.key === metric)?.label ?? metric
}
