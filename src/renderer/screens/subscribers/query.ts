// AG Grid's sort and filter models → the `lines.list` query (the same shape, with display units scaled to store units).
import type { SortModelItem } from 'ag-grid-community'
import type { LineColumn, LineFilter, LinesQuery } from '../../../shared/api/lines'

/** Number filters typed in display units, stored in base units: multiply before the filter goes to the core. */
export const FILTER_SCALE: Partial<Record<LineColumn, number>> = { pastDueCents: 100, walletCents: 100, dataUsedMb: 1024 }

type NumberCond = Extract<LineFilter, { filterType: 'number'; type: string }>

function scaleCond(cond: LineFilter, k: number): LineFilter {
  if ('conditions' in cond) return { ...cond, conditions: cond.conditions.map((c) => scaleCond(c, k)) as typeof cond.conditions }
  if (cond.filterType !== 'number') return cond
  const n = cond as NumberCond
  const mul = (v: number | null | undefined) => (v == null ? v : Math.round(v * k))
  return { ...n, filter: mul(n.filter), filterTo: mul(n.filterTo) }
}

export interface ViewQuery {
  sort: NonNullable<LinesQuery['sort']>
  filter: NonNullable<LinesQuery['filter']>
  quickSearch: string
}

export function toViewQuery(sortModel: SortModelItem[], filterModel: Record<string, LineFilter> | null, quickSearch: string): ViewQuery {
  const filter: Partial<Record<LineColumn, LineFilter>> = {}
  for (const [colId, cond] of Object.entries(filterModel ?? {})) {
    const k = FILTER_SCALE[colId as LineColumn]
    filter[colId as LineColumn] = k ? scaleCond(cond, k) : cond
  }
  return {
    sort: sortModel.slice(0, 3).map((s) => ({ colId: s.colId as LineColumn, sort: s.sort })),
    filter,
    quickSearch: quickSearch.trim(),
  }
}

/** A short description of the view for labels ("status: suspended; quick search “smith”"). */
export function describeView(q: ViewQuery): string {
  const parts = Object.entries(q.filter).map(([col, f]) => (f && 'values' in f ? `${col}: ${f.values.join(', ')}` : `${col} filtered`))
  if (q.quickSearch) parts.push(`search “${q.quickSearch}”`)
  return parts.join('; ')
}
