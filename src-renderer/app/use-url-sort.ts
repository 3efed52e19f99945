/** A list's sort, kept in the URL (`?sort=team&order=desc`), as DataTable takes it: stable while unchanged. */
import { useCallback, useMemo } from 'react'
import { sortFromQuery, sortToQuery, type SortState } from '../components/table-sort'
import { useNavigation } from './navigation'

export function useUrlSort(sortable: readonly string[], fallback: SortState): [SortState, (next: SortState) => void] {
  const sortParam = useNavigation((state) => state.query.sort)
  const orderParam = useNavigation((state) => state.query.order)
  const setQuery = useNavigation((state) => state.setQuery)
  // The same object while the URL's sort is unchanged, so a memoised table skips re-rendering.
  const sort = useMemo(() => {
    const fromUrl = sortFromQuery({ ...(sortParam ? { sort: sortParam } : {}), ...(orderParam ? { order: orderParam } : {}) }, sortable)
    return fromUrl ?? fallback
  }, [sortParam, orderParam, sortable, fallback])
  const setSort = useCallback((next: SortState) => setQuery(sortToQuery(next)), [setQuery])
  return [sort, setSort]
}
