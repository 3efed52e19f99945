/** SQLite caps the parameters of one statement; large inserts go in slices that stay well under it. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size))
  return out
}

/** Rows per multi-row INSERT for a table with `columns` columns (SQLite allows 32766 parameters). */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns))
}
