// Churn Forecast's summary: each live line's risk of being disconnected within the next cycle (30 days), from a
// logistic regression trained on the workspace's own history. Built once per data generation (summary-build.ts); the
// dashboard (churn-forecast.ts) reads the model and cuts its top list from the persisted scores.
//
// Snapshots are dates D relative to the as-of date A. For a line live at D, the features use only what was known at D
// (payments, invoices, care contacts, completed cycles); the label is "a disconnection event in (D, D + 30]".
// Backtest: D = A − 30, so the label window is the last complete 30 days. Training: D = A − 60, A − 67, … (label windows
// end before the backtest's starts), as far back as the history allows. The model shown and used for scoring is refit on
// training + backtest snapshots. Large workspaces are sampled (deterministically, by line id) for training and
// backtest; scoring covers every live line, in SQL, with the model's coefficients bound as parameters.
import { performance } from 'node:perf_hooks'
import type { ChurnForecast } from '../../../shared/api/reports'
import { accuracy, auc, precisionAtK, rawCoefficients, train, type Model } from './churn-model'
import { addDays, type Source } from './clock'

export const CHURN_FEATURES = ['failure_streak', 'failed_payments_90d', 'days_past_due', 'in_dunning', 'care_contacts_30d', 'tenure_log_months', 'usage_trend', 'business', 'homefi', 'iot'] as const

const HORIZON = 30
const SAMPLE_PER_SNAPSHOT = 12_000
/** Reach-like dunning disconnects on day 14 past due: a line inside that window is on the clock. */
const DUNNING_DISCONNECT_DAY = 14
const TRAIN_SNAPSHOTS = 2

/**
 * Features of the lines live at @d, for a deterministic sample: every @step-th line id (a stride over the id space
 * reads only the sampled rows). The label subquery must seek by line (line_events_line), hence `+e.kind`: with a plain
 * `e.kind =` the planner may pick line_events_kind_at and scan a month of disconnections for every line.
 */
const SNAPSHOT_SQL = `WITH RECURSIVE ids(id) AS (
  SELECT 1 UNION ALL SELECT id + @step FROM ids WHERE id + @step <= @maxId
), base AS (
  SELECT l.id, l.account_id, l.activated_at, l.account_type, p.kind,
    CASE WHEN CAST(strftime('%d', @d) AS INTEGER) >= l.cycle_day
      THEN date(@d, 'start of month', '+' || (l.cycle_day - 1) || ' days')
      ELSE date(@d, 'start of month', '-1 month', '+' || (l.cycle_day - 1) || ' days') END AS cs
  FROM ids JOIN lines l ON l.id = ids.id JOIN plans p ON p.code = l.plan_code
  WHERE l.activated_at <= @d AND (l.disconnected_at IS NULL OR l.disconnected_at > @d) AND l.status <> 'pending'
)
SELECT b.id,
  min(12, (SELECT count(*) FROM payments f WHERE f.account_id = b.account_id AND f.status = 'failed' AND f.created_at < date(@d, '+1 day')
     AND f.created_at > coalesce((SELECT max(s.created_at) FROM payments s WHERE s.account_id = b.account_id AND s.status = 'succeeded' AND s.created_at < date(@d, '+1 day')), ''))) AS failure_streak,
  (SELECT count(*) FROM payments f WHERE f.account_id = b.account_id AND f.status = 'failed' AND f.created_at >= date(@d, '-89 days') AND f.created_at < date(@d, '+1 day')) AS failed_90d,
  min(60, coalesce(julianday(@d) - julianday((SELECT min(i.due_at) FROM invoices i WHERE i.account_id = b.account_id AND i.status <> 'void'
     AND i.due_at < @d AND (i.paid_at IS NULL OR i.paid_at > @d))), 0)) AS days_past_due,
  0 AS in_dunning,
  (SELECT count(*) FROM care_interactions c WHERE c.line_id = b.id AND c.created_at >= date(@d, '-29 days') AND c.created_at < date(@d, '+1 day'))
   + (SELECT count(*) FROM care_interactions c WHERE c.account_id = b.account_id AND c.line_id IS NULL AND c.created_at >= date(@d, '-29 days') AND c.created_at < date(@d, '+1 day')) AS care,
  ln(1 + max(0, julianday(@d) - julianday(b.activated_at)) / 30.4) AS tenure,
  ln((coalesce((SELECT u.data_mb FROM usage_cycles u WHERE u.line_id = b.id AND u.cycle_start = date(b.cs, '-1 month')), 0) + 1.0)
   / (coalesce((SELECT u.data_mb FROM usage_cycles u WHERE u.line_id = b.id AND u.cycle_start = date(b.cs, '-2 months')), 0) + 1.0)) AS trend,
  b.account_type = 'business' AS business, b.kind = 'homefi' AS homefi, b.kind = 'iot' AS iot,
  EXISTS (SELECT 1 FROM line_events e WHERE e.line_id = b.id AND +e.kind = 'disconnected' AND e.at >= date(@d, '+1 day') AND e.at < date(@d, '+${HORIZON + 1} days')) AS label
FROM base b`

