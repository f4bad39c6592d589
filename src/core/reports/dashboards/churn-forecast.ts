// Churn Forecast, the dashboard: the model and metrics of the last summaries build, and the riskiest lines by their
// persisted scores. How the model is trained, backtested and scored: churn-forecast-summary.ts.
import type { ChurnForecast, ChurnRiskLine } from '../../../shared/api/reports'
import type { Workspace } from '../../store'
import { cachedResult } from './cache'
import { buildChurnSummary, logistic } from './churn-forecast-summary'
import { asOfOf, type Source } from './clock'
import { dashboardSummaries, type ReadOptions } from './summaries'

const DETAIL_SQL = `SELECT l.id, l.msisdn, l.account_id, l.account_name, l.plan_code, l.status, l.failed_payments, l.days_past_due,
  CAST((julianday(@asOf) - julianday(l.activated_at)) / 30.4 AS INTEGER) AS tenure,
  (SELECT count(*) FROM care_interactions c WHERE c.line_id = l.id AND c.created_at >= date(@asOf, '-29 days') AND c.created_at < date(@asOf, '+1 day')) AS care
FROM lines l WHERE l.id = @id`

/** The summary-backed dashboard: the model, metrics and bands of the last build; the top lines by persisted score. */
export function churnForecast(ws: Workspace, top = 100, opts: ReadOptions = {}): ChurnForecast {
  const s = dashboardSummaries(ws, opts)
  return cachedResult(ws, `churn:${top}:${s.key}`, () => {
    const ranked = s.dash.prepare('SELECT line_id, logit FROM churn_scores ORDER BY logit DESC, line_id LIMIT ?').raw(true).all(top) as Array<[number, number]>
    return { ...s.churn, top: topLines(ws, s.asOf, ranked), freshness: s.freshness }
  })
}

/** The direct computation on the base tables (the reference the summary-backed view must equal). */
export function churnForecastDirect(ws: Source, top = 100): ChurnForecast {
  const asOf = asOfOf(ws)
  const { summary, scored } = buildChurnSummary(ws, asOf)
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  return { ...summary, top: topLines(ws, asOf, scored.slice(0, top)) }
}

/** `ranked`: [line id, logit], riskiest first. */
function topLines(ws: Source, asOf: string, ranked: Array<[number, number]>): ChurnRiskLine[] {
  const detail = ws.db.prepare(DETAIL_SQL)
  return ranked.map(([id, z]) => {
    const r = detail.get({ asOf, id }) as { id: number; msisdn: string; account_id: string; account_name: string; plan_code: string; status: string; failed_payments: number; days_past_due: number; tenure: number; care: number }
    return {
      lineId: r.id,
      msisdn: r.msisdn,
      accountId: r.account_id,
      accountName: r.account_name,
      planCode: r.plan_code,
      status: r.status,
      risk: logistic(z),
      failedPayments: r.failed_payments,
      daysPastDue: r.days_past_due,
      careContacts: r.care,
      tenureMonths: r.tenure,
    }
  })
}
