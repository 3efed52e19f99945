/** The Audit log screen's state: the filters and the events the engine returned for them. */
import { create } from 'zustand'
import type { AuditEvent } from '../../../src-shared/domain/audit'
import { client } from '../../api/client'

interface AuditState {
  events: AuditEvent[]
  entityType: string | null
  entityId: string
  error?: string
  load(): Promise<void>
  setEntityType(value: string | null): void
  setEntityId(value: string): void
}

export const useAudit = create<AuditState>((set, get) => ({
  events: [],
  entityType: null,
  entityId: '',
  async load() {
    const { entityType, entityId } = get()
    try {
      const { events } = await client.call('audit.list', {
        ...(entityType ? { entity_type: entityType } : {}),
        ...(entityId.trim() ? { entity_id: entityId.trim() } : {}),
        limit: 500,
      })
      set({ events, error: undefined })
    } catch (failure) {
      set({ error: (failure as Error).message })
    }
  },
  setEntityType(entityType) {
    set({ entityType })
    void get().load()
  },
  setEntityId(entityId) {
    set({ entityId })
    void get().load()
  },
}))
