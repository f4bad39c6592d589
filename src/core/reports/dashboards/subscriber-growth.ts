// Subscriber Growth: activations, reactivations, disconnects and net adds by month and by plan, from the line
// lifecycle events (line_events), over the twelve months up to the as-of date (or the
// history window, if shorter). "Plan" is the plan a line was activated
// on for activations, and the line's current plan otherwise (plans do not change after a disconnection).
import type { SubscriberGrowth, SubscriberGrowthRow } from '../../../shared/api/reports'
import type { Workspace } from '../../store'
import { cachedResult } from './cache'
import { addDays, asOfOf, type Source } from './clock'
import { dashboardSummaries, type ReadOptions } from './summaries'
import { GROWTH_SQL, growthWindow, HIST_SQL, LIVE_SQL, type GrowthRow } from './subscriber-growth-summary'

/** The summary-backed dashboard: reads the persisted month × plan movements (see summaries.ts). */
export function subscriberGrowth(ws: Workspace, monthsBack = 12, opts: ReadOptions = {}): SubscriberGrowth {
  const s = dashboardSummaries(ws, opts)
  return cachedResult(ws, `growth:${monthsBack}:${s.key}`, () => {
    const asOf = s.asOf
    const { first, months } = growthWindow(asOf, s.growth.hist, monthsBack)
    const rows = s.dash.prepare('SELECT month, plan, activations, reactivations, disconnects FROM growth WHERE month >= ? ORDER BY month, plan').all(first) as GrowthRow[]
    return { ...assemble(asOf, months, rows, s.growth.live), freshness: s.freshness }
  })
}

/** The direct computation on the base tables (the reference the summary-backed view must equal). */
export function subscriberGrowthDirect(src: Source, monthsBack = 12): SubscriberGrowth {
  const asOf = asOfOf(src)
  const hist = (src.db.prepare(HIST_SQL).get() as { d: string | null }).d
  const { first, months } = growthWindow(asOf, hist, monthsBack)
  const rows = src.db.prepare(GROWTH_SQL).all(`${first}-01`, addDays(asOf, 1)) as GrowthRow[]
  const live = (src.db.prepare(LIVE_SQL).get() as { n: number }).n
  return assemble(asOf, months, rows, live)
}

function assemble(asOf: string, months: string[], rows: GrowthRow[], live: number): SubscriberGrowth {
  const byMonthPlan: SubscriberGrowthRow[] = rows.map((r) => ({
    month: r.month,
    planCode: r.plan,
    activations: r.activations,
    disconnects: r.disconnects,
    netAdds: r.activations + r.reactivations - r.disconnects,
  }))
  // Walk back from today's live count: the end of month M−1 is the end of M minus M's net adds.
  const totals = months.map((m) => {
    const rs = rows.filter((r) => r.month === m)
    const activations = rs.reduce((a, r) => a + r.activations, 0)
    const reactivations = rs.reduce((a, r) => a + r.reactivations, 0)
    const disconnects = rs.reduce((a, r) => a + r.disconnects, 0)
    return { month: m, activations, disconnects, netAdds: activations + reactivations - disconnects, endingActive: 0 }
  })
  let ending = live
  for (let i = totals.length - 1; i >= 0; i--) {
    totals[i].endingActive = ending
    ending -= totals[i].netAdds
  }
  return { asOf, months, byMonth: totals, byMonthPlan, sql: [GROWTH_SQL, LIVE_SQL] }
}
