/**
 * An echarts chart in a div: created on mount, given new options as they change, resized with its
 * box, disposed on unmount, and drawn in the console's light or dark theme. Only the chart types
 * the console uses are registered, to keep the bundle small.
 */
import { useComputedColorScheme } from '@mantine/core'
import { BarChart, LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import type { EChartsCoreOption } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef, useState } from 'react'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, CanvasRenderer])

export function EChart({ option, height, label }: { option: EChartsCoreOption; height: number; label: string }) {
  const box = useRef<HTMLDivElement>(null)
  const [chart, setChart] = useState<echarts.ECharts>()
  const scheme = useComputedColorScheme('light')

  useEffect(() => {
    if (!box.current) return
    const instance = echarts.init(box.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' })
    setChart(instance)
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(box.current)
    return () => {
      observer.disconnect()
      instance.dispose()
      setChart(undefined)
    }
  }, [scheme])

  useEffect(() => {
    chart?.setOption({ backgroundColor: 'transparent', animation: false, ...option }, { notMerge: true })
  }, [chart, option])

  return <div ref={box} role="img" aria-label={label} style={{ width: '100%', height }} />
}
