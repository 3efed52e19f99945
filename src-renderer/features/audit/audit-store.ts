/** The Audit log screen's state: the filters and the events the engine returned for them. */
import { create } from 'zustand'
import type { AuditEvent, AuditFilter } from '../../../src-shared/domain/audit'
import { client } from '../../api/client'

export interface AuditFilters {
  entityType: string | null
  entityId: string
  action: string
  actorId: string | null
  /** Calendar days as the date inputs give them (YYYY-MM-DD), in the viewer's time zone. */
  since: string
  until: string
}

const NO_FILTERS: AuditFilters = { entityType: null, entityId: '', action: '', actorId: null, since: '', until: '' }

interface AuditState {
  events: AuditEvent[]
  filters: AuditFilters
  error?: string
  load(): Promise<void>
  setFilter<K extends keyof AuditFilters>(name: K, value: AuditFilters[K]): void
  clearFilters(): void
}

/** A local calendar day as the ISO instant it starts (or, for `until`, ends) at. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined
  const instant = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`)
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString()
}

function query(filters: AuditFilters): AuditFilter {
  const since = dayBoundary(filters.since, false)
  const until = dayBoundary(filters.until, true)
  return {
    ...(filters.entityType ? { entity_type: filters.entityType } : {}),
    ...(filters.entityId.trim() ? { entity_id: filters.entityId.trim() } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.actorId ? { actor_id: filters.actorId } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    limit: 500,
  }
}

// Typing in a filter fires a load per keystroke; only the newest answer may land.
let latestRequest = 0

export const useAudit = create<AuditState>((set, get) => ({
  events: [],
  filters: NO_FILTERS,
  async load() {
    const request = ++latestRequest
    try {
      const { events } = await client.call('audit.list', query(get().filters))
      if (request === latestRequest) set({ events, error: undefined })
    } catch (failure) {
      if (request === latestRequest) set({ error: (failure as Error).message })
    }
  },
  setFilter(name, value) {
    set({ filters: { ...get().filters, [name]: value } })
    void get().load()
  },
  clearFilters() {
    set({ filters: NO_FILTERS })
    void get().load()
  },
}))
