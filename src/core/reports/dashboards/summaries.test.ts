import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportsHandlers } from '../handlers'
import { makeTestWorkspace } from '../test-workspace'
import { billShock, billShockDirect } from './bill-shock'
import { clearDashboardCache } from './cache'
import { churnForecast, churnForecastDirect } from './churn-forecast'
import { revenueWaterfall, revenueWaterfallDirect } from './revenue-waterfall'
import { subscriberGrowth, subscriberGrowthDirect } from './subscriber-growth'
import { LEVELS, memoryLogger, rootLogger, setRootLogger } from '../../log'
import { buildInChild, closeDashboardSummaries, refreshDashboardSummaries, summariesPath, summaryStatus } from './summaries'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 3000, months: 6, seed: 9 })
})
afterAll(() => {
  if (t) closeDashboardSummaries(t.ws)
  t?.dispose()
})

const strip = <T extends { freshness?: unknown }>(r: T): Omit<T, 'freshness'> => {
  const { freshness: _, ...rest } = r
  return rest
}
const noTiming = <T extends { elapsedMs: number }>(r: T): T => ({ ...r, elapsedMs: 0 })

/** Every dashboard read from the summaries equals the same dashboard computed on the base tables. */
function expectAllEqualDirect(): void {
  clearDashboardCache(t.ws)
  const ws = t.ws
  expect(strip(subscriberGrowth(ws))).toEqual(subscriberGrowthDirect(ws))
  expect(strip(subscriberGrowth(ws, 3))).toEqual(subscriberGrowthDirect(ws, 3))
  expect(strip(revenueWaterfall(ws))).toEqual(revenueWaterfallDirect(ws))
  expect(strip(revenueWaterfall(ws, { maxMonths: 2 }))).toEqual(revenueWaterfallDirect(ws, { maxMonths: 2 }))
  expect(strip(billShock(ws, 40))).toEqual(billShockDirect(ws, 40))
  expect(noTiming(strip(churnForecast(ws, 60)))).toEqual(noTiming(churnForecastDirect(ws, 60)))
}

