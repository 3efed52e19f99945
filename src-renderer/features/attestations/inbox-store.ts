/** The Attestation inbox's state: the requests answering the screen's question, each tab's count, and the policies to filter by. */
import { create } from 'zustand'
import type { AttestationRequest, InboxCounts } from '../../../src-shared/domain/attestations'
import { client } from '../../api/client'
import { useReminders } from '../../app/reminders'
import type { InboxQuery } from './inbox-query'

export interface PolicyChoice {
  value: string
  label: string
}

interface InboxState {
  /** The question `requests` answers; behind the screen's while an answer is on its way. */
  answered?: InboxQuery
  /** The question last asked. */
  asked?: InboxQuery
  requests: AttestationRequest[]
  /** When the answer arrived: how near each deadline is is read against it. */
  answeredAt: number
  counts?: InboxCounts
  /** Published policies that ask for sign-off. */
  policies: PolicyChoice[]
  error?: string
  show(query: InboxQuery): Promise<void>
  /** The same question again (after a change elsewhere). */
  refresh(): Promise<void>
  loadPolicies(): Promise<void>
}

// Tabs and filters can change faster than answers arrive; only the latest question's answer is shown.
let latestRequest = 0

export const useInbox = create<InboxState>((set, get) => ({
  requests: [],
  answeredAt: 0,
  policies: [],
  // Asked afresh each time the screen shows, even the same question: a sign-off elsewhere may have changed the answer.
  async show(query) {
    set({ asked: query })
    await get().refresh()
  },
  async refresh() {
    const query = get().asked
    if (!query) return
    const request = ++latestRequest
    try {
      const inbox = await client.call('attestations.inbox', query)
      if (request !== latestRequest) return
      set({ answered: query, answeredAt: Date.now(), requests: inbox.requests, counts: inbox.counts, error: undefined })
      // The same count the navigation and the title show: whichever answer is newest tells it.
      useReminders.setState({ awaiting: inbox.counts.awaiting_me })
    } catch (error) {
      if (request === latestRequest) set({ error: (error as Error).message })
    }
  },
  async loadPolicies() {
    try {
      const { policies } = await client.call('policies.list', {})
      const attested = policies.filter((policy) => policy.status === 'published' && !policy.archived && policy.attestation_rules.length > 0)
      set({ policies: attested.map((policy) => ({ value: policy.id, label: policy.name })).sort((a, b) => a.label.localeCompare(b.label)) })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
}))
