/**
 * Which area of the console is showing, and where inside it (e.g. `#/policies/pol_123`); mirrored
 * in the URL hash so reload and back work.
 */
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

interface Route {
  area: AreaId
  /** The segments after the area: `['pol_123']` for `#/policies/pol_123`, `[]` for the area's own page. */
  path: string[]
}

function routeFromHash(hash: string): Route {
  const [first, ...rest] = hash.replace(/^#\/?/, '').split('/')
  const area = AREAS.find((candidate) => candidate.id === first)?.id
  if (!area) return { area: 'dashboard', path: [] }
  return { area, path: rest.filter(Boolean).map(decodeURIComponent) }
}

function hashOf(area: AreaId, path: readonly string[]): string {
  return ['#', area, ...path.map(encodeURIComponent)].join('/')
}

interface NavigationState extends Route {
  go(area: AreaId, path?: string[]): void
}

export const useNavigation = create<NavigationState>((set) => ({
  ...routeFromHash(window.location.hash),
  go(area, path = []) {
    window.location.hash = hashOf(area, path)
    set({ area, path })
  },
}))

window.addEventListener('hashchange', () => useNavigation.setState(routeFromHash(window.location.hash)))
