/**
 * Sorting for DataTable: which column and which way, how a header click changes it, and how it
 * reads in a URL (`?sort=team&order=desc`), so a sorted list survives reload and can be shared.
 */
export type SortDirection = 'ascending' | 'descending'

export interface SortState {
  column: string
  direction: SortDirection
}

/** A column's sort key; null sorts last whichever the direction, since "none" is not a value. */
export type SortKey = string | number | null

/** First click sorts ascending; clicking the sorted column again reverses it. */
export function nextSort(current: SortState | null, column: string): SortState {
  if (current?.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
  return { column, direction: 'ascending' }
}

// Numeric so "App 9" comes before "App 10"; base sensitivity so case and accents do not split runs.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return collator.compare(String(a), String(b))
}

/** A sorted copy; rows with equal keys keep their order (Array.prototype.sort is stable). */
export function sortRows<Row>(rows: readonly Row[], key: (row: Row) => SortKey, direction: SortDirection): Row[] {
  const sign = direction === 'ascending' ? 1 : -1
  const keyed = rows.map((row) => ({ row, key: key(row) }))
  const order = (a: { key: SortKey }, b: { key: SortKey }) => {
    if (a.key === null || b.key === null) return a.key === b.key ? 0 : a.key === null ? 1 : -1
    return sign * compareKeys(a.key, b.key)
  }
  // Lists usually arrive in the order shown (the engine answers by name): one pass says so,
  // where sorting thousands of names again would cost a visible pause.
  const alreadyOrdered = keyed.every((entry, index) => index === 0 || order(keyed[index - 1]!, entry) <= 0)
  if (!alreadyOrdered) keyed.sort(order)
  return keyed.map((entry) => entry.row)
}

/** The sort a URL asks for, if it names one of `columns`. */
export function sortFromQuery(query: Readonly<Record<string, string>>, columns: readonly string[]): SortState | null {
  const column = query.sort
  if (!column || !columns.includes(column)) return null
  return { column, direction: query.order === 'desc' ? 'descending' : 'ascending' }
}

/** The URL parameters for a sort, to pass to `setQuery`. */
export function sortToQuery(sort: SortState): { sort: string; order: string | null } {
  return { sort: sort.column, order: sort.direction === 'descending' ? 'desc' : null }
}
