import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestWorkspace } from '../test-workspace'
import { billShock } from './bill-shock'
import { clearDashboardCache } from './cache'
import { churnForecast } from './churn-forecast'
import { auc, precisionAtK, train } from './churn-model'
import { revenueWaterfall } from './revenue-waterfall'
import { subscriberGrowth } from './subscriber-growth'
import { closeDashboardSummaries } from './summaries'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 4000, months: 6, seed: 5 })
})
afterAll(() => {
  if (t) closeDashboardSummaries(t.ws)
  t?.dispose()
})

describe('revenue waterfall', () => {
  it('closes every month: opening + new + expansion − contraction − churn = closing, and closing carries over', () => {
    const w = revenueWaterfall(t.ws)
    expect(w.months.length).toBeGreaterThanOrEqual(3)
    w.months.forEach((m, i) => {
      expect(m.openingCents + m.newCents + m.expansionCents - m.contractionCents - m.churnCents).toBe(m.closingCents)
      if (i > 0) expect(m.openingCents).toBe(w.months[i - 1].closingCents)
      expect(m.newCents).toBeGreaterThan(0)
      expect(m.churnCents).toBeGreaterThan(0)
    })
  })

  it('closing MRR equals the recurring charges on that month’s invoices, computed independently', () => {
    const w = revenueWaterfall(t.ws)
    for (const m of w.months) {
      const r = t.ws.db
        .prepare(
          `SELECT sum(it.amount_cents) AS c, count(DISTINCT it.line_id) AS n FROM invoices i JOIN invoice_items it ON it.invoice_id = i.id
           WHERE i.period = ? AND i.status <> 'void' AND it.kind IN ('plan', 'addon') AND it.line_id IS NOT NULL`,
        )
        .get(m.month) as { c: number; n: number }
      expect(m.closingCents).toBe(r.c)
      expect(m.closingLines).toBe(r.n)
    }
  })
})

describe('subscriber growth', () => {
  it('net adds = activations (+ reactivations) − disconnects, and ending counts chain', () => {
    const g = subscriberGrowth(t.ws)
    expect(g.byMonth.length).toBeGreaterThan(3)
    const live = (t.ws.db.prepare("SELECT count(*) AS n FROM lines WHERE status IN ('active', 'suspended', 'hotlined')").get() as { n: number }).n
    expect(g.byMonth[g.byMonth.length - 1].endingActive).toBe(live)
    for (let i = 1; i < g.byMonth.length; i++) expect(g.byMonth[i].endingActive - g.byMonth[i - 1].endingActive).toBe(g.byMonth[i].netAdds)
    const disc = t.ws.db.prepare("SELECT count(*) AS n FROM line_events WHERE kind = 'disconnected' AND substr(at, 1, 7) = ?").get(g.months[1]) as { n: number }
    expect(g.byMonth[1].disconnects).toBe(disc.n)
    expect(g.byMonthPlan.filter((r) => r.month === g.months[1]).reduce((a, r) => a + r.disconnects, 0)).toBe(disc.n)
  })
})

describe('churn forecast', () => {
  it('trains on the history, backtests on the last 30 days and beats the trivial baselines', () => {
    clearDashboardCache(t.ws)
    const f = churnForecast(t.ws, 25)
    const m = f.metrics
    expect(m.positives).toBeGreaterThan(20)
    expect(m.auc).toBeGreaterThan(0.55)
    // "nobody churns" is the trivial accuracy baseline; the model must not do worse
    expect(m.accuracy).toBeGreaterThanOrEqual(m.baselineAccuracy - 0.002)
    // the top 1% by risk holds churners at several times the base rate
    expect(m.precisionAtK).toBeGreaterThan(3 * m.baseRate)
    // dunning drives part of the churn in the demo data: the failure streak must carry a positive weight
    expect(f.weights.find((w) => w.feature === 'failure_streak')!.weight).toBeGreaterThan(0)
    expect(f.top.length).toBe(25)
    expect(f.top[0].risk).toBeGreaterThanOrEqual(f.top[24].risk)
    expect(f.riskBands.reduce((a, b) => a + b.lines, 0)).toBe(f.activeLines)
  })

  it('the model learns a planted signal; metrics behave', () => {
    let seed = 7
    const r = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const X: number[][] = []
    const y: number[] = []
    for (let i = 0; i < 4000; i++) {
      const a = r() * 4
      X.push([a, r()])
      y.push(r() < 1 / (1 + Math.exp(-(1.5 * a - 5))) ? 1 : 0)
    }
    const m = train(['signal', 'noise'], X, y)
    expect(m.w[0] / m.std[0]).toBeGreaterThan(1.2)
    expect(Math.abs(m.w[1])).toBeLessThan(0.15)
    expect(auc([0.1, 0.2, 0.9, 0.8], [0, 0, 1, 1])).toBe(1)
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5)
    expect(precisionAtK([0.9, 0.1, 0.8], [1, 0, 0], 2)).toBe(0.5)
  })
})

