import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DatasetField, FilterOp, ReportFilter } from '../../../shared/api/reports'
import { OP_LABEL, OPS_BY_TYPE, defaultDimension, defaultFilter, defaultMeasure, filterText, outputKeys, parseFilterText } from './spec-edit'

const field = (f: Partial<DatasetField> & Pick<DatasetField, 'name' | 'type'>): DatasetField => ({ label: f.name, aggs: [], ...f }) as DatasetField

describe('report builder helpers', () => {
  it('output keys name dimensions (with their grain) and measures as the compiler does', () => {
    expect(
      outputKeys({
        dataset: 'lines',
        dimensions: [{ field: 'plan_code' }, { field: 'activated_at', grain: 'month' }],
        measures: [{ agg: 'count' }, { agg: 'sum', field: 'past_due_cents' }, { agg: 'count_distinct', field: 'account_id' }],
      } as never),
    ).toEqual(['plan_code', 'activated_at_month', 'count', 'sum_past_due_cents', 'count_distinct_account_id'])
    expect(outputKeys({ dataset: 'lines' } as never)).toEqual([])
  })

  it('a dropped date field groups by month; other fields as they are', () => {
    expect(defaultDimension(field({ name: 'activated_at', type: 'date' }))).toEqual({ field: 'activated_at', grain: 'month' })
    expect(defaultDimension(field({ name: 'state', type: 'string' }))).toEqual({ field: 'state' })
  })

  it('a dropped field measures with the first aggregation it offers in the preferred order', () => {
    expect(defaultMeasure(field({ name: 'past_due_cents', type: 'money', aggs: ['max', 'avg', 'sum'] }))).toEqual({ agg: 'sum', field: 'past_due_cents' })
    expect(defaultMeasure(field({ name: 'data_used_mb', type: 'number', aggs: ['max', 'avg'] }))).toEqual({ agg: 'avg', field: 'data_used_mb' })
    expect(defaultMeasure(field({ name: 'state', type: 'string', aggs: ['count_distinct'] }))).toEqual({ agg: 'count_distinct', field: 'state' })
    expect(defaultMeasure(field({ name: 'odd', type: 'string', aggs: ['min'] }))).toEqual({ agg: 'min', field: 'odd' })
    expect(defaultMeasure(field({ name: 'none', type: 'string', aggs: [] }))).toEqual({ agg: 'count', field: 'none' })
  })

  it('a dropped filter starts from the first known value, the last 30 days, or an empty comparison', () => {
    expect(defaultFilter(field({ name: 'status', type: 'string', values: ['active', 'suspended'] }))).toEqual({ field: 'status', op: 'in', values: ['active'] })
    expect(defaultFilter(field({ name: 'activated_at', type: 'date' }))).toEqual({ field: 'activated_at', op: 'last_days', value: 30 })
    expect(defaultFilter(field({ name: 'account_name', type: 'string' }))).toEqual({ field: 'account_name', op: 'eq', value: '' })
    expect(defaultFilter(field({ name: 'wallet_cents', type: 'money' }))).toEqual({ field: 'wallet_cents', op: 'gt', value: 0 })
  })

  it('every operator a field type offers has a label', () => {
    for (const ops of Object.values(OPS_BY_TYPE)) for (const op of ops) expect(OP_LABEL[op as FilterOp], op).toBeTruthy()
  })

  it('money is typed in dollars and stored in cents', () => {
    const flt: ReportFilter = { field: 'past_due_cents', op: 'gt', value: 0 }
    expect(parseFilterText('$1,234.50', flt, 'money')).toEqual({ ...flt, values: undefined, value: 123450 })
    expect(filterText({ ...flt, value: 123450 }, 'money')).toBe('1234.5')
    expect(parseFilterText('10, 20', { field: 'past_due_cents', op: 'between', values: [] }, 'money').values).toEqual([1000, 2000])
  })

  it('lists drop empty and unreadable entries; a number box left empty is NaN (not a silent 0)', () => {
    const inList: ReportFilter = { field: 'state', op: 'in', values: [] }
    expect(parseFilterText(' TX, ,OK ', inList, 'string').values).toEqual(['TX', 'OK'])
    expect(parseFilterText('1, x, 3', { field: 'n', op: 'in', values: [] }, 'number').values).toEqual([1, 3])
    expect(parseFilterText('', { field: 'n', op: 'gt', value: 0 }, 'number').value).toBeNaN()
    expect(parseFilterText('7', { field: 'activated_at', op: 'last_days', value: 30 }, 'date').value).toBe(7)
  })

  it('filterText and parseFilterText are inverse on whole-cent money and integer lists', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { minLength: 1, maxLength: 6 }), (cents) => {
        const flt: ReportFilter = { field: 'wallet_cents', op: 'in', values: cents }
        expect(parseFilterText(filterText(flt, 'money'), flt, 'money').values).toEqual(cents)
      }),
    )
  })
})
