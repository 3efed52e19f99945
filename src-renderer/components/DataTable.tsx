/**
 * The console's list table: columns of fixed share (table-layout: fixed), so one long value cannot
 * squeeze the others out of sight or widen the page; sortable headers that are buttons and announce
 * their order (aria-sort); and, past a few dozen rows, only the rows near the viewport in the DOM,
 * so 5,000 applications scroll and filter smoothly. A real <table>: screen readers still hear the
 * full row count (aria-rowcount) and each row's place in it.
 */
import { Table, UnstyledButton, VisuallyHidden } from '@mantine/core'
import { useWindowVirtualizer } from '@tanstack/react-virtual'
import { memo, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { nextSort, sortRows, type SortKey, type SortState } from './table-sort'

export interface DataColumn<Row> {
  /** Names the column in sort state and URLs (`?sort=team`). */
  key: string
  header: string
  cell(row: Row): ReactNode
  /** Makes the column sortable, by this key. */
  sortKey?(row: Row): SortKey
  /** Width ('30%', 140); columns without one share the rest. */
  width?: number | string
  /** Header for screen readers only, for a column of row actions. */
  hideHeader?: boolean
}

export interface DataTableProps<Row> {
  /** The table's accessible name. */
  label: string
  rows: readonly Row[]
  columns: ReadonlyArray<DataColumn<Row>>
  rowKey(row: Row): string
  /** The current sort (kept by the screen, e.g. in the URL); rows are sorted here. */
  sort?: SortState | null
  onSortChange?(sort: SortState): void
  /** `data-testid` of each body row. */
  rowTestId?: string
  /** Shown in place of rows when there are none. */
  empty?: ReactNode
  /** Narrower than this, the table scrolls sideways in its own box instead of widening the page. */
  minWidth?: number
  /** A first guess at a row's height; rows are measured once drawn. */
  estimatedRowHeight?: number
  /**
   * A click anywhere on a row, for lists whose rows open something. Pointer only: the row must
   * also hold a link or button that does the same, so keyboards and screen readers reach it.
   */
  onRowClick?(row: Row): void
}

/**
 * Up to this many rows are all drawn, keeping find-in-page and printing whole for everyday lists;
 * past it, only those near the viewport (drawing a row costs about a millisecond on a slow laptop).
 */
const DRAW_ALL_UP_TO = 60
const OVERSCAN_ROWS = 8

function SortableHeader({ label, sorted, onSort }: { label: string; sorted: SortState['direction'] | undefined; onSort(): void }) {
  return (
    <UnstyledButton onClick={onSort} fw="inherit" fz="inherit" ta="start" style={{ display: 'inline-flex', gap: 4, alignItems: 'baseline', maxWidth: '100%' }}>
      {/* A narrow column wraps its header onto two lines rather than cutting it. */}
      <span style={{ overflowWrap: 'anywhere' }}>{label}</span>
      <span aria-hidden="true" style={{ opacity: sorted ? 1 : 0.35 }}>
        {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
      </span>
    </UnstyledButton>
  )
}

/** Clicks on the row's own links, buttons and fields do what they say, not what the row does. */
function fromControl(target: EventTarget): boolean {
  return target instanceof Element && target.closest('a, button, input, select, textarea, label, [role="button"]') !== null
}

function DataTableRows<Row>({ label, rows, columns, rowKey, sort, onSortChange, rowTestId, empty, minWidth = 640, estimatedRowHeight = 45, onRowClick }: DataTableProps<Row>) {
  const sortColumn = sort ? columns.find((column) => column.key === sort.column && column.sortKey) : undefined
  const sorted = useMemo(
    () => (sort && sortColumn?.sortKey ? sortRows(rows, sortColumn.sortKey, sort.direction) : rows),
    [rows, sort, sortColumn],
  )

  const body = useRef<HTMLTableSectionElement>(null)
  const [bodyTop, setBodyTop] = useState(0)
  const virtual = sorted.length > DRAW_ALL_UP_TO
  // Where the rows start on the page, for the virtualizer; overscan absorbs small shifts above the table.
  useLayoutEffect(() => {
    if (!virtual) return
    const measure = () => body.current && setBodyTop(body.current.getBoundingClientRect().top + window.scrollY)
    measure()
    window.addEventListener('resize', measure)
    return () => window.removeEventListener('resize', measure)
  }, [virtual, sorted.length])
  // oxlint-disable-next-line react/incompatible-library -- the console does not use the React Compiler; the table re-renders with the virtualizer by design
  const virtualizer = useWindowVirtualizer<HTMLTableRowElement>({
    count: sorted.length,
    enabled: virtual,
    estimateSize: () => estimatedRowHeight,
    overscan: OVERSCAN_ROWS,
    scrollMargin: bodyTop,
    getItemKey: (index) => rowKey(sorted[index]!),
  })

  const items = virtual ? virtualizer.getVirtualItems() : sorted.map((_, index) => ({ index, key: index, start: 0, end: 0 }))
  const first = items[0]
  const last = items[items.length - 1]
  const spaceAbove = virtual && first ? first.start - bodyTop : 0
  const spaceBelow = virtual && last ? virtualizer.getTotalSize() - (last.end - bodyTop) : 0

  const spacer = (height: number) =>
    height > 0 ? (
      <tr aria-hidden="true" style={{ height }}>
        <td colSpan={columns.length} style={{ padding: 0, border: 0 }} />
      </tr>
    ) : null

  return (
    <Table.ScrollContainer minWidth={minWidth} type="native">
      <Table layout="fixed" highlightOnHover verticalSpacing="xs" aria-label={label} aria-rowcount={sorted.length + 1}>
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
            {columns.map((column) => {
              const direction = sort?.column === column.key ? sort.direction : undefined
              return (
                <Table.Th key={column.key} style={{ width: column.width }} aria-sort={column.sortKey ? (direction ?? 'none') : undefined}>
                  {column.hideHeader ? (
                    <VisuallyHidden>{column.header}</VisuallyHidden>
                  ) : column.sortKey && onSortChange ? (
                    <SortableHeader label={column.header} sorted={direction} onSort={() => onSortChange(nextSort(sort ?? null, column.key))} />
                  ) : (
                    column.header
                  )}
                </Table.Th>
              )
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody ref={body}>
          {spacer(spaceAbove)}
          {items.map((item) => {
            const row = sorted[item.index]!
            return (
              <Table.Tr
                key={rowKey(row)}
                data-testid={rowTestId}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                ref={virtual ? virtualizer.measureElement : undefined}
                onClick={onRowClick ? (event) => fromControl(event.target) || onRowClick(row) : undefined}
                style={onRowClick ? { cursor: 'pointer' } : undefined}
              >
                {columns.map((column) => (
                  <Table.Td key={column.key}>{column.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            )
          })}
          {spacer(spaceBelow)}
          {sorted.length === 0 && empty ? (
            <Table.Tr>
              <Table.Td colSpan={columns.length} ta="center" c="dimmed">
                {empty}
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

/**
 * Memoised: a screen re-rendering for something else (each keystroke in its search box) leaves
 * the table alone unless its rows, columns or sort changed; pass stable props (module-level
 * rowKey, memoised columns) to benefit.
 */
export const DataTable = memo(DataTableRows) as typeof DataTableRows
