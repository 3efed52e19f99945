/**
 * The compliance-over-time chart of a report's summary page, drawn by echarts' server-side SVG
 * renderer (no DOM, no animation) for pdfmake's `svg` node, from the dashboard's own series.
 */
// The engine keeps UI libraries out, but a report's chart is drawn here, on the server side, as SVG
// for the PDF: echarts' SSR renderer needs no DOM. This one module may import it.
// oxlint-disable-next-line no-restricted-imports
import * as echarts from 'echarts'
import { trendDays, trendSeries } from '../../../src-shared/charts/compliance-charts'
import type { TrendPoint } from '../../../src-shared/domain/compliance'

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
        data: trendDays(points),
        name: 'End of day (UTC)',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { fontFamily, fontSize: 9 },
        nameTextStyle: text,
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontFamily, fontSize: 9 } },
      // Thin lines: on paper the areas carry the counts.
      series: trendSeries(points).map((series) => ({ ...series, lineStyle: { width: 1 } })),
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
