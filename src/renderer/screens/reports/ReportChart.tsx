// The builder's chart (bar, line, area or pie; 'table' draws none), with @mantine/charts (recharts).
import { AreaChart, BarChart, LineChart, PieChart } from '@mantine/charts'
import { Text } from '@mantine/core'
import type { Cell, ChartType, ReportColumn } from '../../../shared/api/reports'

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'red.6', 'violet.6', 'cyan.6', 'lime.6', 'pink.6', 'yellow.6', 'gray.6']
const MAX_POINTS = 60

export function ReportChart({ chart, columns, rows }: { chart: ChartType; columns: ReportColumn[]; rows: Array<Record<string, Cell>> }) {
  if (chart === 'table') return null
  const dims = columns.filter((c) => c.role === 'dimension')
  const measures = columns.filter((c) => c.role === 'measure').slice(0, 4)
  if (measures.length === 0) return <Text c="dimmed" size="sm">Add a measure to draw a chart.</Text>
  const value = (r: Record<string, Cell>, key: string, money: boolean) => {
    const v = Number(r[key] ?? 0)
    return money ? v / 100 : v
  }
  const data = rows.slice(0, MAX_POINTS).map((r, i) => {
    const o: Record<string, string | number> = { category: dims.length ? dims.map((d) => String(r[d.key] ?? '∅')).join(' · ') : `#${i + 1}` }
    for (const m of measures) o[m.label] = value(r, m.key, m.type === 'money')
    return o
  })
  const series = measures.map((m, i) => ({ name: m.label, color: COLORS[i % COLORS.length] }))
  const note = rows.length > MAX_POINTS ? <Text size="xs" c="dimmed">Chart shows the first {MAX_POINTS} of {rows.length} rows.</Text> : null
  if (chart === 'pie') {
    const m = measures[0]
    const sorted = [...data].sort((a, b) => Number(b[m.label]) - Number(a[m.label]))
    const head = sorted.slice(0, 9)
    const rest = sorted.slice(9).reduce((a, r) => a + Number(r[m.label]), 0)
    const pie = [...head.map((r, i) => ({ name: String(r.category), value: Number(r[m.label]), color: COLORS[i % COLORS.length] })), ...(rest > 0 ? [{ name: 'Other', value: rest, color: 'gray.4' }] : [])]
    return (
      <div data-testid="report-chart" data-chart="pie">
        <PieChart data={pie} withLabelsLine withLabels labelsType="percent" withTooltip tooltipDataSource="segment" size={220} h={240} />
        {note}
      </div>
    )
  }
  const common = { h: 280, data, dataKey: 'category', series, withLegend: true, tickLine: 'y' as const }
  return (
    <div data-testid="report-chart" data-chart={chart}>
      {chart === 'bar' && <BarChart {...common} />}
      {chart === 'line' && <LineChart {...common} curveType="linear" />}
      {chart === 'area' && <AreaChart {...common} curveType="linear" />}
      {note}
    </div>
  )
}
