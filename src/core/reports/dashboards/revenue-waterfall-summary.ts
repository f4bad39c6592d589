// Revenue Waterfall's summary: per complete invoiced month, its closing MRR and its movements from the month before,
// built once per data generation (summary-build.ts); the dashboard (revenue-waterfall.ts) reads a window of them.
import { addMonths, monthsBetween, type Source } from './clock'

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
export function completeOf(lo: string | null, hi: string | null, asOf: string): string[] {
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
