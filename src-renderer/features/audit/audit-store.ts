/**
 * The Audit log screen's state: the filters, and the events the engine returned for them, newest
 * first, a page at a time; "Load older" asks for the page before the oldest one shown, with the
 * same filters.
 */
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

export const AUDIT_PAGE_SIZE = 200

interface AuditState {
  events: AuditEvent[]
  /** Where the next older page starts; null once the oldest matching event is shown. */
  nextBeforeId: number | null
  loadingOlder: boolean
  filters: AuditFilters
  error?: string
  load(): Promise<void>
  loadOlder(): Promise<void>
  setFilter<K extends keyof AuditFilters>(name: K, value: AuditFilters[K]): void
  clearFilters(): void
}

/** A local calendar day as the ISO instant it starts (or, for `until`, ends) at. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined
  const instant = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`)
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString()
}

/** The filters as the engine takes them, for a page and, later, for the CSV export of the same events. */
export function auditQuery(filters: AuditFilters): Omit<AuditFilter, 'limit' | 'before_id'> {
  const since = dayBoundary(filters.since, false)
  const until = dayBoundary(filters.until, true)
  return {
    ...(filters.entityType ? { entity_type: filters.entityType } : {}),
    ...(filters.entityId.trim() ? { entity_id: filters.entityId.trim() } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.actorId ? { actor_id: filters.actorId } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  }
}

// Typing in a filter fires a load per keystroke; only answers for the newest filters may land.
let generation = 0

export const useAudit = create<AuditState>((set, get) => ({
  events: [],
  nextBeforeId: null,
  loadingOlder: false,
  filters: NO_FILTERS,
  async load() {
    const current = ++generation
    try {
      const answer = await client.call('audit.list', { ...auditQuery(get().filters), limit: AUDIT_PAGE_SIZE })
      if (current === generation) set({ events: answer.events, nextBeforeId: answer.next_before_id, error: undefined })
    } catch (failure) {
      if (current === generation) set({ error: (failure as Error).message })
    }
  },
  async loadOlder() {
    const { nextBeforeId: before_id, loadingOlder } = get()
    if (before_id === null || loadingOlder) return
    const current = generation
    set({ loadingOlder: true })
    try {
      const answer = await client.call('audit.list', { ...auditQuery(get().filters), before_id, limit: AUDIT_PAGE_SIZE })
      if (current === generation) set({ events: [...get().events, ...answer.events], nextBeforeId: answer.next_before_id, error: undefined })
    } catch (failure) {
      if (current === generation) set({ error: (failure as Error).message })
    } finally {
      set({ loadingOlder: false })
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
