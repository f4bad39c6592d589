// CSV export of the whole filtered, sorted grid view, streamed: the view's ordered ids are fixed first (one consistent
// snapshot of which rows and in what order), then rows are read in chunks with better-sqlite3's iterate() and written
// as RFC 4180 CSV (CRLF, fields with commas, quotes or line breaks quoted, quotes doubled). When the stream's buffer is
// full the iteration stops, waits for 'drain' and resumes at the next id, so no statement stays open across an await
// (the connection keeps serving the grid meanwhile) and memory stays flat. Text cells that a spreadsheet would evaluate
// as a formula (`=HYPERLINK(…)` in a name) get a leading apostrophe (shared/domain/spreadsheet.ts).
import { once } from 'node:events'
import type { LineColumn, LinesQuery } from '../../shared/api/lines'
import { LINE_COLUMNS, linesQuery } from '../../shared/api/lines'
import { AppError } from '../../shared/api/errors'
import { neutralizeFormula } from '../../shared/domain/spreadsheet'
import type { Workspace } from '../store'
import { linesEngine } from './engine'

export interface CsvOptions {
  /** columns to write, in order (default: id and every grid column) */
  columns?: ReadonlyArray<LineColumn | 'id'>
  /** rows read per statement */
  chunk?: number
}

export const CSV_DEFAULT_COLUMNS: ReadonlyArray<LineColumn | 'id'> = ['id', ...LINE_COLUMNS]

/** One RFC 4180 field; text a spreadsheet would run as a formula is neutralised (numbers stay numbers). */
export function csvField(v: unknown): string {
  if (v == null) return ''
  const s = typeof v === 'string' ? neutralizeFormula(v) : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Writes the view selected by `query` (its filters, quick search, id restriction and sort; paging ignored). */
export async function writeLinesCsv(ws: Workspace, query: LinesQuery, out: NodeJS.WritableStream, opts: CsvOptions = {}): Promise<number> {
  const parsed = linesQuery.safeParse(query)
  if (!parsed.success) throw new AppError('BAD_INPUT', `Invalid export query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const columns = opts.columns ?? CSV_DEFAULT_COLUMNS
  const chunk = Math.max(1, opts.chunk ?? 2000)
  const engine = linesEngine(ws)
  const ids = engine.allIds(engine.view(parsed.data))

  let ok = out.write(`${columns.join(',')}\r\n`)
  let written = 0
  let i = 0
  while (i < ids.length) {
    if (!ok) {
      await once(out, 'drain')
      ok = true
    }
    const base = i
    const slice = Array.from(ids.slice(base, base + chunk))
    i = base + slice.length
    for (const row of engine.iterateRowsByIds(slice)) {
      ok = out.write(`${columns.map((c) => csvField(row[c])).join(',')}\r\n`)
      written++
      if (!ok) {
        // leaving the loop closes the statement before we wait; resume after this row (ids deleted since are skipped)
        i = base + row.pos + 1
        break
      }
    }
  }
  return written
}
