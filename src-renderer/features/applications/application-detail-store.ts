/** One application's compliance, gap history and metric sparklines, for its detail page. */
import { create } from 'zustand'
import type { ApplicationCompliance, Gap } from '../../../src-shared/domain/compliance'
import type { MetricKey } from '../../../src-shared/domain/metrics'
import type { MetricPoint } from '../../../src-shared/domain/observations'
import { client } from '../../api/client'

interface ApplicationDetailState {
  id?: string
  compliance?: ApplicationCompliance
  gaps: Gap[]
  /** Last 7 days, hour by hour, of every metric a requirement watches. */
  series: Partial<Record<MetricKey, MetricPoint[]>>
  error?: string
  open(id: string): Promise<void>
  refresh(): Promise<void>
}

export const useApplicationDetail = create<ApplicationDetailState>((set, get) => ({
  gaps: [],
  series: {},
  async open(id) {
    if (get().id !== id) set({ id, compliance: undefined, gaps: [], series: {}, error: undefined })
    await get().refresh()
  },
  async refresh() {
    const id = get().id
    if (!id) return
    try {
      const [compliance, gaps] = await Promise.all([client.call('compliance.application', { id }), client.call('gaps.list', { application_id: id, limit: 200 })])
      const metrics = [...new Set(compliance.policies.flatMap((p) => p.requirements.map((r) => r.requirement)))]
      const series = Object.fromEntries(await Promise.all(metrics.map(async (metric) => [metric, (await client.call('metrics.series', { id, metric })).points] as const)))
      if (get().id === id) set({ compliance, gaps: gaps.gaps, series, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
}))
