/**
 * The compliance-over-time chart of a report's summary page, drawn by echarts' server-side SVG
 * renderer (no DOM, no animation) for pdfmake's `svg` node. Colours match the dashboard's.
 */
// The engine keeps UI libraries out, but a report's chart is drawn here, on the server side, as SVG
// for the PDF: echarts' SSR renderer needs no DOM. This one module may import it.
// oxlint-disable-next-line no-restricted-imports
import * as echarts from 'echarts'
import { COMPLIANCE_STATUSES, STATUS_LABELS, type ComplianceStatus, type TrendPoint } from '../../../src-shared/domain/compliance'
import { formatDay } from './report-text'

const STATUS_COLOURS: Readonly<Record<ComplianceStatus, string>> = {
  compliant: '#2f9e44',
  warning: '#f08c00',
  non_compliant: '#e03131',
  attestation_overdue: '#9c36b5',
  pending: '#868e96',
}

/** Application × policy pairs in each status at the end of each day, stacked; null when there is no point to draw. */
export function trendChartSvg(points: readonly TrendPoint[], size: { width: number; height: number }, fontFamily: string): string | null {
  if (points.length === 0) return null
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height })
  try {
    const text = { fontFamily, fontSize: 10, color: '#333' }
    chart.setOption({
      animation: false,
      textStyle: text,
      legend: { top: 0, textStyle: text, itemWidth: 14, itemHeight: 8 },
      grid: { left: 48, right: 16, top: 32, bottom: 40 },
      xAxis: {
        type: 'category',
        boundaryGap: false,
        data: points.map((point) => formatDay(point.at)),
        name: 'End of day (UTC)',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { fontFamily, fontSize: 9 },
        nameTextStyle: text,
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontFamily, fontSize: 9 } },
      series: COMPLIANCE_STATUSES.map((status) => ({
        name: STATUS_LABELS[status],
        type: 'line',
        stack: 'pairs',
        areaStyle: {},
        symbol: 'none',
        itemStyle: { color: STATUS_COLOURS[status] },
        lineStyle: { width: 1 },
        data: points.map((point) => point.counts[status]),
      })),
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
