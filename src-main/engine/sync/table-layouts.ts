/** The replicated tables' columns as the database has them, for the reads that answer rows as arrays. */
import type { Db } from '../db/schema'
import { REPLICATED_TABLES, type ReplicatedTable } from './replicated-tables'

export interface TableLayout {
  /** Every column, in the table's own order. */
  columns: string[]
  /** Positions of the columns that may hold bytes. */
  bytes: number[]
}

const layoutsOf = new WeakMap<Db, Promise<Map<ReplicatedTable, TableLayout>>>()

/** The replicated tables' columns as the database has them (the schema does not change while open). */
export function tableLayouts(db: Db): Promise<Map<ReplicatedTable, TableLayout>> {
  let layouts = layoutsOf.get(db)
  if (!layouts) {
    layouts = db.introspection.getTables().then((tables) => {
      const found = new Map<ReplicatedTable, TableLayout>()
      for (const table of Object.keys(REPLICATED_TABLES) as ReplicatedTable[]) {
        const meta = tables.find((candidate) => candidate.name === table)
        if (!meta) throw new Error(`The workspace has no table ${table}`)
        const columns = meta.columns.map((column) => column.name)
        const bytes = meta.columns.flatMap((column, position) => (/^(blob|bytea)$/i.test(column.dataType) ? [position] : []))
        found.set(table, { columns, bytes })
      }
      return found
    })
    layoutsOf.set(db, layouts)
    layouts.catch(() => layoutsOf.delete(db))
  }
  return layouts
}
