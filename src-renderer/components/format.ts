/** Presentation helpers shared by the screens: how conditions, dates and values read to a person. */
import { formatThreshold, type MetricKey } from '../../src-shared/domain/metrics'
import type { Operator } from '../../src-shared/domain/rules'

/** "> 5000ms", "< 99%": the operator and the threshold in the metric's own unit. */
export function formatCondition(metric: MetricKey, operator: Operator, threshold: number): string {
  return `${operator} ${formatThreshold(metric, threshold)}`
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString()
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString()
}

/** Any JSON value on one short line, for audit trails and version diffs. */
export function formatValue(value: unknown, max = 120): string {
  if (value === undefined) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * A calendar date written YYYY-MM-DD (an exception's expiry) in the reader's format. Read in UTC,
 * as the engine means it: read locally, west of Greenwich it would show the day before.
 */
export function formatCalendarDate(text: string): string {
  const date = new Date(`${text}T00:00:00Z`)
  return Number.isNaN(date.getTime()) ? text : date.toLocaleDateString(undefined, { timeZone: 'UTC' })
}
