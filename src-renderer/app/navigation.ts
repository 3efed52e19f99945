/**
 * Which area of the console is showing, where inside it (e.g. `#/policies/pol_123`), and the
 * screen's own parameters such as filters (`#/applications?team=Risk&status=non_compliant`);
 * mirrored in the URL hash so reload, back and shared links keep them.
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

/** A screen's parameters: only non-empty values are kept, so `{}` is "no filters". */
export type Query = Readonly<Record<string, string>>

export interface Route {
  area: AreaId
  /** The segments after the area: `['pol_123']` for `#/policies/pol_123`, `[]` for the area's own page. */
  path: string[]
  query: Query
}

const NO_QUERY: Query = Object.freeze({})

function cleanQuery(query: Readonly<Record<string, string | null | undefined>>): Query {
  const kept = Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
  return kept.length ? Object.fromEntries(kept) : NO_QUERY
}

export function routeFromHash(hash: string): Route {
  const [location = '', search = ''] = hash.replace(/^#\/?/, '').split(/\?(.*)/s)
  const [first, ...rest] = location.split('/')
  const area = AREAS.find((candidate) => candidate.id === first)?.id
  if (!area) return { area: 'dashboard', path: [], query: NO_QUERY }
  return { area, path: rest.filter(Boolean).map(decodeURIComponent), query: cleanQuery(Object.fromEntries(new URLSearchParams(search))) }
}

/** The hash of a route, for links: `hrefOf('applications', ['app_001'])` is `#/applications/app_001`. */
export function hrefOf(area: AreaId, path: readonly string[] = [], query: Readonly<Record<string, string | null | undefined>> = {}): string {
  const search = new URLSearchParams(cleanQuery(query)).toString()
  return ['#', area, ...path.map(encodeURIComponent)].join('/') + (search ? `?${search}` : '')
}

interface NavigationState extends Route {
  /** Opens another page: a new history entry, so Back returns here. */
  go(area: AreaId, path?: string[], query?: Readonly<Record<string, string | null | undefined>>): void
  /**
   * Changes the current page's parameters in place (typing in a filter would otherwise add a
   * history entry per keystroke); Back still returns to the page as it was left.
   */
  setQuery(changes: Readonly<Record<string, string | null | undefined>>): void
}

export const useNavigation = create<NavigationState>((set, get) => ({
  ...routeFromHash(window.location.hash),
  go(area, path = [], query = {}) {
    window.location.hash = hrefOf(area, path, query)
    set({ area, path, query: cleanQuery(query) })
  },
  setQuery(changes) {
    const { area, path, query } = get()
    const next = cleanQuery({ ...query, ...changes })
    window.history.replaceState(window.history.state, '', hrefOf(area, path, next))
    set({ query: next })
  },
}))

window.addEventListener('hashchange', () => useNavigation.setState(routeFromHash(window.location.hash)))
