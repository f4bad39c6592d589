// Report spec → SQL. Every identifier and expression comes from the dataset whitelist (datasets.ts); every value a user
// supplied is a bound parameter. Errors name what was wrong, so the builder and the CLI can say it plainly.
import { AppError } from '../../shared/api/errors'
import type { CompiledReport, FieldType, ReportColumn, ReportFilter, ReportSpec, TimeGrain } from '../../shared/api/reports'
import { allowedAggs, datasetDef, type DatasetDef, type FieldDef } from './datasets'

export interface CompileOptions {
  /** the workspace's demo clock, for relative date filters (last_days) */
  asOf?: string | null
}

const AGG_LABEL: Record<string, string> = {
  count: 'Count',
  count_distinct: 'Distinct',
  sum: 'Sum of',
  avg: 'Average',
  min: 'Min',
  max: 'Max',
}

function lookup(ds: DatasetDef, name: string): FieldDef {
  const f = ds.fields.find((x) => x.name === name)
  if (!f) {
    throw new AppError('BAD_INPUT', `unknown field "${name}" in dataset ${ds.name} (known: ${ds.fields.map((x) => x.name).join(', ')})`, {
      field: name,
      dataset: ds.name,
    })
  }
  return f
}

/** The SQL for a date field bucketed to a grain. Inputs are whitelist expressions only. */
export function grainSql(expr: string, grain: TimeGrain): string {
  switch (grain) {
    case 'day':
      return `substr(${expr}, 1, 10)`
    case 'month':
      return `substr(${expr}, 1, 7)`
    case 'week':
      // Monday of the ISO week: step forward to Sunday (or stay), then back six days
      return `date(substr(${expr}, 1, 10), 'weekday 0', '-6 days')`
  }
}

function coerce(f: FieldDef, v: unknown, what: string): string | number {
  if (f.type === 'number' || f.type === 'money') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
    if (!Number.isFinite(n)) throw new AppError('BAD_INPUT', `filter on "${f.name}": ${what} must be a number, got ${JSON.stringify(v)}`)
    return n
  }
  if (f.type === 'boolean') {
    if (v === true || v === 1 || v === 'true') return 1
    if (v === false || v === 0 || v === 'false') return 0
    throw new AppError('BAD_INPUT', `filter on "${f.name}": ${what} must be true or false, got ${JSON.stringify(v)}`)
  }
  if (f.type === 'date') {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      throw new AppError('BAD_INPUT', `filter on "${f.name}": ${what} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`)
    }
    return v
  }
  if (typeof v === 'boolean' || v === undefined || v === null) {
    throw new AppError('BAD_INPUT', `filter on "${f.name}": ${what} must be text, got ${JSON.stringify(v)}`)
  }
  return String(v)
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

const OPS_BY_TYPE: Record<FieldType, ReadonlySet<string>> = {
  string: new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'starts_with', 'is_null', 'not_null']),
  number: new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_null', 'not_null']),
  money: new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_null', 'not_null']),
  date: new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'is_null', 'not_null', 'last_days']),
  boolean: new Set(['eq', 'neq', 'is_null', 'not_null']),
}

