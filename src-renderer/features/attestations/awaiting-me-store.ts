/**
 * How many attestation requests await the person using the console (open or overdue, addressed to
 * them): the count beside "Attestation inbox" in the navigation. Any inbox answer carries it, so
 * the inbox screen keeps it current too.
 */
import { create } from 'zustand'
import { client } from '../../api/client'

interface AwaitingMeState {
  /** Undefined until the engine answers (or when it could not). */
  count?: number
  load(): Promise<void>
}

export const useAwaitingMe = create<AwaitingMeState>((set) => ({
  async load() {
    try {
      // The overdue tab of one's own requests: the smallest answer that still carries every count.
      const inbox = await client.call('attestations.inbox', { tab: 'overdue', mine: true })
      set({ count: inbox.counts.awaiting_me })
    } catch {
      // The navigation shows no count rather than an error; the inbox itself says what failed.
      set({ count: undefined })
    }
  },
}))
