// Bill shock: lines on a capped plan whose current-cycle usage, projected linearly to the cycle end (used so far ÷ days
// elapsed × cycle length), passes their allowance (plan bucket + this cycle's top-ups). Relative to the as-of date.
// Lines fewer than three days into their cycle are left out: a day or two of usage projects too noisily.
import type { BillShock, BillShockLine } from '../../../shared/api/reports'
import type { Workspace } from '../../store'
import { cachedResult } from './cache'
import { BILL_SHOCK_SQL } from './bill-shock-summary'
import { asOfOf, type Source } from './clock'
import { dashboardSummaries, type ReadOptions } from './summaries'

export const BILL_SHOCK_METHOD =
  'Linear projection: used so far ÷ days elapsed in the cycle × days in the cycle, against the plan bucket plus this cycle’s top-ups. Active lines on capped plans, at least 3 days into the cycle.'

const DETAIL_SQL = `SELECT l.id, l.msisdn, l.account_name, l.plan_code, l.cycle_start, date(l.cycle_start, '+1 month') AS cycle_end,
  CAST(julianday(@asOf) - julianday(l.cycle_start) + 1 AS INTEGER) AS elapsed,
  CAST(julianday(date(l.cycle_start, '+1 month')) - julianday(l.cycle_start) AS INTEGER) AS len,
  l.data_used_mb AS used, p.data_mb + l.topup_mb AS allowance
FROM lines l JOIN plans p ON p.code = l.plan_code WHERE l.id = @id`

const MAX_IDS = 50_000

/** The summary-backed dashboard: reads the persisted per-line overshoots, largest first (see summaries.ts). */
export function billShock(ws: Workspace, top = 100, opts: ReadOptions = {}): BillShock {
  const s = dashboardSummaries(ws, opts)
  return cachedResult(ws, `billshock:${top}:${s.key}`, () => {
    const all = s.dash.prepare('SELECT line_id, plan_code, overshoot FROM bill_shock ORDER BY overshoot DESC, line_id').raw(true).all() as Array<[number, string, number]>
    return { ...assemble(ws, s.asOf, all, top), freshness: s.freshness }
  })
}

/** The direct computation on the base tables (the reference the summary-backed view must equal). */
export function billShockDirect(ws: Source, top = 100): BillShock {
  const asOf = asOfOf(ws)
  const all = ws.db.prepare(BILL_SHOCK_SQL).raw(true).all({ asOf }) as Array<[number, string, number]>
  all.sort((a, b) => b[2] - a[2] || a[0] - b[0])
  return assemble(ws, asOf, all, top)
}

/** `all`: the lines over their allowance, largest overshoot first (ties by line id). */
function assemble(ws: Source, asOf: string, all: Array<[number, string, number]>, top: number): BillShock {
  const plansMap = new Map<string, { n: number; overshoot: number }>()
  for (const [, plan, over] of all) {
    const p = plansMap.get(plan) ?? { n: 0, overshoot: 0 }
    p.n++
    p.overshoot += over
    plansMap.set(plan, p)
  }
  const byPlan = [...plansMap].map(([plan_code, v]) => ({ plan_code, ...v })).sort((a, b) => b.n - a.n)
  const detail = ws.db.prepare(DETAIL_SQL)
  const topLines: BillShockLine[] = all.slice(0, top).map(([id]) => {
    const r = detail.get({ asOf, id }) as { id: number; msisdn: string; account_name: string; plan_code: string; cycle_start: string; cycle_end: string; elapsed: number; len: number; used: number; allowance: number }
    const projected = Math.round((r.used * r.len) / r.elapsed)
    return {
      lineId: r.id,
      msisdn: r.msisdn,
      accountName: r.account_name,
      planCode: r.plan_code,
      cycleStart: r.cycle_start,
      cycleEnd: r.cycle_end,
      daysElapsed: r.elapsed,
      cycleDays: r.len,
      usedMb: r.used,
      allowanceMb: r.allowance,
      projectedMb: projected,
      overshootMb: projected - r.allowance,
    }
  })
  const lines = all.length
  const lineIds = all.slice(0, MAX_IDS).map((r) => r[0])
  const plans = byPlan.map((r) => r.plan_code)
  // The console's cohort language cannot express a projection; this sentence names the same plans and nudges the
  // customers, and the exact line ids travel as a selection.
  const cohortSentence = plans.length
    ? `send_notification channel=sms message="You are on track to use all your data before your cycle ends. Reply TOPUP for 1GB." where status = active and plan in (${plans.join(', ')}) and data_remaining_mb < 1024`
    : ''
  return {
    asOf,
    method: BILL_SHOCK_METHOD,
    lines,
    top: topLines,
    byPlan: byPlan.map((r) => ({ planCode: r.plan_code, lines: r.n, overshootMb: r.overshoot })),
    cohortSentence,
    lineIds,
  }
}
