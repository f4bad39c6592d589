// Test support for the lines query layer: a small generated workspace in a temp file, and a naive reference model of
// the grid's documented semantics computed in plain JS over every row (what the SQL must agree with).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LineColumn, LineFilter, LinesQuery, LinesQueryParsed } from '../../shared/api/lines'
import { linesQuery } from '../../shared/api/lines'
import type { LineRow } from '../../shared/domain/line'
import { generateDemo } from '../demo'
import { Workspace } from '../store'
import { columnSpec, LINE_ROW_SELECT, normalizeText, type ColumnSpec } from './columns'
import { searchRanges } from './filters'

export const AS_OF = '2026-11-15'

export interface Fixture {
  ws: Workspace
  dir: string
  close(): void
}

/** A generated demo workspace in its own temp directory. */
export async function makeWorkspace(lines = 3000, months = 4, seed = 7): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-lines-'))
  const ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
  await generateDemo(ws.db, { lines, months, seed, asOf: AS_OF })
  ws.changed(['lines'])
  return {
    ws,
    dir,
    close() {
      ws.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function allRows(ws: Workspace): LineRow[] {
  return ws.db.prepare(`SELECT ${LINE_ROW_SELECT} FROM lines l ORDER BY l.id`).all() as LineRow[]
}

export const q = (input: LinesQuery): LinesQueryParsed => linesQuery.parse(input)

// --- reference model -------------------------------------------------------------------------------------------------

/** SQLite's NOCASE: ASCII letters folded, nothing else. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
/** LIKE's case-insensitivity is ASCII-only too. */
const likeFold = asciiLower

function cmpText(a: string, b: string, nocase: boolean): number {
  const x = nocase ? asciiLower(a) : a
  const y = nocase ? asciiLower(b) : b
  return x < y ? -1 : x > y ? 1 : 0
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

type Simple = Exclude<LineFilter, { operator: 'AND' | 'OR' }>

function matchSimple(spec: ColumnSpec, value: unknown, c: Simple, digits: number): boolean {
  if (c.filterType === 'set') {
    if (spec.kind === 'number') return c.values.map(Number).includes(value as number)
    const v = value as string | null
    if (spec.list) {
      const wanted = new Set(c.values.map((x) => normalizeText(spec, x, 'equals')))
      return v == null || v === '' ? wanted.has('') : v.split(',').some((code) => wanted.has(code))
    }
    const wanted = c.values.map((x) => (spec.kind === 'date' ? x.slice(0, 10) : normalizeText(spec, x, 'equals', digits)))
    if (v == null || v === '') return wanted.includes('')
    return wanted.some((w) => w !== '' && cmpText(v, w, spec.nocase ?? false) === 0)
  }
  if (c.filterType === 'text') {
    const v = value as string | null
    if (c.type === 'blank') return v == null || v === ''
    if (c.type === 'notBlank') return v != null && v !== ''
    const raw = c.filter ?? ''
    if (raw.trim() === '') return true
    const nocase = spec.nocase ?? false
    switch (c.type) {
      case 'equals':
        return v != null && cmpText(v, normalizeText(spec, raw, 'equals', digits), nocase) === 0
      case 'notEqual':
        return v == null || cmpText(v, normalizeText(spec, raw, 'equals', digits), nocase) !== 0
      case 'startsWith': {
        const p = normalizeText(spec, raw, 'prefix', digits)
        return v != null && (nocase ? asciiLower(v).startsWith(asciiLower(p)) : v.startsWith(p))
      }
      case 'endsWith':
        return v != null && likeFold(v).endsWith(likeFold(normalizeText(spec, raw, 'infix', digits)))
      case 'contains':
        return v != null && likeFold(v).includes(likeFold(normalizeText(spec, raw, 'infix', digits)))
      case 'notContains':
        return v == null || !likeFold(v).includes(likeFold(normalizeText(spec, raw, 'infix', digits)))
    }
  }
  if (c.filterType === 'number') {
    const v = value as number | null
    if (c.type === 'blank') return v == null
    if (c.type === 'notBlank') return v != null
    if (c.filter == null) return true
    if (v == null) return false
    const f = c.filter
    switch (c.type) {
      case 'equals':
        return v === f
      case 'notEqual':
        return v !== f
      case 'lessThan':
        return v < f
      case 'lessThanOrEqual':
        return v <= f
      case 'greaterThan':
        return v > f
      case 'greaterThanOrEqual':
        return v >= f
      case 'inRange': {
        if (c.filterTo == null) return v >= f
        return v >= Math.min(f, c.filterTo) && v <= Math.max(f, c.filterTo)
      }
    }
  }
  // date
  const v = value as string | null
  if (c.type === 'blank') return v == null
  if (c.type === 'notBlank') return v != null
  if (c.dateFrom == null || c.dateFrom === '') return true
  const from = c.dateFrom.slice(0, 10)
  if (v == null) return false
  switch (c.type) {
    case 'equals':
      return v.slice(0, 10) === from
    case 'notEqual':
      return v.slice(0, 10) !== from
    case 'lessThan':
      return v < from
    case 'greaterThan':
      return v >= nextDay(from)
    case 'inRange': {
      if (c.dateTo == null || c.dateTo === '') return v >= from
      const to = c.dateTo.slice(0, 10)
      const [lo, hi] = from <= to ? [from, to] : [to, from]
      return v >= lo && v < nextDay(hi)
    }
  }
}

function matchFilter(spec: ColumnSpec, value: unknown, f: LineFilter, digits: number): boolean {
  if ('operator' in f) {
    const r = f.conditions.map((c) => matchSimple(spec, value, c, digits))
    return f.operator === 'AND' ? r.every(Boolean) : r.some(Boolean)
  }
  return matchSimple(spec, value, f, digits)
}

function matchQuick(row: LineRow, text: string, digits: number): boolean {
  if (text.trim() === '') return true
  const fieldValue: Record<string, string> = { msisdn: row.msisdn, iccid: row.iccid, account: row.accountId, name: row.accountName, email: row.email }
  return searchRanges(text, digits).some((r) => {
    const v = fieldValue[r.field]
    const nocase = r.field === 'name'
    if (r.exact) return cmpText(v, r.lo, nocase) === 0
    return nocase ? asciiLower(v).startsWith(asciiLower(r.lo)) : v.startsWith(r.lo)
  })
}

function compareValues(spec: ColumnSpec, a: unknown, b: unknown): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1 // NULLs first, as SQLite orders them
  if (spec.kind === 'number') return (a as number) - (b as number)
  return cmpText(a as string, b as string, spec.nocase ?? false)
}

/** The view as the documented semantics define it: every matching row, in order. */
export function referenceView(rows: LineRow[], query: LinesQueryParsed, accountDigits = 6): LineRow[] {
  const filters = (Object.entries(query.filter) as Array<[LineColumn, LineFilter | undefined]>).filter((e): e is [LineColumn, LineFilter] => !!e[1])
  const ids = query.lineIds ? new Set(query.lineIds) : null
  const out = rows.filter(
    (r) =>
      filters.every(([col, f]) => matchFilter(columnSpec(col), r[col], f, accountDigits)) &&
      matchQuick(r, query.quickSearch, accountDigits) &&
      (!ids || ids.has(r.id)),
  )
  const sort: Array<{ spec: ColumnSpec; desc: boolean }> = []
  for (const s of query.sort) if (!sort.some((x) => x.spec.colId === s.colId)) sort.push({ spec: columnSpec(s.colId), desc: s.sort === 'desc' })
  const idDesc = sort.length > 0 && sort[sort.length - 1].desc // ties go the way of the last sort column
  out.sort((a, b) => {
    for (const s of sort) {
      const c = compareValues(s.spec, a[s.spec.colId], b[s.spec.colId])
      if (c !== 0) return s.desc ? -c : c
    }
    return idDesc ? b.id - a.id : a.id - b.id
  })
  return out
}
