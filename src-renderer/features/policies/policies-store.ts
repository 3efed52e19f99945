/** The Policies list: every live policy with its counts, as the engine answers. */
import { create } from 'zustand'
import type { Policy } from '../../../src-shared/domain/policy'
import { client } from '../../api/client'

interface PoliciesState {
  policies: Policy[]
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
      const { policies } = await client.call('policies.list', { include_archived: false })
      set({ policies, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ loading: false })
    }
  },
}))
