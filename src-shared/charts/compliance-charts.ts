/**
 * What the dashboard's and the PDF report's compliance charts share, so the two never draw the
 * same numbers differently: the colour of each status and the compliance-over-time series. Each
 * side lays its chart out for where it is shown (a live canvas, or SVG on a page).
 */
import { COMPLIANCE_STATUSES, STATUS_LABELS, type ComplianceStatus, type TrendPoint } from '../domain/compliance'

/** Chart colours in the same order of meaning as the console's status badges. */
export const STATUS_CHART_COLOURS: Readonly<Record<ComplianceStatus, string>> = {
  compliant: '#2f9e44',
  warning: '#f08c00',
  non_compliant: '#e03131',
  attestation_overdue: '#9c36b5',
  pending: '#868e96',
}

/** The days of the compliance-over-time chart (UTC), one per point. */
export const trendDays = (points: readonly TrendPoint[]): string[] => points.map((point) => point.at.slice(0, 10))

/** Application × policy pairs in each status at the end of each day, stacked: one series per status. */
export function trendSeries(points: readonly TrendPoint[]) {
  return COMPLIANCE_STATUSES.map((status) => ({
    name: STATUS_LABELS[status],
    type: 'line' as const,
    stack: 'pairs',
    areaStyle: {},
    symbol: 'none',
    itemStyle: { color: STATUS_CHART_COLOURS[status] },
    data: points.map((point) => point.counts[status]),
  }))
}
