// Bill shock's summary: every line on a capped plan projected over its allowance, the one pass over the lines that
// the summaries build persists (summary-build.ts) and the direct computation repeats (bill-shock.ts).
import type { Source } from './clock'

// Reads only the covering index lines_status_usage (status, plan, cycle start, used, top-ups). Cycle days ≤ 28, so a
// cycle starting on D runs to the same day next month: its length is the number of days in D's month.
const BASE = `WITH cur AS (
  SELECT l.id, l.plan_code, l.data_used_mb AS used, p.data_mb + l.topup_mb AS allowance,
    julianday(@asOf) - julianday(l.cycle_start) + 1 AS elapsed,
    CASE substr(l.cycle_start, 6, 2) WHEN '02' THEN 28 + (CAST(substr(l.cycle_start, 1, 4) AS INTEGER) % 4 = 0)
      WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30 ELSE 31 END AS len
  FROM plans p JOIN lines l ON l.status = 'active' AND l.plan_code = p.code
  WHERE p.data_mb IS NOT NULL
), proj AS (
  SELECT *, CAST(round(used * len / elapsed) AS INTEGER) AS projected FROM cur WHERE elapsed >= 3 AND elapsed <= len
)`

/** One pass over the lines: every line projected over its allowance (a small share of the lines). */
export const BILL_SHOCK_SQL = `${BASE}
SELECT id, plan_code, projected - allowance AS overshoot FROM proj WHERE projected > allowance`

/** Every line projected over its allowance at the as-of date. */
export function buildBillShockSummary(src: Source, asOf: string): Array<[number, string, number]> {
  return src.db.prepare(BILL_SHOCK_SQL).raw(true).all({ asOf }) as Array<[number, string, number]>
}