describe('bill shock', () => {
  it('lists lines projected past their allowance, with the projection shown', () => {
    const b = billShock(t.ws, 20)
    expect(b.lines).toBeGreaterThan(0)
    expect(b.lineIds.length).toBe(b.lines)
    for (const l of b.top) {
      expect(l.projectedMb).toBeGreaterThan(l.allowanceMb)
      expect(Math.abs(l.projectedMb - Math.round((l.usedMb * l.cycleDays) / l.daysElapsed))).toBeLessThanOrEqual(1)
    }
    expect(b.byPlan.reduce((a, p) => a + p.lines, 0)).toBe(b.lines)
    expect(b.byPlan.map((p) => p.planCode)).not.toContain('UNL_PLUS')
  })

  it('finds exactly the lines a projection recomputed here in JS finds', () => {
    const b = billShock(t.ws, 20)
    const bucket = new Map((t.ws.db.prepare('SELECT code, data_mb FROM plans').all() as Array<{ code: string; data_mb: number | null }>).map((p) => [p.code, p.data_mb]))
    type Row = { id: number; status: string; plan_code: string; data_used_mb: number; topup_mb: number; cycle_start: string }
    const rows = t.ws.db.prepare('SELECT id, status, plan_code, data_used_mb, topup_mb, cycle_start FROM lines').all() as Row[]
    const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000
    const expected = rows.flatMap((r) => {
      const mb = bucket.get(r.plan_code)
      if (r.status !== 'active' || mb === null || mb === undefined) return []
      const elapsed = day(b.asOf) - day(r.cycle_start) + 1
      // a cycle that starts on day D runs to day D of the next month: as many days as D's month has
      const len = new Date(Date.UTC(Number(r.cycle_start.slice(0, 4)), Number(r.cycle_start.slice(5, 7)), 0)).getUTCDate()
      if (elapsed < 3 || elapsed > len) return []
      const projected = Math.round((r.data_used_mb * len) / elapsed)
      const allowance = mb + r.topup_mb
      return projected > allowance ? [{ id: r.id, plan: r.plan_code, used: r.data_used_mb, projected, allowance, elapsed, len }] : []
    })
    expected.sort((x, y) => y.projected - y.allowance - (x.projected - x.allowance) || x.id - y.id)
    expect(expected.length).toBeGreaterThan(0)
    expect(b.lines).toBe(expected.length)
    expect(b.lineIds).toEqual(expected.map((e) => e.id))
    expect(b.top.map((l) => [l.lineId, l.usedMb, l.daysElapsed, l.cycleDays, l.projectedMb, l.allowanceMb])).toEqual(
      expected.slice(0, 20).map((e) => [e.id, e.used, e.elapsed, e.len, e.projected, e.allowance]),
    )
    const byPlan = new Map<string, { lines: number; overshootMb: number }>()
    for (const e of expected) {
      const p = byPlan.get(e.plan) ?? { lines: 0, overshootMb: 0 }
      byPlan.set(e.plan, { lines: p.lines + 1, overshootMb: p.overshootMb + e.projected - e.allowance })
    }
    expect(Object.fromEntries(b.byPlan.map((p) => [p.planCode, { lines: p.lines, overshootMb: p.overshootMb }]))).toEqual(Object.fromEntries(byPlan))
  })
})
