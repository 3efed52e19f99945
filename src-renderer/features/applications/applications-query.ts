/**
 * The Applications list's URL: its filters and sort (`#/applications?team=Risk&status=non_compliant&sort=name`),
 * read into what the engine filters on and what the screen filters and sorts itself.
 */
import { COMPLIANCE_STATUSES, type ComplianceStatus } from '../../../src-shared/domain/compliance'
import type { Query } from '../../app/navigation'
import type { EngineFilters } from './applications-store'

/** A status to filter by: one of the engine's, or no policy covering the application at all. */
export type StatusFilter = ComplianceStatus | 'not_covered'

export const NOT_COVERED = 'not_covered'

export const SORTABLE_COLUMNS = ['name', 'id', 'team', 'environment', 'status'] as const

export function engineFiltersFrom(query: Query): EngineFilters {
  return { search: query.search ?? '', tag: query.tag ?? '', team: query.team ?? '', environment: query.environment ?? '' }
}

export function statusFilterFrom(query: Query): StatusFilter | null {
  const status = query.status
  if (status === NOT_COVERED) return NOT_COVERED
  return COMPLIANCE_STATUSES.find((known) => known === status) ?? null
}

/** Whether the URL narrows the list at all (search, tag, team, environment or status). */
export function isFiltered(query: Query): boolean {
  return Object.values(engineFiltersFrom(query)).some(Boolean) || statusFilterFrom(query) !== null
}

/** Every filter cleared; the sort stays. */
export const CLEARED_FILTERS = { search: null, tag: null, team: null, environment: null, status: null }