export function filterSql(f: FieldDef, flt: ReportFilter, params: Array<string | number>, opts: CompileOptions): string {
  if (!OPS_BY_TYPE[f.type].has(flt.op)) {
    throw new AppError('BAD_INPUT', `filter on "${f.name}": operator ${flt.op} does not apply to a ${f.type} field`)
  }
  const x = f.sql
  const one = (): string | number => {
    if (flt.value === undefined) throw new AppError('BAD_INPUT', `filter on "${f.name}" (${flt.op}) needs a value`)
    return coerce(f, flt.value, 'the value')
  }
  const list = (min: number): Array<string | number> => {
    const vs = flt.values ?? (flt.value !== undefined ? [flt.value] : [])
    if (vs.length < min) throw new AppError('BAD_INPUT', `filter on "${f.name}" (${flt.op}) needs ${min === 2 ? 'two values' : 'at least one value'}`)
    return vs.map((v) => coerce(f, v, 'each value'))
  }
  // Dates compare by day, and work for both YYYY-MM-DD and full timestamps without wrapping the column (index-friendly).
  if (f.type === 'date') {
    switch (flt.op) {
      case 'eq': {
        const v = one()
        params.push(v, v)
        return `(${x} >= ? AND ${x} < date(?, '+1 day'))`
      }
      case 'neq': {
        const v = one()
        params.push(v, v)
        return `(${x} < ? OR ${x} >= date(?, '+1 day'))`
      }
      case 'lt':
        params.push(one())
        return `${x} < ?`
      case 'gte':
        params.push(one())
        return `${x} >= ?`
      case 'gt':
        params.push(one())
        return `${x} >= date(?, '+1 day')`
      case 'lte':
        params.push(one())
        return `${x} < date(?, '+1 day')`
      case 'between': {
        const [a, b] = list(2)
        params.push(a, b)
        return `(${x} >= ? AND ${x} < date(?, '+1 day'))`
      }
      case 'last_days': {
        const n = typeof flt.value === 'number' ? flt.value : Number(flt.value)
        if (!Number.isInteger(n) || n < 1 || n > 36500) throw new AppError('BAD_INPUT', `filter on "${f.name}" (last_days) needs a whole number of days, got ${JSON.stringify(flt.value)}`)
        if (!opts.asOf) throw new AppError('BAD_INPUT', `filter on "${f.name}" (last_days) needs the workspace's as-of date, and this workspace has none`)
        params.push(opts.asOf, `-${n - 1} days`, opts.asOf)
        return `(${x} >= date(?, ?) AND ${x} < date(?, '+1 day'))`
      }
    }
  }
  switch (flt.op) {
    case 'eq':
      params.push(one())
      return `${x} = ?`
    case 'neq':
      params.push(one())
      return `${x} <> ?`
    case 'gt':
      params.push(one())
      return `${x} > ?`
    case 'gte':
      params.push(one())
      return `${x} >= ?`
    case 'lt':
      params.push(one())
      return `${x} < ?`
    case 'lte':
      params.push(one())
      return `${x} <= ?`
    case 'between': {
      const [a, b] = list(2)
      params.push(a, b)
      return `${x} BETWEEN ? AND ?`
    }
    case 'in':
    case 'not_in': {
      const vs = list(1)
      params.push(...vs)
      return `${x} ${flt.op === 'in' ? 'IN' : 'NOT IN'} (${vs.map(() => '?').join(', ')})`
    }
    case 'contains':
      params.push(`%${likeEscape(String(one()))}%`)
      return `${x} LIKE ? ESCAPE '\\'`
    case 'starts_with':
      params.push(`${likeEscape(String(one()))}%`)
      return `${x} LIKE ? ESCAPE '\\'`
    case 'is_null':
      return `${x} IS NULL`
    case 'not_null':
      return `${x} IS NOT NULL`
    default:
      throw new AppError('BAD_INPUT', `filter on "${f.name}": operator ${flt.op} does not apply to a ${f.type} field`)
  }
}

const quote = (alias: string) => `"${alias}"`

