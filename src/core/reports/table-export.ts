// Writing a result table as CSV or XLSX. Money columns (integer cents in the store) are written as dollars with two
// decimals; text that a spreadsheet would evaluate as a formula is prefixed with an apostrophe.
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Cell, FieldType } from '../../shared/api/reports'
import { neutralizeFormula } from '../../shared/domain/spreadsheet'

export interface ExportColumn {
  key: string
  label: string
  type: FieldType
}

export interface ExportTable {
  title: string
  /** lines under the title: as-of date, filters, the SQL… */
  notes: string[]
  columns: ExportColumn[]
  rows: Array<Record<string, Cell>>
}

export const centsToDollars = (c: number): string => {
  const neg = c < 0
  const a = Math.abs(Math.round(c))
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}

function csvCell(v: Cell, type: FieldType): string {
  if (v === null) return ''
  if (typeof v === 'number') return type === 'money' ? centsToDollars(v) : String(v)
  const s = neutralizeFormula(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function tableToCsv(t: ExportTable): string {
  const head = t.columns.map((c) => csvCell(c.type === 'money' ? `${c.label} ($)` : c.label, 'string')).join(',')
  const body = t.rows.map((r) => t.columns.map((c) => csvCell(r[c.key] ?? null, c.type)).join(','))
  return `${[head, ...body].join('\r\n')}\r\n`
}

export async function writeCsv(t: ExportTable, out: Writable): Promise<void> {
  await writeAll(out, tableToCsv(t))
}

function writeAll(out: Writable, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject)
    out.end(data, () => resolve())
  })
}

export function addSheet(wb: ExcelJS.Workbook, t: ExportTable, name = 'Report'): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31))
  ws.addRow([t.title]).font = { bold: true, size: 14 }
  for (const n of t.notes) ws.addRow([n]).font = { italic: true, color: { argb: 'FF666666' } }
  ws.addRow([])
  const header = ws.addRow(t.columns.map((c) => (c.type === 'money' ? `${c.label} ($)` : c.label)))
  header.font = { bold: true }
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE9ECEF' } }
    cell.border = { bottom: { style: 'thin' } }
  })
  for (const r of t.rows) {
    ws.addRow(
      t.columns.map((c) => {
        const v = r[c.key] ?? null
        if (c.type === 'money' && typeof v === 'number') return v / 100
        if (typeof v === 'string') return neutralizeFormula(v)
        return v
      }),
    )
  }
  t.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1)
    if (c.type === 'money') col.numFmt = '#,##0.00'
    else if (c.type === 'number') col.numFmt = '#,##0.##'
    const longest = Math.max(c.label.length + 4, ...t.rows.slice(0, 200).map((r) => String(r[c.key] ?? '').length))
    col.width = Math.min(48, Math.max(10, longest + 2))
  })
  ws.views = [{ state: 'frozen', ySplit: t.notes.length + 3 }]
  return ws
}

export async function writeXlsx(tables: ExportTable[], out: Writable, sheetNames?: string[]): Promise<void> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Wingtel Ops'
  wb.created = new Date(0)
  tables.forEach((t, i) => addSheet(wb, t, sheetNames?.[i] ?? (tables.length > 1 ? t.title : 'Report')))
  const buf = Buffer.from(await wb.xlsx.writeBuffer())
  await writeAll(out, buf)
}
