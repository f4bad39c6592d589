// Pure helpers for the builder: output column keys (as the compiler names them), defaults for dropped fields, and the
// operators each field type offers.
import type { Aggregation, DatasetField, FilterOp, ReportDimension, ReportFilter, ReportMeasure, ReportSpecInput } from '../../../shared/api/reports'

export const dimKey = (d: ReportDimension) => (d.grain ? `${d.field}_${d.grain}` : d.field)
export const measureKey = (m: ReportMeasure) => (m.agg === 'count' && !m.field ? 'count' : `${m.agg}_${m.field}`)

export function outputKeys(spec: ReportSpecInput): string[] {
  return [...(spec.dimensions ?? []).map(dimKey), ...(spec.measures ?? []).map(measureKey)]
}

export function defaultDimension(f: DatasetField): ReportDimension {
  return f.type === 'date' ? { field: f.name, grain: 'month' } : { field: f.name }
}

export function defaultMeasure(f: DatasetField): ReportMeasure {
  const pref: Aggregation[] = f.type === 'number' || f.type === 'money' ? ['sum', 'avg', 'max'] : ['count_distinct', 'max']
  return { agg: pref.find((a) => f.aggs.includes(a)) ?? f.aggs[0] ?? 'count', field: f.name }
}

export const OPS_BY_TYPE: Record<DatasetField['type'], FilterOp[]> = {
  string: ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'is_null', 'not_null'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'is_null', 'not_null'],
  money: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'is_null', 'not_null'],
  date: ['eq', 'gt', 'gte', 'lt', 'lte', 'between', 'last_days', 'is_null', 'not_null'],
  boolean: ['eq', 'neq'],
}

export const OP_LABEL: Record<FilterOp, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  between: 'between',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  starts_with: 'starts with',
  is_null: 'is empty',
  not_null: 'is not empty',
  last_days: 'in the last N days',
}

export function defaultFilter(f: DatasetField): ReportFilter {
  if (f.values?.length) return { field: f.name, op: 'in', values: [f.values[0]] }
  if (f.type === 'date') return { field: f.name, op: 'last_days', value: 30 }
  return { field: f.name, op: f.type === 'string' ? 'eq' : 'gt', value: f.type === 'string' ? '' : 0 }
}

/** Filter values as the text box shows them, and back. Money is typed in dollars. */
export function filterText(flt: ReportFilter, type: DatasetField['type']): string {
  const show = (v: unknown) => (type === 'money' && typeof v === 'number' ? String(v / 100) : String(v ?? ''))
  if (flt.op === 'in' || flt.op === 'not_in' || flt.op === 'between') return (flt.values ?? []).map(show).join(', ')
  return show(flt.value)
}

export function parseFilterText(text: string, flt: ReportFilter, type: DatasetField['type']): ReportFilter {
  const conv = (s: string): string | number => {
    const t = s.trim()
    if (type === 'number' || flt.op === 'last_days') return t === '' ? NaN : Number(t)
    if (type === 'money') return t === '' ? NaN : Math.round(Number(t.replace(/[$,]/g, '')) * 100)
    return t
  }
  if (flt.op === 'in' || flt.op === 'not_in' || flt.op === 'between') {
    return { ...flt, value: undefined, values: text.split(',').map(conv).filter((v) => v !== '' && !(typeof v === 'number' && Number.isNaN(v))) }
  }
  return { ...flt, values: undefined, value: conv(text) }
}