export function compileReport(spec: ReportSpec, opts: CompileOptions = {}): CompiledReport {
  const ds = datasetDef(spec.dataset)
  const params: Array<string | number> = []
  const joins = new Set<string>()
  const need = (f: FieldDef) => f.joins?.forEach((j) => joins.add(j))
  const select: string[] = []
  const columns: ReportColumn[] = []
  const keys = new Set<string>()
  const addColumn = (c: ReportColumn, expr: string) => {
    if (keys.has(c.key)) throw new AppError('BAD_INPUT', `the report has "${c.key}" twice`)
    keys.add(c.key)
    columns.push(c)
    select.push(`${expr} AS ${quote(c.key)}`)
  }

  if (spec.dimensions.length === 0 && spec.measures.length === 0) {
    throw new AppError('BAD_INPUT', 'a report needs at least one dimension or measure')
  }

  for (const d of spec.dimensions) {
    const f = lookup(ds, d.field)
    need(f)
    if (d.grain && f.type !== 'date') {
      throw new AppError('BAD_INPUT', `field "${f.name}" is a ${f.type}; time grains (${d.grain}) apply to dates only`)
    }
    const expr = d.grain ? grainSql(f.sql, d.grain) : f.sql
    addColumn(
      { key: d.grain ? `${f.name}_${d.grain}` : f.name, label: d.grain ? `${f.label} (${d.grain})` : f.label, type: d.grain ? 'string' : f.type, role: 'dimension' },
      expr,
    )
  }

  for (const m of spec.measures) {
    if (m.agg === 'count' && !m.field) {
      addColumn({ key: 'count', label: 'Count', type: 'number', role: 'measure' }, 'count(*)')
      continue
    }
    if (!m.field) throw new AppError('BAD_INPUT', `measure ${m.agg} needs a field`)
    const f = lookup(ds, m.field)
    need(f)
    if (m.agg !== 'count' && !allowedAggs(f).includes(m.agg)) {
      throw new AppError('BAD_INPUT', `field "${f.name}" does not allow ${m.agg} (allowed: count, ${allowedAggs(f).join(', ')})`)
    }
    const expr =
      m.agg === 'count'
        ? `count(${f.sql})`
        : m.agg === 'count_distinct'
          ? `count(DISTINCT ${f.sql})`
          : m.agg === 'avg'
            ? `round(avg(${f.sql}), 2)`
            : `${m.agg}(${f.sql})`
    const type: FieldType = m.agg === 'count' || m.agg === 'count_distinct' ? 'number' : m.agg === 'avg' && f.type !== 'money' ? 'number' : f.type
    addColumn({ key: `${m.agg}_${f.name}`, label: `${AGG_LABEL[m.agg]} ${f.label}`, type, role: 'measure' }, expr)
  }

  const where: string[] = []
  for (const flt of spec.filters) {
    const f = lookup(ds, flt.field)
    need(f)
    where.push(filterSql(f, flt, params, opts))
  }

  const order: string[] = []
  for (const s of spec.sort) {
    if (!keys.has(s.key)) {
      throw new AppError('BAD_INPUT', `cannot sort by "${s.key}": not a column of this report (columns: ${[...keys].join(', ')})`)
    }
    order.push(`${quote(s.key)} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`)
  }
  // A stable, readable default: time series and groups in dimension order.
  if (order.length === 0) columns.filter((c) => c.role === 'dimension').forEach((c) => order.push(`${quote(c.key)} ASC`))

  const unknownJoin = [...joins].find((j) => !(j in ds.joins))
  if (unknownJoin) throw new Error(`dataset ${ds.name} declares no join ${unknownJoin}`)
  const joinSql = Object.keys(ds.joins)
    .filter((j) => joins.has(j))
    .map((j) => ds.joins[j])

  const dims = spec.dimensions.length
  const parts = [`SELECT ${select.join(', ')}`, `FROM ${ds.from}`, ...joinSql]
  if (where.length) parts.push(`WHERE ${where.join(' AND ')}`)
  if (dims > 0 && spec.measures.length > 0) parts.push(`GROUP BY ${Array.from({ length: dims }, (_, i) => i + 1).join(', ')}`)
  else if (dims > 0) parts[0] = `SELECT DISTINCT ${select.join(', ')}`
  if (order.length) parts.push(`ORDER BY ${order.join(', ')}`)
  parts.push('LIMIT ?')
  params.push(spec.limit)
  return { sql: parts.join('\n'), params, columns }
}
