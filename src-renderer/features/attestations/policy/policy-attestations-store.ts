/** A policy's attestations, for its page: each rule's schedule and current request, and the history of sign-offs. */
import { create } from 'zustand'
import type { Attestation, RuleSchedule } from '../../../../src-shared/domain/attestations'
import { client } from '../../../api/client'

interface PolicyAttestationsState {
  policyId?: string
  schedules: RuleSchedule[]
  /** Newest first. */
  history: Attestation[]
  loaded: boolean
  /** When the answer arrived: how near each deadline is is read against it. */
  loadedAt: number
  error?: string
  open(policyId: string): Promise<void>
  refresh(): Promise<void>
}

export const usePolicyAttestations = create<PolicyAttestationsState>((set, get) => ({
  schedules: [],
  history: [],
  loaded: false,
  loadedAt: 0,
  async open(policyId) {
    if (get().policyId !== policyId) set({ policyId, schedules: [], history: [], loaded: false, error: undefined })
    await get().refresh()
  },
  async refresh() {
    const id = get().policyId
    if (!id) return
    try {
      const [schedules, history] = await Promise.all([client.call('attestations.schedules', { id }), client.call('attestations.list', { id })])
      if (get().policyId === id) set({ schedules: schedules.rules, history: history.attestations, loaded: true, loadedAt: Date.now(), error: undefined })
    } catch (error) {
      if (get().policyId === id) set({ error: (error as Error).message, loaded: true })
    }
  },
}))
