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
import { addMonths, asOfOf, monthsBetween, type Source } from './clock'
import { dashboardSummaries, type ReadOptions } from './summaries'

export const WATERFALL_DEFINITION =
  "Billed MRR: a line's plan and recurring add-on charges on the invoices of the month (one invoice per account per cycle). " +
  'New = lines billed this month but not last; churn = billed last month but not this; expansion/contraction = the change for lines billed in both. ' +
  'Complete months only (the first invoiced month and the as-of month are partial).'

/** One GROUP BY over the recurring items of the months asked for, pivoted per line, then classified per transition. */
export function waterfallSql(months: string[]): string {
  const pivot = months.map((_, i) => `sum(CASE WHEN i.period = @m${i} THEN it.amount_cents END) AS c${i}`).join(', ')
  const n = months.length
  const agg: string[] = [`sum(coalesce(c0, 0)) AS closing0`, `sum(c0 > 0) AS lines0`]
  for (let k = 1; k < n; k++) {
    const a = `coalesce(c${k - 1}, 0)`
    const b = `coalesce(c${k}, 0)`
    agg.push(
      `sum(${b}) AS closing${k}`,
      `sum(${b} > 0) AS lines${k}`,
      `sum(CASE WHEN ${a} = 0 AND ${b} > 0 THEN ${b} ELSE 0 END) AS new${k}`,
      `sum(CASE WHEN ${a} > 0 AND ${b} = 0 THEN ${a} ELSE 0 END) AS churn${k}`,
      `sum(CASE WHEN ${a} > 0 AND ${b} > ${a} THEN ${b} - ${a} ELSE 0 END) AS expansion${k}`,
      `sum(CASE WHEN ${b} > 0 AND ${a} > ${b} THEN ${a} - ${b} ELSE 0 END) AS contraction${k}`,
    )
  }
  return `SELECT ${agg.join(',\n  ')}
FROM (
  SELECT it.line_id, ${pivot}
  FROM invoices i
  JOIN invoice_items it ON it.invoice_id = i.id
  WHERE i.period BETWEEN @m0 AND @m${n - 1} AND i.status <> 'void' AND it.kind IN ('plan', 'addon') AND it.line_id IS NOT NULL
  GROUP BY it.line_id
)`
}

const RANGE_SQL = "SELECT min(period) AS lo, max(period) AS hi FROM invoices WHERE status <> 'void'"

/** Complete invoiced months: after the first invoiced month, before the as-of month (or including it from day 28 on). */
function completeOf(lo: string | null, hi: string | null, asOf: string): string[] {
  if (!lo || !hi) return []
  const asOfMonth = asOf.slice(0, 7)
  const lastComplete = Number(asOf.slice(8, 10)) >= 28 ? asOfMonth : addMonths(asOfMonth, -1)
  return monthsBetween(lo, hi).filter((m) => m > lo && m <= lastComplete)
}

export function completeMonths(ws: Source, asOf: string): string[] {
  const r = ws.db.prepare(RANGE_SQL).get() as { lo: string | null; hi: string | null }
  return completeOf(r.lo, r.hi, asOf)
}

/** The summary: the invoiced range, and per invoiced month its closing MRR and its movements from the month before. */
export interface WaterfallSummary {
  lo: string | null
  hi: string | null
}
export interface WaterfallSummaryRow {
  month: string
  closing: number | null
  lines: number | null
  new: number | null
  churn: number | null
  expansion: number | null
  contraction: number | null
}

/**
 * A month's movements depend only on it and the calendar month before, so one pivot over all the complete months
 * gives every window the view can ask for (its months are consecutive complete months; the as-of date is part of the
 * summaries' fingerprint).
 */
export function buildWaterfallSummary(src: Source, asOf: string): { meta: WaterfallSummary; rows: WaterfallSummaryRow[] } {
  const r = src.db.prepare(RANGE_SQL).get() as { lo: string | null; hi: string | null }
  const months = completeOf(r.lo, r.hi, asOf)
  if (months.length === 0) return { meta: r, rows: [] }
  const row = src.db.prepare(waterfallSql(months)).get(Object.fromEntries(months.map((m, i) => [`m${i}`, m]))) as Record<string, number | null>
  const rows = months.map((month, k) => ({
    month,
    closing: row[`closing${k}`],
    lines: row[`lines${k}`],
    new: k ? row[`new${k}`] : null,
    churn: k ? row[`churn${k}`] : null,
    expansion: k ? row[`expansion${k}`] : null,
    contraction: k ? row[`contraction${k}`] : null,
  }))
  return { meta: r, rows }
}

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
