/**
 * The request under review: the request itself, the policy's evidence on every covered
 * application with its open gaps, and, once signed off, the attestation that closed it.
 */
import { create } from 'zustand'
import type { Attestation, AttestationRequest } from '../../../../src-shared/domain/attestations'
import type { Gap, PolicyStatus } from '../../../../src-shared/domain/compliance'
import { client } from '../../../api/client'

interface ReviewState {
  requestId?: string
  request?: AttestationRequest
  evidence: PolicyStatus[]
  gaps: Gap[]
  /** The attestation that closed the request, once it is done. */
  attestation?: Attestation
  /** When the answer arrived: deadlines and the expiry dates offered are read against it. */
  loadedAt: number
  error?: string
  open(id: string): Promise<void>
  refresh(): Promise<void>
}

export const useReview = create<ReviewState>((set, get) => ({
  evidence: [],
  gaps: [],
  loadedAt: 0,
  async open(id) {
    if (get().requestId !== id) set({ requestId: id, request: undefined, evidence: [], gaps: [], attestation: undefined, error: undefined })
    await get().refresh()
  },
  async refresh() {
    const id = get().requestId
    if (!id) return
    try {
      const { request, evidence, gaps } = await client.call('attestations.request', { id })
      // The history holds the closing attestation whole (notes, exceptions and their state).
      const attestation = request.attestation_id
        ? (await client.call('attestations.list', { id: request.policy_id })).attestations.find((candidate) => candidate.id === request.attestation_id)
        : undefined
      if (get().requestId === id) set({ request, evidence, gaps, attestation, loadedAt: Date.now(), error: undefined })
    } catch (error) {
      if (get().requestId === id) set({ error: (error as Error).message })
    }
  },
}))
