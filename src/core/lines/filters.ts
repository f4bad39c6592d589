// AG Grid filter models, quick search and id restrictions compiled to one WHERE clause over `lines l` with bound
// parameters. Column names come from the whitelist in columns.ts; user text only ever travels as a parameter.
//
// Semantics (the grid's, case-insensitive like AG Grid's client-side filters):
// - text: contains / notContains / endsWith use LIKE (no index can serve an infix on a B-tree: a scan of the column's
//   covering index); equals / notEqual / startsWith compare the normalized text with the index (prefix = a range).
//   An empty filter text means "no condition", as in AG Grid.
// - number: the usual comparisons; inRange is inclusive at both ends.
// - date: day granularity on ISO text (a timestamp column matches on its date part); inRange is inclusive.
// - set: the listed values (an empty list matches nothing); on list columns (add-ons, tags) a row matches when it has
//   any of the listed codes, '' selecting rows with none.
// - quick search: prefix match on MSISDN (any formatting), ICCID, account id, account name and e-mail — the palette's
//   semantics, served by index range scans.
import type { LineColumn, LineFilter, LinesQueryParsed } from '../../shared/api/lines'
import { AppError } from '../../shared/api/errors'
import { digitsOf } from '../../shared/domain/msisdn'
import { columnSpec, normalizeText, prefixEnd, sqlOperand, type ColumnSpec } from './columns'

export interface FilterContext {
  /** distinct stored values of a list column (for set filters on add-ons and tags) */
  listValues(spec: ColumnSpec): string[]
  /** digits in account ids (ACC-000123 → 6) */
  accountDigits(): number
}

export interface CompiledWhere {
  /** SQL boolean expression over `l` (never empty; '1' when unrestricted) */
  sql: string
  params: unknown[]
  /** stored columns the expression reads besides the id (decides whether a sort index covers the filter) */
  columns: Set<string>
  /** nothing restricts the rows */
  empty: boolean
  /** some top-level condition can be served by an index range (else only a scan can evaluate it) */
  indexable: boolean
}

type SimpleCond = Exclude<LineFilter, { operator: 'AND' | 'OR' }>

class Builder {
  readonly params: unknown[] = []
  readonly columns = new Set<string>()
  constructor(readonly ctx: FilterContext) {}

  p(value: unknown): string {
    this.params.push(value)
    return '?'
  }
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

function isoDay(text: string | null | undefined, colId: LineColumn): string | null {
  if (text == null || text === '') return null
  const d = text.slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
    throw new AppError('BAD_INPUT', `Filter on ${colId}: "${text}" is not a date (expected YYYY-MM-DD)`)
  }
  return d
}

function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) + 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

function textCond(b: Builder, spec: ColumnSpec, c: Extract<SimpleCond, { filterType: 'text' }>): string {
  const col = sqlOperand(spec)
  b.columns.add(spec.column)
  const raw = c.filter ?? ''
  switch (c.type) {
    // text columns are NOT NULL: '' is their blank
    case 'blank':
      return `l.${spec.column} = ''`
    case 'notBlank':
      return `l.${spec.column} <> ''`
    default:
      break
  }
  if (raw.trim() === '') return '1'
  const digits = b.ctx.accountDigits()
  switch (c.type) {
    case 'equals':
      return `l.${col} = ${b.p(normalizeText(spec, raw, 'equals', digits))}`
    case 'notEqual':
      return `l.${col} <> ${b.p(normalizeText(spec, raw, 'equals', digits))}`
    case 'startsWith': {
      const v = normalizeText(spec, raw, 'prefix', digits)
      return `(l.${col} >= ${b.p(v)} AND l.${col} < ${b.p(prefixEnd(v))})`
    }
    case 'endsWith':
      return `l.${spec.column} LIKE ${b.p(`%${likeEscape(normalizeText(spec, raw, 'infix', digits))}`)} ESCAPE '\\'`
    case 'contains':
      return `l.${spec.column} LIKE ${b.p(`%${likeEscape(normalizeText(spec, raw, 'infix', digits))}%`)} ESCAPE '\\'`
    case 'notContains':
      return `l.${spec.column} NOT LIKE ${b.p(`%${likeEscape(normalizeText(spec, raw, 'infix', digits))}%`)} ESCAPE '\\'`
  }
}

