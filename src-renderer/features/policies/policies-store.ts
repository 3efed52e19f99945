/**
 * The Policies list: every policy, archived ones included, with its counts as the engine answers,
 * and how many of the applications each covers are compliant.
 */
import { create } from 'zustand'
import type { StatusCounts } from '../../../src-shared/domain/compliance'
import type { Policy } from '../../../src-shared/domain/policy'
import { client } from '../../api/client'

/** A policy's applications by status, as last evaluated. */
export interface PolicyCompliance {
  counts: StatusCounts
  total: number
}

interface PoliciesState {
  policies: Policy[]
  /** By policy id; a policy absent here covers nothing that has been evaluated. Undefined until answered. */
  compliance?: ReadonlyMap<string, PolicyCompliance>
  loading: boolean
  error?: string
  load(): Promise<void>
}

export const usePolicies = create<PoliciesState>((set) => ({
  policies: [],
  loading: false,
  async load() {
    set({ loading: true })
    try {
      const { policies } = await client.call('policies.list', { include_archived: true })
      set({ policies, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ loading: false })
    }
    // After the list, not with it: the overview costs the engine far more and would hold it up.
    try {
      const overview = await client.call('compliance.overview', {})
      set({ compliance: new Map(overview.policies.map((policy) => [policy.id, { counts: policy.counts, total: policy.total }])) })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
}))