/**
 * Every live line at A, scored: the same features, read from the line's denormalized account figures (which are the
 * as-of values of failure streak and days past due) and its last two completed cycles. `+l.status` and CROSS JOIN keep the scan in
 * rowid order (sequential, and the usage lookups then walk their primary key in order) instead of through an index. @asOf = A, @b = intercept, @w0.. = coefficients.
 */
const SCORE_SQL = `WITH failed AS MATERIALIZED (
  SELECT account_id, count(*) AS n FROM payments WHERE status = 'failed' AND created_at >= date(@asOf, '-89 days') AND created_at < date(@asOf, '+1 day') GROUP BY account_id
), care AS MATERIALIZED (
  SELECT line_id, count(*) AS n FROM care_interactions WHERE line_id IS NOT NULL AND created_at >= date(@asOf, '-29 days') AND created_at < date(@asOf, '+1 day') GROUP BY line_id
), acare AS MATERIALIZED (
  SELECT account_id, count(*) AS n FROM care_interactions WHERE line_id IS NULL AND created_at >= date(@asOf, '-29 days') AND created_at < date(@asOf, '+1 day') GROUP BY account_id
)
SELECT l.id, @b
  + @w0 * min(12, l.failed_payments)
  + @w1 * coalesce(fp.n, 0)
  + @w2 * min(60, l.days_past_due)
  + @w3 * (l.days_past_due BETWEEN 1 AND ${DUNNING_DISCONNECT_DAY - 1})
  + @w4 * (coalesce(c.n, 0) + coalesce(ac.n, 0))
  + @w5 * ln(1 + max(0, julianday(@asOf) - julianday(l.activated_at)) / 30.4)
  + @w6 * ln((coalesce(u1.data_mb, 0) + 1.0) / (coalesce(u2.data_mb, 0) + 1.0))
  + @w7 * (l.account_type = 'business') + @w8 * (p.kind = 'homefi') + @w9 * (p.kind = 'iot') AS logit
FROM lines l
CROSS JOIN plans p ON p.code = l.plan_code
LEFT JOIN failed fp ON fp.account_id = l.account_id
LEFT JOIN care c ON c.line_id = l.id
LEFT JOIN acare ac ON ac.account_id = l.account_id
LEFT JOIN usage_cycles u1 ON u1.line_id = l.id AND u1.cycle_start = date(l.cycle_start, '-1 month')
LEFT JOIN usage_cycles u2 ON u2.line_id = l.id AND u2.cycle_start = date(l.cycle_start, '-2 months')
WHERE +l.status IN ('active', 'suspended', 'hotlined')`

interface Sample {
  X: number[][]
  y: number[]
  /** the failure streak, for the rule-of-thumb baseline */
  streak: number[]
}

export function snapshot(ws: Source, d: string, step: number): Sample {
  const maxId = (ws.db.prepare('SELECT max(id) AS m FROM lines').get() as { m: number | null }).m ?? 0
  const rows = ws.db.prepare(SNAPSHOT_SQL).raw(true).all({ d, step, maxId }) as number[][]
  const X = rows.map((r) => r.slice(1, 11).map(Number))
  for (const x of X) x[3] = x[2] >= 1 && x[2] < DUNNING_DISCONNECT_DAY ? 1 : 0
  return {
    X,
    y: rows.map((r) => Number(r[11])),
    streak: rows.map((r) => Number(r[1]) * 1000 + Number(r[2]) * 10 + Number(r[3]) / 100),
  }
}