function numberCond(b: Builder, spec: ColumnSpec, c: Extract<SimpleCond, { filterType: 'number' }>): string {
  const col = `l.${spec.column}`
  b.columns.add(spec.column)
  if (c.type === 'blank') return `${col} IS NULL`
  if (c.type === 'notBlank') return `${col} IS NOT NULL`
  const v = c.filter
  if (v == null) return '1'
  switch (c.type) {
    case 'equals':
      return `${col} = ${b.p(v)}`
    case 'notEqual':
      return `${col} <> ${b.p(v)}`
    case 'lessThan':
      return `${col} < ${b.p(v)}`
    case 'lessThanOrEqual':
      return `${col} <= ${b.p(v)}`
    case 'greaterThan':
      return `${col} > ${b.p(v)}`
    case 'greaterThanOrEqual':
      return `${col} >= ${b.p(v)}`
    case 'inRange': {
      if (c.filterTo == null) return `${col} >= ${b.p(v)}`
      const [lo, hi] = v <= c.filterTo ? [v, c.filterTo] : [c.filterTo, v]
      return `(${col} >= ${b.p(lo)} AND ${col} <= ${b.p(hi)})`
    }
  }
}

function dateCond(b: Builder, spec: ColumnSpec, c: Extract<SimpleCond, { filterType: 'date' }>): string {
  const col = `l.${spec.column}`
  b.columns.add(spec.column)
  if (c.type === 'blank') return `${col} IS NULL`
  if (c.type === 'notBlank') return `${col} IS NOT NULL`
  const from = isoDay(c.dateFrom, spec.colId)
  if (from == null) return '1'
  switch (c.type) {
    case 'equals':
      return `(${col} >= ${b.p(from)} AND ${col} < ${b.p(nextDay(from))})`
    case 'notEqual':
      return `(${col} < ${b.p(from)} OR ${col} >= ${b.p(nextDay(from))})`
    case 'lessThan':
      return `${col} < ${b.p(from)}`
    case 'greaterThan':
      return `${col} >= ${b.p(nextDay(from))}`
    case 'inRange': {
      const to = isoDay(c.dateTo, spec.colId)
      if (to == null) return `${col} >= ${b.p(from)}`
      const [lo, hi] = from <= to ? [from, to] : [to, from]
      return `(${col} >= ${b.p(lo)} AND ${col} < ${b.p(nextDay(hi))})`
    }
  }
}

