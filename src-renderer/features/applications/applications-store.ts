/** The Applications screen's state: the inventory, the active filters, and the edits in flight. */
import { create } from 'zustand'
import type { Application, ApplicationDraft, ApplicationFilter, ApplicationPatch } from '../../../src-shared/domain/application'
import { client } from '../../api/client'

export type Filters = Required<{ [K in keyof ApplicationFilter]: string }>

const NO_FILTERS: Filters = { search: '', tag: '', team: '', environment: '' }

interface ApplicationsState {
  /** Every application, for the filter choices. */
  all: Application[]
  /** The applications the filters select, as the engine answered. */
  visible: Application[]
  filters: Filters
  loading: boolean
  error?: string
  load(): Promise<void>
  setFilter(name: keyof Filters, value: string): Promise<void>
  clearFilters(): Promise<void>
  create(draft: ApplicationDraft): Promise<Application>
  update(patch: ApplicationPatch): Promise<Application>
}

function activeFilters(filters: Filters): ApplicationFilter {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value.trim() !== ''))
}

export const useApplications = create<ApplicationsState>((set, get) => ({
  all: [],
  visible: [],
  filters: NO_FILTERS,
  loading: false,
  async load() {
    set({ loading: true })
    try {
      const filters = activeFilters(get().filters)
      const [all, visible] = await Promise.all([
        client.call('applications.list', {}),
        Object.keys(filters).length ? client.call('applications.list', filters) : undefined,
      ])
      set({ all: all.applications, visible: visible?.applications ?? all.applications, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    } finally {
      set({ loading: false })
    }
  },
  async setFilter(name, value) {
    set({ filters: { ...get().filters, [name]: value } })
    await get().load()
  },
  async clearFilters() {
    set({ filters: NO_FILTERS })
    await get().load()
  },
  async create(draft) {
    const created = await client.call('applications.create', draft)
    await get().load()
    return created
  },
  async update(patch) {
    const updated = await client.call('applications.update', patch)
    await get().load()
    return updated
  },
}))
