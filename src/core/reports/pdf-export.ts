// PDF export: the title, notes, the chart drawn as vector graphics with pdfkit (bars, lines, areas or a pie), then the
// table, paginated with a repeated header.
import type { Writable } from 'node:stream'
import PDFDocument from 'pdfkit'
import type { ChartType } from '../../shared/api/reports'
import { centsToDollars, type ExportTable } from './table-export'

const PALETTE = ['#228be6', '#40c057', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#fd7e14', '#e64980', '#82c91e', '#868e96']
const MAX_CATEGORIES = 40
const MAX_PIE = 10
const MAX_TABLE_ROWS = 2000

export interface PdfOptions {
  chart: ChartType
  /** tests turn compression off to read the text back */
  compress?: boolean
}

type Doc = InstanceType<typeof PDFDocument>

interface Series {
  label: string
  values: number[]
}

function chartData(t: ExportTable): { categories: string[]; series: Series[] } {
  const dims = t.columns.filter((c) => c.type !== 'number' && c.type !== 'money')
  const measures = t.columns.filter((c) => c.type === 'number' || c.type === 'money')
  const rows = t.rows.slice(0, MAX_CATEGORIES)
  const categories = rows.map((r, i) => (dims.length ? dims.map((d) => String(r[d.key] ?? '∅')).join(' · ') : `#${i + 1}`))
  const series = measures.slice(0, 4).map((m) => ({
    label: m.type === 'money' ? `${m.label} ($)` : m.label,
    values: rows.map((r) => {
      const v = r[m.key]
      const n = typeof v === 'number' ? v : Number(v ?? 0)
      return m.type === 'money' ? n / 100 : Number.isFinite(n) ? n : 0
    }),
  }))
  return { categories, series }
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (max === min) max = min + 1
  const raw = (max - min) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const ticks: number[] = []
  for (let v = Math.floor(min / step) * step; v <= max + step * 0.001; v += step) ticks.push(Number(v.toFixed(10)))
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step)
  return ticks
}

const fmtNum = (v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : Math.abs(v) >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : String(Math.round(v * 100) / 100))

function drawLegend(doc: Doc, labels: string[], x: number, y: number): void {
  let cx = x
  doc.fontSize(8)
  labels.forEach((l, i) => {
    doc.rect(cx, y + 1, 8, 8).fill(PALETTE[i % PALETTE.length])
    doc.fillColor('#333').text(l, cx + 11, y, { lineBreak: false })
    cx += 11 + doc.widthOfString(l) + 14
  })
}

function drawCartesian(doc: Doc, type: 'bar' | 'line' | 'area', data: { categories: string[]; series: Series[] }, x: number, y: number, w: number, h: number): void {
  const { categories, series } = data
  if (categories.length === 0 || series.length === 0) return
  const all = series.flatMap((s) => s.values)
  const ticks = niceTicks(Math.min(0, ...all), Math.max(0, ...all))
  const lo = ticks[0]
  const hi = ticks[ticks.length - 1]
  const left = x + 48
  const plotW = w - 48
  const plotH = h - 40
  const top = y + 14
  const py = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH
  drawLegend(doc, series.map((s) => s.label), left, y)
  doc.fontSize(7).lineWidth(0.5)
  for (const t of ticks) {
    doc.moveTo(left, py(t)).lineTo(left + plotW, py(t)).strokeColor('#dee2e6').stroke()
    doc.fillColor('#555').text(fmtNum(t), x, py(t) - 3, { width: 44, align: 'right', lineBreak: false })
  }
  const band = plotW / categories.length
  const every = Math.max(1, Math.ceil(categories.length / 16))
  categories.forEach((c, i) => {
    if (i % every !== 0) return
    doc.fillColor('#555').text(c.length > 18 ? `${c.slice(0, 17)}…` : c, left + i * band, top + plotH + 4, { width: band * every, align: 'center', lineBreak: false, height: 10 })
  })
  const zero = py(Math.max(lo, Math.min(0, hi)))
  series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length]
    if (type === 'bar') {
      const bw = (band * 0.8) / series.length
      s.values.forEach((v, i) => {
        const bx = left + i * band + band * 0.1 + si * bw
        const top0 = Math.min(py(v), zero)
        doc.rect(bx, top0, Math.max(bw - 1, 0.5), Math.max(Math.abs(zero - py(v)), 0.5)).fill(color)
      })
      return
    }
    const pts = s.values.map((v, i) => [left + i * band + band / 2, py(v)] as const)
    if (type === 'area') {
      doc.moveTo(pts[0][0], zero)
      pts.forEach(([px, pyy]) => doc.lineTo(px, pyy))
      doc.lineTo(pts[pts.length - 1][0], zero).closePath().fillOpacity(0.25).fill(color).fillOpacity(1)
    }
    doc.moveTo(pts[0][0], pts[0][1])
    pts.slice(1).forEach(([px, pyy]) => doc.lineTo(px, pyy))
    doc.lineWidth(1.5).strokeColor(color).stroke()
    pts.forEach(([px, pyy]) => doc.circle(px, pyy, 1.8).fill(color))
  })
  doc.moveTo(left, zero).lineTo(left + plotW, zero).lineWidth(0.8).strokeColor('#495057').stroke()
}