function setCond(b: Builder, spec: ColumnSpec, c: Extract<SimpleCond, { filterType: 'set' }>): string {
  const col = `l.${sqlOperand(spec)}`
  b.columns.add(spec.column)
  let values: unknown[]
  if (spec.kind === 'number') {
    values = c.values.map((v) => Number(v)).filter((n) => Number.isFinite(n))
  } else if (spec.list) {
    // rows whose code list holds any selected code: resolved to the stored lists (few) so the index serves an IN
    const wanted = new Set(c.values.map((v) => normalizeText(spec, v, 'equals')))
    values = b.ctx.listValues(spec).filter((stored) => (stored === '' ? wanted.has('') : stored.split(',').some((code) => wanted.has(code))))
  } else if (spec.kind === 'date') {
    values = c.values.map((v) => v.slice(0, 10)) // AG Grid's 'YYYY-MM-DD hh:mm:ss'; anything else simply matches nothing
  } else {
    values = c.values.map((v) => normalizeText(spec, v, 'equals', b.ctx.accountDigits()))
  }
  // text columns are NOT NULL ('' is their blank, part of the IN list); a nullable column adds IS NULL
  const hasBlank = spec.nullable && values.some((v) => v === '' || v == null)
  const real = [...new Set(values.filter((v) => v != null && !(spec.nullable && v === '')))]
  const parts: string[] = []
  if (real.length > 0) parts.push(`${col} IN (${real.map((v) => b.p(v)).join(', ')})`)
  if (hasBlank) parts.push(`l.${spec.column} IS NULL`)
  if (parts.length === 0) return '0'
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`
}

const KIND_OF_FILTER: Record<string, string> = { text: 'text', number: 'number', date: 'date' }

function simpleCond(b: Builder, spec: ColumnSpec, c: SimpleCond): string {
  if (c.filterType === 'set') return setCond(b, spec, c)
  if (KIND_OF_FILTER[c.filterType] !== spec.kind) {
    throw new AppError('BAD_INPUT', `Column ${spec.colId} takes ${spec.kind} or set filters, not ${c.filterType} filters`)
  }
  switch (c.filterType) {
    case 'text':
      return textCond(b, spec, c)
    case 'number':
      return numberCond(b, spec, c)
    case 'date':
      return dateCond(b, spec, c)
  }
}

function filterCond(b: Builder, colId: LineColumn, f: LineFilter): string {
  const spec = columnSpec(colId)
  if ('operator' in f) {
    const parts = f.conditions.map((c) => simpleCond(b, spec, c))
    return `(${parts.join(f.operator === 'AND' ? ' AND ' : ' OR ')})`
  }
  return simpleCond(b, spec, f)
}

function indexableSimple(c: SimpleCond): boolean {
  switch (c.filterType) {
    case 'set':
      return true
    case 'text':
      return c.type === 'equals' || c.type === 'startsWith'
    case 'number':
      return c.type !== 'notEqual' && c.type !== 'blank' && c.type !== 'notBlank'
    case 'date':
      return c.type !== 'notEqual' && c.type !== 'notBlank'
  }
}

function indexableFilter(f: LineFilter): boolean {
  if ('operator' in f) return f.operator === 'AND' ? f.conditions.some(indexableSimple) : f.conditions.every(indexableSimple)
  return indexableSimple(f)
}

/** The index-served prefix ranges of a quick search / palette search: [column expression, lower bound] pairs. */
export interface PrefixRange {
  field: 'msisdn' | 'iccid' | 'account' | 'name' | 'email'
  column: string
  /** the comparison operand, with collation */
  operand: string
  lo: string
  hi: string
  /** an exact value instead of a range (a short account number, zero-padded) */
  exact?: boolean
}

/** What a typed search text can mean, each as an index range on `lines`. Empty when nothing can match. */
export function searchRanges(text: string, accountDigits: number): PrefixRange[] {
  const t = text.trim()
  if (t === '') return []
  const out: PrefixRange[] = []
  const range = (field: PrefixRange['field'], column: string, lo: string, nocase = false) =>
    out.push({ field, column, operand: nocase ? `${column} COLLATE NOCASE` : column, lo, hi: prefixEnd(lo) })
  const phoneLike = /^[+\d\s().-]+$/.test(t)
  const d = digitsOf(t)
  if (phoneLike && d.length > 0) {
    // NANP area codes never start with 0 or 1, so a leading 1 is the country code
    if (t.startsWith('+') || d.startsWith('1')) {
      if (d.startsWith('1')) range('msisdn', 'msisdn', `+${d}`)
    } else if (d[0] !== '0') range('msisdn', 'msisdn', `+1${d}`)
    if (d.length >= 2 && !t.startsWith('+')) range('iccid', 'iccid', d)
    if (!t.startsWith('+') && !/[\s().-]/.test(t)) {
      range('account', 'account_id', `ACC-${d}`)
      if (d.length < accountDigits) out.push({ field: 'account', column: 'account_id', operand: 'account_id', lo: `ACC-${d.padStart(accountDigits, '0')}`, hi: '', exact: true })
    }
  }
  if (/^acc-?\d*$/i.test(t)) {
    const num = t.replace(/^acc-?/i, '')
    range('account', 'account_id', `ACC-${num}`)
  }
  if (/\p{L}/u.test(t)) range('name', 'account_name', t, true)
  if (/[\p{L}@]/u.test(t)) range('email', 'email', t.toLowerCase())
  return out
}

function rangeSql(b: Builder, r: PrefixRange, alias = ''): string {
  const col = `${alias}${r.operand}`
  return r.exact ? `${col} = ${b.p(r.lo)}` : `${col} >= ${b.p(r.lo)} AND ${col} < ${b.p(r.hi)}`
}

function quickCond(b: Builder, text: string): string {
  const ranges = searchRanges(text, b.ctx.accountDigits())
  if (ranges.length === 0) return text.trim() === '' ? '1' : '0'
  // one indexed range scan per meaning; the planner would rather scan the table than OR them
  const selects = ranges.map((r) => `SELECT id FROM lines WHERE ${rangeSql(b, r)}`)
  return `l.id IN (${selects.join(' UNION ALL ')})`
}

/** Compiles the restriction part of a grid query (filters, quick search, id list). */
export function compileWhere(q: Pick<LinesQueryParsed, 'filter' | 'quickSearch' | 'lineIds'>, ctx: FilterContext): CompiledWhere {
  const b = new Builder(ctx)
  const parts: string[] = []
  let indexable = false
  for (const [colId, f] of Object.entries(q.filter) as Array<[LineColumn, LineFilter | undefined]>) {
    if (!f) continue
    const sql = filterCond(b, colId, f)
    if (sql === '1') continue
    parts.push(sql)
    indexable ||= indexableFilter(f)
  }
  if (q.quickSearch.trim() !== '') {
    parts.push(quickCond(b, q.quickSearch))
    indexable = true
  }
  if (q.lineIds) {
    parts.push(`l.id IN (SELECT value FROM json_each(${b.p(JSON.stringify(q.lineIds))}))`)
    indexable = true
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params: b.params, columns: b.columns, empty: parts.length === 0, indexable }
}
