/**
 * The Governance Dashboard's state: filters, the "as of" moment, and what the engine answers for
 * them (overview, trend, open gaps). Reloaded whenever compliance or data changes.
 */
import { create } from 'zustand'
import type { ComplianceOverview, ComplianceStatus, Gap, TrendPoint } from '../../../src-shared/domain/compliance'
import { client } from '../../api/client'

export interface DashboardFilters {
  tag: string
  team: string
  environment: string
  status: ComplianceStatus | ''
}

const NO_FILTERS: DashboardFilters = { tag: '', team: '', environment: '', status: '' }

interface ComplianceState {
  filters: DashboardFilters
  /** ISO timestamp to look back to; null for now. */
  asOf: string | null
  trendDays: number
  overview?: ComplianceOverview
  trend: TrendPoint[]
  openGaps: Gap[]
  loading: boolean
  evaluating: boolean
  error?: string
  load(): Promise<void>
  setFilter<K extends keyof DashboardFilters>(key: K, value: DashboardFilters[K]): void
  clearFilters(): void
  setAsOf(asOf: string | null): void
  setTrendDays(days: number): void
  evaluateNow(): Promise<void>
}

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const

/** Worst first: by severity, then the longest open. */
export function worstFirst(gaps: readonly Gap[]): Gap[] {
  return [...gaps].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.opened_at.localeCompare(b.opened_at))
}

const optional = (value: string) => (value === '' ? undefined : value)

export const useCompliance = create<ComplianceState>((set, get) => ({
  filters: NO_FILTERS,
  asOf: null,
  trendDays: 30,
  trend: [],
  openGaps: [],
  loading: false,
  evaluating: false,
  async load() {
    const { filters, asOf, trendDays } = get()
    set({ loading: true })
    try {
      const as_of = asOf ?? undefined
      const [overview, trend, gaps] = await Promise.all([
        client.call('compliance.overview', { as_of, tag: optional(filters.tag), team: optional(filters.team), environment: optional(filters.environment), status: optional(filters.status) as ComplianceStatus | undefined }),
        client.call('compliance.trend', { days: trendDays, as_of }),
        client.call('gaps.list', { open: true, as_of, limit: 1000 }),
      ])
      const shown = new Set(overview.applications.map((app) => app.application_id))
      set({ overview, trend: trend.points, openGaps: worstFirst(gaps.gaps.filter((gap) => shown.has(gap.application_id))), error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ loading: false })
    }
  },
  setFilter(key, value) {
    set({ filters: { ...get().filters, [key]: value } })
    void get().load()
  },
  clearFilters() {
    set({ filters: NO_FILTERS })
    void get().load()
  },
  setAsOf(asOf) {
    set({ asOf })
    void get().load()
  },
  setTrendDays(trendDays) {
    set({ trendDays })
    void get().load()
  },
  async evaluateNow() {
    set({ evaluating: true })
    try {
      await client.call('compliance.evaluate', {})
      await get().load()
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ evaluating: false })
    }
  },
}))
