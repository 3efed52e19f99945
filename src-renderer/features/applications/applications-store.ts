/**
 * The Applications screen's state: the applications the engine selects for the screen's filters,
 * every application (for the filter choices), each one's worst compliance status, and the edits in
 * flight. The filters themselves live in the URL; the screen hands them here.
 */
import { create } from 'zustand'
import type { Application, ApplicationDraft, ApplicationFilter, ApplicationPatch } from '../../../src-shared/domain/application'
import type { ComplianceStatus } from '../../../src-shared/domain/compliance'
import { client } from '../../api/client'

/** What the engine filters on: search text, tag, team, environment ('' for any). */
export type EngineFilters = Required<{ [K in keyof ApplicationFilter]: string }>

export const NO_FILTERS: EngineFilters = { search: '', tag: '', team: '', environment: '' }

interface ApplicationsState {
  /** Every application, for the filter choices. */
  all: Application[]
  /** The filters `rows` answers. */
  filters: EngineFilters
  /** The applications the engine selected, for `rowsFor`. */
  rows: Application[]
  /** The filters `rows` answers; behind `filters` while an answer is on its way. */
  rowsFor: EngineFilters
  /** Each application's worst status across the policies covering it (null: none covers it); undefined until the engine answers. */
  statuses?: ReadonlyMap<string, ComplianceStatus | null>
  /** True once rows have been answered for the first time. */
  loaded: boolean
  error?: string
  /** Everything again (on first show, and after any change to the workspace); resolves once the rows are in, before the statuses. */
  load(): Promise<void>
  /** Only the statuses again (after an evaluation, or a policy change). */
  loadStatuses(): Promise<void>
  /** New filters: only the rows are asked again. */
  setFilters(filters: EngineFilters): Promise<void>
  create(draft: ApplicationDraft): Promise<Application>
  update(patch: ApplicationPatch): Promise<Application>
}

function activeFilters(filters: EngineFilters): ApplicationFilter {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value.trim() !== ''))
}

const sameFilters = (a: EngineFilters, b: EngineFilters) => a.search === b.search && a.tag === b.tag && a.team === b.team && a.environment === b.environment

// Answers can arrive out of order while someone types; only the latest question's answer is shown.
let latestRowsRequest = 0
let statusesInFlight: Promise<void> | undefined
let statusesAskAgain = false

export const useApplications = create<ApplicationsState>((set, get) => {
  async function fetchRows(filters: EngineFilters): Promise<void> {
    const request = ++latestRowsRequest
    const active = activeFilters(filters)
    try {
      const rows = Object.keys(active).length ? (await client.call('applications.list', active)).applications : get().all
      if (request === latestRowsRequest) set({ rows, rowsFor: filters, error: undefined })
    } catch (error) {
      if (request === latestRowsRequest) set({ error: (error as Error).message })
    }
  }

  return {
    all: [],
    filters: NO_FILTERS,
    rows: [],
    rowsFor: NO_FILTERS,
    loaded: false,
    async load() {
      const request = ++latestRowsRequest
      const filters = get().filters
      const active = activeFilters(filters)
      try {
        const [all, filtered] = await Promise.all([
          client.call('applications.list', {}),
          Object.keys(active).length ? client.call('applications.list', active) : undefined,
        ])
        set({ all: all.applications, loaded: true })
        if (request === latestRowsRequest) set({ rows: filtered?.applications ?? all.applications, rowsFor: filters, error: undefined })
        // The filters changed while this was asked: answer the new ones.
        if (!sameFilters(filters, get().filters)) await fetchRows(get().filters)
      } catch (error) {
        set({ error: (error as Error).message })
      }
      // Asked only once the rows are in: statuses cost the engine far more than the inventory
      // (seconds for thousands of applications), and asked together they would hold the rows up.
      // Not awaited: whoever reloads the list (onboarding, a save) goes on once the rows are in.
      void get().loadStatuses()
    },
    loadStatuses() {
      // One question at a time: changes arriving meanwhile ask once more when it is answered.
      if (statusesInFlight) {
        statusesAskAgain = true
        return statusesInFlight
      }
      statusesInFlight = (async () => {
        do {
          statusesAskAgain = false
          try {
            const overview = await client.call('compliance.overview', {})
            set({ statuses: new Map(overview.applications.map((app) => [app.application_id, app.status])) })
          } catch (error) {
            set({ error: (error as Error).message })
          }
        } while (statusesAskAgain)
      })().finally(() => {
        statusesInFlight = undefined
      })
      return statusesInFlight
    },
    async setFilters(filters) {
      if (sameFilters(filters, get().filters)) return
      set({ filters })
      // Before the first answer, load() is on its way and answers these filters when it lands.
      if (get().loaded) await fetchRows(filters)
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
  }
})
