/**
 * "Apply to applications": the scope being chosen for one policy, and the engine's preview of
 * what that scope would cover. Nothing is written until `apply`.
 */
import { create } from 'zustand'
import type { Output } from '../../../../src-shared/api/contract'
import type { Application, ApplicationFilter } from '../../../../src-shared/domain/application'
import type { Impact } from '../../../../src-shared/domain/compliance'
import type { Policy, ScopeInput } from '../../../../src-shared/domain/policy'
import { ApiError } from '../../../../src-shared/api/errors'
import { client } from '../../../api/client'
import { errorsByField } from '../../../components/field-errors'
import { usePolicyDetail } from '../detail/policy-detail-store'

export type ScopeMode = 'all' | 'tags' | 'selected'
export type PickerFilters = { tag: string | null; team: string | null; environment: string | null }
export type ScopePreview = Output<'policies.previewScope'>

const NO_FILTERS: PickerFilters = { tag: null, team: null, environment: null }

interface ApplyState {
  /** The policy the dialog is open for; null when closed. */
  policy: Policy | null
  mode: ScopeMode
  tags: string[]
  selectedIds: string[]
  filters: PickerFilters
  /** Every application, for tag/team/environment choices. */
  applications: Application[]
  /** The applications the picker's filters select, as the engine answered. */
  visible: Application[]
  preview?: ScopePreview
  /** The change rehearsed on current data: rules and statuses per application. */
  impact?: Impact
  previewing: boolean
  applying: boolean
  errors: Record<string, string>
  openFor(policy: Policy): void
  close(): void
  setMode(mode: ScopeMode): void
  setTags(tags: string[]): void
  setSelected(id: string, selected: boolean): void
  setVisibleSelected(selected: boolean): void
  setFilter(name: keyof PickerFilters, value: string | null): void
  apply(): Promise<Policy | undefined>
}

export function scopeOf(state: Pick<ApplyState, 'mode' | 'tags' | 'selectedIds'>): ScopeInput {
  if (state.mode === 'all') return { apply_to_all: true, tags: [], application_ids: [] }
  if (state.mode === 'tags') return { apply_to_all: false, tags: state.tags, application_ids: [] }
  return { apply_to_all: false, tags: [], application_ids: state.selectedIds }
}

function modeOf(policy: Policy): ScopeMode {
  if (policy.scope.apply_to_all) return 'all'
  if (policy.scope.tags.length > 0 || policy.scope.application_ids.length === 0) return 'tags'
  return 'selected'
}

// Previews answer out of order when choices change quickly; only the latest one may land.
let previewRequest = 0
let listRequest = 0

export const useApplyScope = create<ApplyState>((set, get) => {
  async function refreshPreview() {
    const { policy } = get()
    if (!policy) return
    const request = ++previewRequest
    set({ previewing: true })
    try {
      const scope = scopeOf(get())
      const [preview, rehearsal] = await Promise.all([
        client.call('policies.previewScope', { id: policy.id, scope }),
        client.call('policies.update', { id: policy.id, scope, dry_run: true }),
      ])
      if (request === previewRequest) set({ preview, impact: rehearsal.impact, errors: {} })
    } catch (error) {
      if (request === previewRequest) set({ preview: undefined, impact: undefined, errors: errorsByField(error) })
    } finally {
      if (request === previewRequest) set({ previewing: false })
    }
  }

  async function refreshApplications() {
    const request = ++listRequest
    const { tag, team, environment } = get().filters
    const filter: ApplicationFilter = {
      ...(tag ? { tag } : {}),
      ...(team ? { team } : {}),
      ...(environment ? { environment } : {}),
    }
    try {
      const [all, visible] = await Promise.all([
        get().applications.length ? undefined : client.call('applications.list', {}),
        client.call('applications.list', filter),
      ])
      if (request !== listRequest) return
      set({ visible: visible.applications, ...(all ? { applications: all.applications } : {}) })
    } catch (error) {
      if (request === listRequest) set({ errors: errorsByField(error) })
    }
  }

  return {
    policy: null,
    mode: 'tags',
    tags: [],
    selectedIds: [],
    filters: NO_FILTERS,
    applications: [],
    visible: [],
    previewing: false,
    applying: false,
    errors: {},
    openFor(policy) {
      set({
        policy,
        mode: modeOf(policy),
        tags: policy.scope.tags,
        selectedIds: policy.scope.application_ids,
        filters: NO_FILTERS,
        applications: [],
        visible: [],
        preview: undefined,
        errors: {},
      })
      void refreshApplications()
      void refreshPreview()
    },
    close() {
      previewRequest++
      set({ policy: null, preview: undefined, impact: undefined })
    },
    setMode(mode) {
      set({ mode })
      void refreshPreview()
    },
    setTags(tags) {
      set({ tags })
      void refreshPreview()
    },
    setSelected(id, selected) {
      const others = get().selectedIds.filter((candidate) => candidate !== id)
      set({ selectedIds: selected ? [...others, id] : others })
      void refreshPreview()
    },
    setVisibleSelected(selected) {
      const visibleIds = new Set(get().visible.map((app) => app.id))
      const others = get().selectedIds.filter((id) => !visibleIds.has(id))
      set({ selectedIds: selected ? [...others, ...visibleIds] : others })
      void refreshPreview()
    },
    setFilter(name, value) {
      set({ filters: { ...get().filters, [name]: value } })
      void refreshApplications()
    },
    async apply() {
      const { policy } = get()
      if (!policy) return undefined
      set({ applying: true, errors: {} })
      const scope = scopeOf(get())
      try {
        const updated = await client.call('policies.update', { id: policy.id, scope, base_version: policy.version })
        get().close()
        return updated
      } catch (error) {
        // Changed by someone else since the dialog opened: on the policy's page, the conflict
        // opens there with both versions; elsewhere its message says what happened.
        const detail = usePolicyDetail.getState()
        if (error instanceof ApiError && error.conflict?.kind === 'policy' && detail.policyId === policy.id) {
          usePolicyDetail.setState({ conflict: { conflict: error.conflict, edit: { scope } } })
          void detail.refresh()
          get().close()
          return undefined
        }
        set({ errors: errorsByField(error) })
        return undefined
      } finally {
        set({ applying: false })
      }
    },
  }
})
