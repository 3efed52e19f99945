/** Which area of the console is showing; mirrored in the URL hash so reload and back work. */
import { create } from 'zustand'

export const AREAS = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'applications', label: 'Applications' },
  { id: 'policies', label: 'Policies' },
  { id: 'templates', label: 'Templates' },
  { id: 'attestations', label: 'Attestation inbox' },
  { id: 'reports', label: 'Reports' },
  { id: 'audit', label: 'Audit log' },
  { id: 'settings', label: 'Settings' },
] as const

export type AreaId = (typeof AREAS)[number]['id']

function areaFromHash(hash: string): AreaId {
  const id = hash.replace(/^#\/?/, '').split('/')[0]
  return AREAS.find((area) => area.id === id)?.id ?? 'dashboard'
}

interface NavigationState {
  area: AreaId
  go(area: AreaId): void
}

export const useNavigation = create<NavigationState>((set) => ({
  area: areaFromHash(window.location.hash),
  go(area) {
    window.location.hash = `#/${area}`
    set({ area })
  },
}))

window.addEventListener('hashchange', () => useNavigation.setState({ area: areaFromHash(window.location.hash) }))