describe('dashboard summaries', () => {
  it('built off the main thread (child process) into a sidecar file, they answer exactly like the direct computation', async () => {
    const stats = await refreshDashboardSummaries(t.ws)
    expect(existsSync(summariesPath(t.ws))).toBe(true)
    expect(stats.rows.churnScores).toBeGreaterThan(1000)
    expect(stats.rows.billShock).toBeGreaterThan(0)
    expect(summaryStatus(t.ws).fresh).toBe(true)
    expectAllEqualDirect()
    expect(subscriberGrowth(t.ws).freshness).toMatchObject({ stale: false, refreshing: false })
  })

  it('a sync-applied row change is reflected: stale is flagged (never silent), and the refresh brings the new figures', async () => {
    const asOf = t.ws.meta('as_of')!
    // a capped, active line well into its cycle and under its allowance: push its usage far over
    const line = t.ws.db
      .prepare(
        `SELECT l.id FROM lines l JOIN plans p ON p.code = l.plan_code WHERE l.status = 'active' AND p.data_mb IS NOT NULL
           AND julianday(?) - julianday(l.cycle_start) >= 5 AND l.data_used_mb < p.data_mb / 10 ORDER BY l.id LIMIT 1`,
      )
      .get(asOf) as { id: number }
    const before = billShock(t.ws, 5000)
    expect(before.lineIds).not.toContain(line.id)
    const h = reportsHandlers(t.ws)
    t.ws.db.prepare('UPDATE lines SET data_used_mb = 10000000 WHERE id = ?').run(line.id)
    t.ws.changed(['lines'])
    expect(summaryStatus(t.ws).fresh).toBe(false)
    // the API answers at once from the previous build, flagged stale and refreshing
    const flagged = await h.billShock({ top: 5 })
    expect(flagged.freshness).toMatchObject({ stale: true, refreshing: true })
    expect(flagged.lineIds).not.toContain(line.id)
    await refreshDashboardSummaries(t.ws)
    const fresh = await h.billShock({ top: 5 })
    expect(fresh.freshness).toMatchObject({ stale: false, refreshing: false })
    expect(fresh.top[0].lineId).toBe(line.id)
    expect(fresh.lines).toBe(before.lines + 1)
    expectAllEqualDirect()
  })

  it('a synchronous caller never gets a stale answer: it rebuilds first', () => {
    const asOf = t.ws.meta('as_of')!
    const live = t.ws.db.prepare("SELECT id, plan_code FROM lines WHERE status = 'active' ORDER BY id DESC LIMIT 1").get() as { id: number; plan_code: string }
    const before = subscriberGrowth(t.ws)
    t.ws.db.prepare("UPDATE lines SET status = 'disconnected', disconnected_at = ? WHERE id = ?").run(asOf, live.id)
    t.ws.db.prepare("INSERT INTO line_events (line_id, kind, at, detail) VALUES (?, 'disconnected', ?, 'test')").run(live.id, `${asOf}T12:00:00Z`)
    t.ws.changed(['lines', 'line_events'])
    const after = subscriberGrowth(t.ws)
    expect(after.freshness?.stale).toBe(false)
    const last = (g: typeof before) => g.byMonth[g.byMonth.length - 1]
    expect(last(after).disconnects).toBe(last(before).disconnects + 1)
    expect(last(after).endingActive).toBe(last(before).endingActive - 1)
    expectAllEqualDirect()
  })

  it('rows appended without an announcement are caught by the fingerprint', () => {
    expect(summaryStatus(t.ws).fresh).toBe(true)
    const id = (t.ws.db.prepare("SELECT id FROM lines WHERE status = 'active' ORDER BY id LIMIT 1").get() as { id: number }).id
    t.ws.db
      .prepare("INSERT INTO care_interactions (line_id, account_id, channel, category, summary, agent, created_at) SELECT id, account_id, 'call', 'billing', 'test', 'test', ? FROM lines WHERE id = ?")
      .run(`${t.ws.meta('as_of')}T09:00:00Z`, id)
    expect(summaryStatus(t.ws).fresh).toBe(false)
    expectAllEqualDirect()
  })

  it('changes that cannot move a dashboard (a console commit’s outbox, saved reports) do not invalidate it', () => {
    expect(summaryStatus(t.ws).fresh).toBe(true)
    t.ws.changed(['op_batches', 'operations'])
    t.ws.changed(['saved_reports'])
    expect(summaryStatus(t.ws).fresh).toBe(true)
  })

  it('a change announced while a build holds the summaries file is not lost, and the main thread does not wait for it', () => {
    expect(summaryStatus(t.ws).fresh).toBe(true)
    const other = new Database(summariesPath(t.ws))
    try {
      other.exec('BEGIN IMMEDIATE') // what a build's write looks like from here
      t.ws.changed(['payments'])
      const st = summaryStatus(t.ws)
      expect(st.fresh).toBe(false)
      expect(st.generation).toBe(st.state!.generation + 1)
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    const after = summaryStatus(t.ws)
    expect(after.fresh).toBe(false)
    expect(after.generation).toBe(after.state!.generation + 1)
    expectAllEqualDirect()
    expect(summaryStatus(t.ws).fresh).toBe(true)
  })

  it('the first view through the API waits for a build off the main thread, then answers fresh', async () => {
    const w = await makeTestWorkspace({ lines: 800, months: 4, seed: 3 })
    try {
      expect(existsSync(summariesPath(w.ws))).toBe(false)
      const c = await reportsHandlers(w.ws).churnForecast({ top: 10 })
      expect(existsSync(summariesPath(w.ws))).toBe(true)
      expect(c.freshness).toMatchObject({ stale: false, refreshing: false })
      expect(noTiming(strip(c))).toEqual(noTiming(churnForecastDirect(w.ws, 10)))
    } finally {
      closeDashboardSummaries(w.ws)
      w.dispose()
    }
  })
})

describe('the dashboards child process', () => {
  it("logs a failed build into the parent's log, with the child's name and the stack", async () => {
    const { log, records } = memoryLogger()
    const before = rootLogger()
    setRootLogger(log)
    try {
      const dir = mkdtempSync(join(tmpdir(), 'dash-child-'))
      // not a workspace: the child's build fails on opening it
      await expect(buildInChild(join(dir, 'missing.sqlite'), join(dir, 'out.dashboards'))).rejects.toThrow(/building the dashboard summaries failed/)
      const rec = records.find((r) => r.worker === 'dashboards-builder')
      expect(rec).toMatchObject({ level: LEVELS.error, msg: 'building the dashboard summaries failed' })
      expect((rec?.err as { stack?: string } | undefined)?.stack).toMatch(/summary-build|dashboards\.process/)
      rmSync(dir, { recursive: true, force: true })
    } finally {
      setRootLogger(before)
    }
  })
})
