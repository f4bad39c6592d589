// An uploaded CSV of MSISDNs or ICCIDs → the numbers of a `list` scope, with every row that is not usable listed by
// row number and reason. Pure (no database): `resolveLineList` then maps the numbers onto lines and lists the unknown.
//
// Column: the header cell that names one (msisdn, mdn, phone, number, iccid, sim…), else the column whose cells most
// often read as a phone number or an ICCID. A file without a header (first row already numbers) is read from row 1.
import Papa from 'papaparse'
import type { ListRowProblem, ParsedLineList } from '../../shared/api/console'
import { luhnValid, toE164 } from '../../shared/domain/msisdn'
import type { Db } from '../store'

export interface LineListEntry {
  row: number
  value: string
  msisdn?: string
  iccid?: string
}

export interface LineListCsv {
  source: string
  column: string
  kind: 'msisdn' | 'iccid' | 'mixed'
  rows: number
  entries: LineListEntry[]
  bad: ListRowProblem[]
}

const HEADER_MSISDN = /^(msisdn|mdn|phone|phone[ _-]?number|mobile|number|tn|telephone|line)$/i
const HEADER_ICCID = /^(iccid|sim|sim[ _-]?(id|number)|icc[ _-]?id)$/i

type Cell = { kind: 'msisdn'; value: string } | { kind: 'iccid'; value: string } | { kind: 'bad'; reason: string } | { kind: 'empty' }

/** One cell → an E.164 MSISDN, an ICCID (19–20 digits, 89…, Luhn), or why not. */
export function readCell(raw: string): Cell {
  const s = raw.trim().replace(/^'+/, '')
  if (s === '') return { kind: 'empty' }
  if (/^\d(\.\d+)?e\+?\d+$/i.test(s)) return { kind: 'bad', reason: 'number in scientific notation (a spreadsheet rounded it): format the column as text' }
  const digits = s.replace(/[\s-]/g, '')
  if (/^\d{18,22}F?$/i.test(digits)) {
    const d = digits.replace(/F$/i, '')
    if (!d.startsWith('89')) return { kind: 'bad', reason: 'not an ICCID (ICCIDs start with 89)' }
    if (d.length < 19 || d.length > 20) return { kind: 'bad', reason: `ICCID must have 19 or 20 digits, has ${d.length}` }
    if (!luhnValid(d)) return { kind: 'bad', reason: 'ICCID fails the Luhn check' }
    return { kind: 'iccid', value: d }
  }
  const e164 = toE164(s)
  if (e164) return { kind: 'msisdn', value: e164 }
  const n = s.replace(/\D/g, '').length
  if (!/^[+\d\s().-]+$/.test(s)) return { kind: 'bad', reason: 'not a phone number or ICCID' }
  if (n === 10 || (n === 11 && s.replace(/\D/g, '').startsWith('1'))) return { kind: 'bad', reason: 'not a valid US number (area code or exchange cannot start with 0 or 1)' }
  return { kind: 'bad', reason: `a US number has 10 digits, this has ${n}` }
}

export function parseLineListCsv(text: string, filename: string): LineListCsv {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false })
  const table = parsed.data.map((r) => (Array.isArray(r) ? r.map((c) => String(c ?? '')) : []))
  while (table.length > 0 && table[table.length - 1].every((c) => c.trim() === '')) table.pop()
  const empty: LineListCsv = { source: filename, column: 'column 1', kind: 'msisdn', rows: 0, entries: [], bad: [] }
  if (table.length === 0) return empty

  const width = Math.max(...table.slice(0, 50).map((r) => r.length))
  const first = table[0]
  let col = first.findIndex((c) => HEADER_MSISDN.test(c.trim()) || HEADER_ICCID.test(c.trim()))
  const firstIsData = first.some((c) => ['msisdn', 'iccid'].includes(readCell(c).kind))
  const hasHeader = col >= 0 || !firstIsData
  if (col < 0) {
    // the column whose cells most often read as numbers
    let best = -1
    for (let c = 0; c < width; c++) {
      const sample = table.slice(hasHeader ? 1 : 0, 201)
      const score = sample.filter((r) => ['msisdn', 'iccid'].includes(readCell(r[c] ?? '').kind)).length
      if (score > best) {
        best = score
        col = c
      }
    }
  }
  const column = hasHeader && first[col]?.trim() ? first[col].trim() : `column ${col + 1}`

  const entries: LineListEntry[] = []
  const bad: ListRowProblem[] = []
  const seen = new Map<string, number>()
  let msisdns = 0
  let iccids = 0
  let rows = 0
  for (let i = hasHeader ? 1 : 0; i < table.length; i++) {
    const rowNo = i + 1
    const raw = table[i][col] ?? ''
    if (table[i].every((c) => c.trim() === '')) continue
    rows++
    const cell = readCell(raw)
    if (cell.kind === 'empty') {
      bad.push({ row: rowNo, value: '', reason: `no number in ${column}` })
      continue
    }
    if (cell.kind === 'bad') {
      bad.push({ row: rowNo, value: raw.trim(), reason: cell.reason })
      continue
    }
    const prior = seen.get(cell.value)
    if (prior !== undefined) {
      bad.push({ row: rowNo, value: raw.trim(), reason: `duplicate of row ${prior}` })
      continue
    }
    seen.set(cell.value, rowNo)
    if (cell.kind === 'msisdn') {
      msisdns++
      entries.push({ row: rowNo, value: raw.trim(), msisdn: cell.value })
    } else {
      iccids++
      entries.push({ row: rowNo, value: raw.trim(), iccid: cell.value })
    }
  }
  const kind = iccids === 0 ? 'msisdn' : msisdns === 0 ? 'iccid' : 'mixed'
  return { source: filename, column, kind, rows, entries, bad }
}

/** Maps the entries onto this workspace's lines (ICCIDs → their line's MSISDN) and lists the numbers no line has. */
export function resolveLineList(db: Db, csv: LineListCsv): ParsedLineList {
  const byMsisdn = new Set(
    (
      db
        .prepare('SELECT msisdn FROM lines WHERE msisdn IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(csv.entries.filter((e) => e.msisdn).map((e) => e.msisdn))) as Array<{ msisdn: string }>
    ).map((r) => r.msisdn),
  )
  const byIccid = new Map(
    (
      db
        .prepare('SELECT iccid, msisdn FROM lines WHERE iccid IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(csv.entries.filter((e) => e.iccid).map((e) => e.iccid))) as Array<{ iccid: string; msisdn: string }>
    ).map((r) => [r.iccid, r.msisdn]),
  )
  const msisdns: string[] = []
  const seen = new Set<string>()
  const unknown: ListRowProblem[] = []
  const bad = [...csv.bad]
  for (const e of csv.entries) {
    const m = e.msisdn ? (byMsisdn.has(e.msisdn) ? e.msisdn : null) : (byIccid.get(e.iccid!) ?? null)
    if (!m) {
      unknown.push({ row: e.row, value: e.value, reason: e.msisdn ? `no line has the number ${e.msisdn}` : `no line has the ICCID ${e.iccid}` })
      continue
    }
    if (seen.has(m)) {
      bad.push({ row: e.row, value: e.value, reason: `same line as an earlier row (${m})` })
      continue
    }
    seen.add(m)
    msisdns.push(m)
  }
  bad.sort((a, b) => a.row - b.row)
  return {
    source: csv.source,
    column: csv.column,
    kind: csv.kind,
    rows: csv.rows,
    msisdns,
    bad,
    unknown,
    scope: msisdns.length > 0 ? { kind: 'list', source: csv.source, msisdns } : null,
  }
}
