// Exports from any report: CSV, XLSX and PDF (with its chart). The core writes to a stream or a path; the desktop shell
// and the web server own dialogs and downloads (the API hands the file over as base64, fine at report sizes).
import { createWriteStream } from 'node:fs'
import { PassThrough, type Writable } from 'node:stream'
import type { ExportFile, ExportFormat, ReportResult } from '../../shared/api/reports'
import type { Workspace } from '../store'
import { writePdf } from './pdf-export'
import { runReport, type ReportSource } from './run'
import { writeCsv, writeXlsx, type ExportTable } from './table-export'

export const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
}

export function reportTable(r: ReportResult): ExportTable {
  return {
    title: r.title,
    notes: [`As of ${r.asOf ?? 'n/a'} · ${r.rows.length} rows`, `SQL: ${r.sql.replace(/\s*\n\s*/g, ' ')}`, ...(r.params.length ? [`Parameters: ${JSON.stringify(r.params)}`] : [])],
    columns: r.columns,
    rows: r.rows,
  }
}

export interface ExportOptions {
  /** pdf: leave streams uncompressed (tests read the text back) */
  compress?: boolean
}

export async function writeTable(t: ExportTable, format: ExportFormat, out: Writable, chart: ReportResult['chart'] = 'table', opts: ExportOptions = {}): Promise<void> {
  if (format === 'csv') return writeCsv(t, out)
  if (format === 'xlsx') return writeXlsx([t], out)
  return writePdf(t, out, { chart, compress: opts.compress })
}

const toStream = (out: Writable | string): Writable => (typeof out === 'string' ? createWriteStream(out) : out)

/** Runs a report (a saved name, a spec, or JSON text of one) and writes it in the format asked for. */
export async function exportReport(ws: Workspace, ref: ReportSource | string, format: ExportFormat, out: Writable | string, opts: ExportOptions = {}): Promise<ReportResult> {
  const r = runReport(ws, ref)
  await writeTable(reportTable(r), format, toStream(out), r.chart, opts)
  return r
}

/** Collects what a writer produces into one buffer. */
export async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const pass = new PassThrough()
  const chunks: Buffer[] = []
  pass.on('data', (c: Buffer) => chunks.push(c))
  await write(pass)
  return Buffer.concat(chunks)
}

export function fileOf(buf: Buffer, basename: string, format: ExportFormat): ExportFile {
  const safe = basename.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'report'
  return { filename: `${safe}.${format}`, mime: MIME[format], base64: buf.toString('base64'), bytes: buf.length }
}
