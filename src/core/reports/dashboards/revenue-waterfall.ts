// Revenue Waterfall. Definition (billed MRR): a line's MRR in calendar month M is the sum of its recurring charges —
// invoice items of kind 'plan' and 'addon' — on the non-void invoices of period M (one invoice per account per cycle,
// issued at the cycle start). Top-ups, prorations, fees, credits and tax are not recurring and are left out.
// From month M−1 to M, per line (a = MRR in M−1, b = MRR in M): new = b when a = 0 < b; churn = a when b = 0 < a;
// expansion = b − a when 0 < a < b; contraction = a − b when 0 < b < a. So opening + new + expansion − contraction −
// churn = closing holds for every line, hence for every month, in integer cents.
// Only complete months are shown: the first invoiced month (accounts whose cycle day falls before the history window
// start have no invoice in it) and the as-of month (cycles after the as-of day are not billed yet) are partial.
import type { RevenueWaterfall, WaterfallMonth } from '../../../shared/api/reports'
import type { Workspace } from '../../store'
import { cachedResult } from './cache'
import { asOfOf, type Source } from './clock'
import { completeMonths, completeOf, waterfallSql, type WaterfallSummaryRow } from './revenue-waterfall-summary'
import { dashboardSummaries, type ReadOptions } from './summaries'

export const WATERFALL_DEFINITION =
  "Billed MRR: a line's plan and recurring add-on charges on the invoices of the month (one invoice per account per cycle). " +
  'New = lines billed this month but not last; churn = billed last month but not this; expansion/contraction = the change for lines billed in both. ' +
  'Complete months only (the first invoiced month and the as-of month are partial).'

/** The summary-backed dashboard: reads the persisted per-month movements (see summaries.ts). */
export function revenueWaterfall(ws: Workspace, opts: { maxMonths?: number } & ReadOptions = {}): RevenueWaterfall {
  const s = dashboardSummaries(ws, opts)
  return cachedResult(ws, `waterfall:${opts.maxMonths ?? 24}:${s.key}`, () => {
    const asOf = s.asOf
    const months = completeOf(s.waterfall.lo, s.waterfall.hi, asOf).slice(-((opts.maxMonths ?? 24) + 1))
    if (months.length < 2) return { asOf, definition: WATERFALL_DEFINITION, months: [], freshness: s.freshness }
    const rows = s.dash.prepare('SELECT * FROM waterfall WHERE month BETWEEN ? AND ?').all(months[0], months[months.length - 1]) as WaterfallSummaryRow[]
    const by = new Map(rows.map((r) => [r.month, r]))
    const row: Record<string, number | null> = {}
    months.forEach((m, k) => {
      const r = by.get(m)
      row[`closing${k}`] = r?.closing ?? null
      row[`lines${k}`] = r?.lines ?? null
      for (const x of ['new', 'churn', 'expansion', 'contraction'] as const) row[`${x}${k}`] = r?.[x] ?? null
    })
    return { ...assemble(asOf, months, row), freshness: s.freshness }
  })
}

/** The direct computation on the base tables (the reference the summary-backed view must equal). */
export function revenueWaterfallDirect(ws: Source, opts: { maxMonths?: number } = {}): RevenueWaterfall {
  const asOf = asOfOf(ws)
  const months = completeMonths(ws, asOf).slice(-((opts.maxMonths ?? 24) + 1))
  if (months.length < 2) return { asOf, definition: WATERFALL_DEFINITION, months: [] }
  const row = ws.db.prepare(waterfallSql(months)).get(Object.fromEntries(months.map((m, i) => [`m${i}`, m]))) as Record<string, number | null>
  return assemble(asOf, months, row)
}

function assemble(asOf: string, months: string[], row: Record<string, number | null>): RevenueWaterfall {
  const v = (k: string) => row[k] ?? 0
  const out: WaterfallMonth[] = []
  for (let k = 1; k < months.length; k++) {
    out.push({
      month: months[k],
      partial: false,
      openingCents: v(`closing${k - 1}`),
      newCents: v(`new${k}`),
      expansionCents: v(`expansion${k}`),
      contractionCents: v(`contraction${k}`),
      churnCents: v(`churn${k}`),
      closingCents: v(`closing${k}`),
      openingLines: v(`lines${k - 1}`),
      closingLines: v(`lines${k}`),
    })
  }
  return { asOf, definition: WATERFALL_DEFINITION, months: out }
}