const merge = (a: Sample, b: Sample): Sample => ({ X: [...a.X, ...b.X], y: [...a.y, ...b.y], streak: [...a.streak, ...b.streak] })

export const logistic = (z: number) => 1 / (1 + Math.exp(-z))

function scoreSample(m: Model, s: Sample): number[] {
  const { intercept, coef } = rawCoefficients(m)
  return s.X.map((x) => logistic(x.reduce((a, v, j) => a + coef[j] * v, intercept)))
}

/** What the summary keeps of a build: everything the dashboard shows but the top list (cut from the persisted scores). */
export type ChurnSummary = Omit<ChurnForecast, 'top' | 'freshness'>

/** Trains the model and scores every live line: the expensive part, done once per data generation. */
export function buildChurnSummary(ws: Source, asOf: string): { summary: ChurnSummary; scored: Array<[number, number]> } {
  const t0 = performance.now()
  const live = (ws.db.prepare("SELECT count(*) AS n FROM lines WHERE status IN ('active', 'suspended', 'hotlined')").get() as { n: number }).n
  const step = Math.max(1, Math.floor(live / SAMPLE_PER_SNAPSHOT))
  const historyStart = (ws.db.prepare('SELECT min(cycle_start) AS d FROM usage_cycles').get() as { d: string | null }).d ?? asOf

  const backtestAt = addDays(asOf, -HORIZON)
  const trainAt: string[] = []
  for (let k = 0; k < TRAIN_SNAPSHOTS; k++) {
    const d = addDays(asOf, -2 * HORIZON - 7 * k)
    if (k > 0 && d < addDays(historyStart, 21)) break
    trainAt.push(d)
  }
  const trainSet = trainAt.map((d) => snapshot(ws, d, step)).reduce(merge)
  const backtest = snapshot(ws, backtestAt, step)

  const features = [...CHURN_FEATURES]
  const model = train(features, trainSet.X, trainSet.y)
  const scores = scoreSample(model, backtest)
  const positives = backtest.y.reduce((a, b) => a + b, 0)
  const n = backtest.y.length
  // precision among the top 1% of lines by risk: the size of a retention campaign
  const k = Math.max(10, Math.round(n / 100))
  const metrics = {
    n,
    positives,
    accuracy: accuracy(scores, backtest.y),
    auc: auc(scores, backtest.y),
    precisionAtK: precisionAtK(scores, backtest.y, k),
    k,
    baselineAccuracy: n ? 1 - positives / n : 0,
    baselinePrecisionAtK: precisionAtK(backtest.streak, backtest.y, k),
    baseRate: n ? positives / n : 0,
  }

  // Refit on everything labeled, then score every live line in SQL.
  const final = train(features, [...trainSet.X, ...backtest.X], [...trainSet.y, ...backtest.y])
  const { intercept, coef } = rawCoefficients(final)
  const scored = ws.db.prepare(SCORE_SQL).raw(true).all({ asOf, b: intercept, ...Object.fromEntries(coef.map((c, j) => [`w${j}`, c])) }) as Array<[number, number]>
  const bands = [
    { band: '≥ 50%', lo: 0.5, lines: 0 },
    { band: '20–50%', lo: 0.2, lines: 0 },
    { band: '5–20%', lo: 0.05, lines: 0 },
    { band: '< 5%', lo: -1, lines: 0 },
  ]
  let expected = 0
  for (const [, z] of scored) {
    const p = logistic(z)
    expected += p
    bands.find((b) => p >= b.lo)!.lines++
  }
  const summary: ChurnSummary = {
    asOf,
    trainMonths: trainAt,
    backtestMonth: `${addDays(backtestAt, 1)} … ${asOf}`,
    scoreMonth: `${addDays(asOf, 1)} … ${addDays(asOf, HORIZON)}`,
    features,
    weights: features.map((f, j) => ({ feature: f, weight: final.w[j] })),
    metrics,
    activeLines: scored.length,
    expectedChurners: Math.round(expected),
    riskBands: bands.map((b) => ({ band: b.band, lines: b.lines })),
    elapsedMs: performance.now() - t0,
  }
  return { summary, scored }
}
