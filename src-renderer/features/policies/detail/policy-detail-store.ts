/** The policy on screen: its definition, versions and the applications it covers. */
import { create } from 'zustand'
import type { Input, Output } from '../../../../src-shared/api/contract'
import { ApiError } from '../../../../src-shared/api/errors'
import type { CoveredApplication, Policy, PolicyConflict, PolicyVersion } from '../../../../src-shared/domain/policy'
import { client } from '../../../api/client'

export type VersionDiff = Output<'policies.diff'>
type RequirementEdits = NonNullable<Input<'policies.update'>['alert_rules']>
export type DetailsEdits = Omit<Input<'policies.update'>, 'id' | 'alert_rules' | 'attestation_rule_ids' | 'scope' | 'dry_run' | 'base_version'>
type PolicyEdit = Omit<Input<'policies.update'>, 'id' | 'dry_run' | 'base_version'>

/** An edit the engine refused because the policy moved on meanwhile: both versions, and the edit to apply again. */
export interface PendingConflict {
  conflict: PolicyConflict
  edit: PolicyEdit
}

/** Whether a save failed because the policy changed meanwhile (the conflict is then on screen). */
export const isEditConflict = (error: unknown): boolean => error instanceof ApiError && error.conflict !== undefined

interface PolicyDetailState {
  policyId?: string
  policy?: Policy
  versions: PolicyVersion[]
  coverage: CoveredApplication[]
  selectedVersion?: number
  diff?: VersionDiff
  error?: string
  /** A stale edit awaiting the person's choice: keep the version now, or apply the edit to it. */
  conflict?: PendingConflict
  open(id: string): Promise<void>
  refresh(): Promise<void>
  selectVersion(version: number): Promise<void>
  /** Each save names the version its edit began on, so a change made meanwhile is never overwritten. */
  saveRequirements(alertRules: RequirementEdits, baseVersion: number): Promise<Policy>
  updateDetails(edits: DetailsEdits, baseVersion: number): Promise<Policy>
  /** Saves an edit (scope, say) begun on `baseVersion`; a conflict is kept for the person to resolve. */
  saveEdit(edit: PolicyEdit, baseVersion: number): Promise<Policy>
  /** The person's choice on a conflict: apply their edit to the version now, or keep that version as it is. */
  resolveConflict(choice: 'apply_mine' | 'keep_current'): Promise<Policy | undefined>
  archive(): Promise<Policy | undefined>
}

export const usePolicyDetail = create<PolicyDetailState>((set, get) => ({
  versions: [],
  coverage: [],
  async open(id) {
    if (get().policyId !== id) {
      set({ policyId: id, policy: undefined, versions: [], coverage: [], selectedVersion: undefined, diff: undefined, error: undefined, conflict: undefined })
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
  saveRequirements(alertRules, baseVersion) {
    return get().saveEdit({ alert_rules: alertRules }, baseVersion)
  },
  updateDetails(edits, baseVersion) {
    return get().saveEdit(edits, baseVersion)
  },
  async saveEdit(edit, baseVersion) {
    try {
      const policy = await client.call('policies.update', { id: get().policyId!, ...edit, base_version: baseVersion })
      await get().refresh()
      return policy
    } catch (error) {
      if (error instanceof ApiError && error.conflict?.kind === 'policy') {
        set({ conflict: { conflict: error.conflict, edit } })
        await get().refresh()
      }
      throw error
    }
  },
  async resolveConflict(choice) {
    const pending = get().conflict
    set({ conflict: undefined })
    if (!pending || choice === 'keep_current') return undefined
    return get().saveEdit(pending.edit, pending.conflict.current.version)
  },
  async archive() {
    const id = get().policyId
    if (!id) return undefined
    const archived = await client.call('policies.archive', { id })
    set({ policy: archived })
    return archived
  },
}))