function drawPie(doc: Doc, data: { categories: string[]; series: Series[] }, x: number, y: number, w: number, h: number): void {
  const s = data.series[0]
  if (!s) return
  let slices = data.categories.map((c, i) => ({ label: c, v: Math.max(0, s.values[i]) })).sort((a, b) => b.v - a.v)
  if (slices.length > MAX_PIE) {
    const other = slices.slice(MAX_PIE - 1).reduce((a, b) => a + b.v, 0)
    slices = [...slices.slice(0, MAX_PIE - 1), { label: 'Other', v: other }]
  }
  const total = slices.reduce((a, b) => a + b.v, 0)
  if (total <= 0) return
  const r = Math.min(h, w / 2) / 2 - 6
  const cx = x + r + 10
  const cy = y + h / 2
  let a0 = -Math.PI / 2
  slices.forEach((sl, i) => {
    const a1 = a0 + (sl.v / total) * Math.PI * 2
    const color = PALETTE[i % PALETTE.length]
    if (sl.v / total > 0.9999) doc.circle(cx, cy, r).fill(color)
    else {
      const large = a1 - a0 > Math.PI ? 1 : 0
      const [x0, y0] = [cx + r * Math.cos(a0), cy + r * Math.sin(a0)]
      const [x1, y1] = [cx + r * Math.cos(a1), cy + r * Math.sin(a1)]
      doc.path(`M ${cx} ${cy} L ${x0} ${y0} A ${r} ${r} 0 ${large} 1 ${x1} ${y1} Z`).fill(color)
    }
    a0 = a1
  })
  doc.fontSize(8)
  slices.forEach((sl, i) => {
    const ly = y + 8 + i * 13
    doc.rect(cx + r + 30, ly, 8, 8).fill(PALETTE[i % PALETTE.length])
    doc.fillColor('#333').text(`${sl.label} — ${fmtNum(sl.v)} (${((sl.v / total) * 100).toFixed(1)}%)`, cx + r + 42, ly, { lineBreak: false })
  })
  doc.fillColor('#555').text(s.label, cx + r + 30, y + 12 + slices.length * 13, { lineBreak: false })
}

function cellText(v: unknown, type: string): string {
  if (v === null || v === undefined) return ''
  if (type === 'money' && typeof v === 'number') return centsToDollars(v)
  if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: 2 })
  return String(v)
}

function drawTable(doc: Doc, t: ExportTable, startY: number): void {
  const left = doc.page.margins.left
  const width = doc.page.width - left - doc.page.margins.right
  const bottom = doc.page.height - doc.page.margins.bottom
  const colW = width / Math.max(1, t.columns.length)
  const rowH = 13
  let y = startY
  const header = () => {
    doc.rect(left, y, width, rowH).fill('#e9ecef')
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor('#212529')
    t.columns.forEach((c, i) => {
      const num = c.type === 'number' || c.type === 'money'
      doc.text(c.type === 'money' ? `${c.label} ($)` : c.label, left + i * colW + 3, y + 3, { width: colW - 6, align: num ? 'right' : 'left', lineBreak: false, ellipsis: true, height: rowH })
    })
    doc.font('Helvetica')
    y += rowH
  }
  header()
  const rows = t.rows.slice(0, MAX_TABLE_ROWS)
  rows.forEach((r, ri) => {
    if (y + rowH > bottom) {
      doc.addPage()
      y = doc.page.margins.top
      header()
    }
    if (ri % 2 === 1) doc.rect(left, y, width, rowH).fill('#f8f9fa')
    doc.fontSize(7.5).fillColor('#212529')
    t.columns.forEach((c, i) => {
      const num = c.type === 'number' || c.type === 'money'
      doc.text(cellText(r[c.key], c.type), left + i * colW + 3, y + 3, { width: colW - 6, align: num ? 'right' : 'left', lineBreak: false, ellipsis: true, height: rowH })
    })
    y += rowH
  })
  if (t.rows.length > rows.length) {
    doc.fontSize(8).fillColor('#868e96').text(`… first ${rows.length} of ${t.rows.length} rows; export CSV or XLSX for all of them.`, left, Math.min(y + 4, bottom - 10))
  }
}

export function writePdf(t: ExportTable, out: Writable, opts: PdfOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, compress: opts.compress ?? true, info: { Title: t.title, Creator: 'Wingtel Ops' } })
    out.once('error', reject)
    out.once('finish', () => resolve())
    doc.pipe(out)
    doc.font('Helvetica-Bold').fontSize(16).fillColor('#212529').text(t.title)
    doc.font('Helvetica').fontSize(8).fillColor('#666')
    for (const n of t.notes) doc.text(n)
    doc.moveDown(0.6)
    let y = doc.y
    if (opts.chart !== 'table' && t.rows.length > 0) {
      const w = doc.page.width - 72
      const h = 220
      const data = chartData(t)
      if (opts.chart === 'pie') drawPie(doc, data, 36, y, w, h)
      else drawCartesian(doc, opts.chart, data, 36, y, w, h)
      y += h + 14
    }
    drawTable(doc, t, y)
    doc.end()
  })
}
