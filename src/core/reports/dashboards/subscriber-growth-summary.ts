// Subscriber Growth's summary: every month × plan movement a window can show and today's live count, built once per
// data generation (summary-build.ts); the dashboard (subscriber-growth.ts) cuts its window from them.
import { PLANS } from '../../../shared/domain/catalog'
import { addDays, addMonths, monthsBetween, type Source } from './clock'

const PLAN_LIST = PLANS.map((p) => `'${p.code}'`).join(', ')

/** Reads the covering index line_events_kind_at; the line is looked up only when the event does not name the plan. */
export const GROWTH_SQL = `SELECT substr(e.at, 1, 7) AS month,
  CASE WHEN e.kind = 'activated' AND e.detail IN (${PLAN_LIST}) THEN e.detail ELSE (SELECT l.plan_code FROM lines l WHERE l.id = e.line_id) END AS plan,
  sum(e.kind = 'activated') AS activations,
  sum(e.kind = 'reactivated') AS reactivations,
  sum(e.kind = 'disconnected') AS disconnects
FROM line_events e
WHERE e.kind IN ('activated', 'reactivated', 'disconnected') AND e.at >= ? AND e.at < ?
GROUP BY 1, 2
ORDER BY 1, 2`

export const LIVE_SQL = `SELECT count(*) AS n FROM lines WHERE status IN ('active', 'suspended', 'hotlined')`

export interface GrowthRow {
  month: string
  plan: string
  activations: number
  reactivations: number
  disconnects: number
}

/** What the summary keeps besides the month × plan rows: the history start and today's live count. */
export interface GrowthSummary {
  hist: string | null
  live: number
}

export const HIST_SQL = 'SELECT min(cycle_start) AS d FROM usage_cycles'

/** Every month's movements a window can show (from the history start to the as-of date) and the live count. */
export function buildGrowthSummary(src: Source, asOf: string): { meta: GrowthSummary; rows: GrowthRow[] } {
  const hist = (src.db.prepare(HIST_SQL).get() as { d: string | null }).d
  const { first } = growthWindow(asOf, hist, Number.MAX_SAFE_INTEGER)
  const rows = src.db.prepare(GROWTH_SQL).all(`${first}-01`, addDays(asOf, 1)) as GrowthRow[]
  const live = (src.db.prepare(LIVE_SQL).get() as { n: number }).n
  return { meta: { hist, live }, rows }
}

export function growthWindow(asOf: string, hist: string | null, monthsBack: number): { first: string; months: string[] } {
  const last = asOf.slice(0, 7)
  // Not before the history window: before it the store has the lines that survived, not the ones that left.
  const histMonth = hist ? (hist.endsWith('-01') ? hist.slice(0, 7) : addMonths(hist.slice(0, 7), 1)) : last
  const first = [addMonths(last, -(monthsBack - 1)), histMonth > last ? last : histMonth].sort()[1]
  return { first, months: monthsBetween(first, last) }
}
