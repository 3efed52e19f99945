/** The policy on screen: its definition, versions and the applications it covers. */
import { create } from 'zustand'
import type { Input, Output } from '../../../../src-shared/api/contract'
import type { CoveredApplication, Policy, PolicyVersion } from '../../../../src-shared/domain/policy'
import { client } from '../../../api/client'

export type VersionDiff = Output<'policies.diff'>
type RequirementEdits = NonNullable<Input<'policies.update'>['alert_rules']>
export type DetailsEdits = Omit<Input<'policies.update'>, 'id' | 'alert_rules' | 'attestation_rule_ids' | 'scope' | 'dry_run'>

interface PolicyDetailState {
  policyId?: string
  policy?: Policy
  versions: PolicyVersion[]
  coverage: CoveredApplication[]
  selectedVersion?: number
  diff?: VersionDiff
  error?: string
  open(id: string): Promise<void>
  refresh(): Promise<void>
  selectVersion(version: number): Promise<void>
  saveRequirements(alertRules: RequirementEdits): Promise<Policy>
  updateDetails(edits: DetailsEdits): Promise<Policy>
  archive(): Promise<Policy | undefined>
}

export const usePolicyDetail = create<PolicyDetailState>((set, get) => ({
  versions: [],
  coverage: [],
  async open(id) {
    if (get().policyId !== id) {
      set({ policyId: id, policy: undefined, versions: [], coverage: [], selectedVersion: undefined, diff: undefined, error: undefined })
    }
    await get().refresh()
  },
  async refresh() {
    const id = get().policyId
    if (!id) return
    try {
      const [policy, versions, coverage] = await Promise.all([
        client.call('policies.get', { id }),
        client.call('policies.versions', { id }),
        client.call('policies.coverage', { id }),
      ])
      if (get().policyId !== id) return
      set({ policy, versions: versions.versions, coverage: coverage.applications, error: undefined })
    } catch (error) {
      if (get().policyId === id) set({ error: (error as Error).message })
    }
  },
  async selectVersion(version) {
    const id = get().policyId
    if (!id) return
    set({ selectedVersion: version, diff: undefined })
    if (version <= 1) return
    try {
      const diff = await client.call('policies.diff', { id, from: version - 1, to: version })
      if (get().selectedVersion === version) set({ diff })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
  async saveRequirements(alertRules) {
    const id = get().policyId!
    const policy = await client.call('policies.update', { id, alert_rules: alertRules })
    await get().refresh()
    return policy
  },
  async updateDetails(edits) {
    const policy = await client.call('policies.update', { id: get().policyId!, ...edits })
    await get().refresh()
    return policy
  },
  async archive() {
    const id = get().policyId
    if (!id) return undefined
    const archived = await client.call('policies.archive', { id })
    set({ policy: archived })
    return archived
  },
}))
