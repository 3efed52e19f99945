/** Chart options for the dashboard, built from what the engine answers. */
import type { EChartsCoreOption } from 'echarts/core'
import { STATUS_CHART_COLOURS, trendDays, trendSeries } from '../../../src-shared/charts/compliance-charts'
import { COMPLIANCE_STATUSES, STATUS_LABELS, type ComplianceOverview, type TrendPoint } from '../../../src-shared/domain/compliance'

/** One stacked horizontal bar per policy: how many covered applications are in each status. */
export function policyBarsOption(overview: ComplianceOverview): EChartsCoreOption {
  const policies = [...overview.policies].reverse()
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 60, bottom: 32, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, name: 'Applications', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: policies.map((p) => p.name) },
    series: COMPLIANCE_STATUSES.map((status) => ({
      name: STATUS_LABELS[status],
      type: 'bar',
      stack: 'applications',
      itemStyle: { color: STATUS_CHART_COLOURS[status] },
      data: policies.map((p) => p.counts[status]),
    })),
  }
}

/** Application × policy pairs in each status at the end of each day. */
export function trendOption(points: readonly TrendPoint[]): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 28, right: 16, top: 60, bottom: 32, containLabel: true },
    xAxis: { type: 'category', boundaryGap: false, data: trendDays(points), name: 'End of day (UTC)', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', minInterval: 1, name: 'Application × policy pairs', nameLocation: 'middle', nameGap: 40 },
    series: trendSeries(points),
  }
}

/** A bare line of one metric with its threshold, for a requirement's row. */
export function sparklineOption(values: Array<[string, number | null]>, threshold: number): EChartsCoreOption {
  return {
    grid: { left: 0, right: 0, top: 2, bottom: 2 },
    xAxis: { type: 'category', show: false, data: values.map(([hour]) => hour) },
    yAxis: { type: 'value', show: false, scale: true },
    tooltip: { trigger: 'axis', confine: true },
    series: [
      { type: 'line', symbol: 'none', data: values.map(([, value]) => value), lineStyle: { width: 1.5 }, markLine: undefined },
      { type: 'line', symbol: 'none', data: values.map(() => threshold), lineStyle: { width: 1, type: 'dashed', color: '#e03131' } },
    ],
  }
}
