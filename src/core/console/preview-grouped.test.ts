// The grouped preview (evaluateGrouped: per-group counts from lines_console_cover) must give exactly the per-line
// aggregates: counts by reason, fingerprint, MRR and proration, with and without lines in the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Command } from '../../shared/command/schema'
import type { Workspace } from '../store'
import { loadCatalog } from './catalog'
import { aggregateQuery, evaluate } from './preview-evaluate'
import { evaluateGrouped, groupable, groupsTableReady } from './preview-grouped'
import { planCommand } from './preview-plan'
import { demoWorkspace, TEST_AS_OF } from './test-support'

let ws: Workspace
beforeAll(async () => {
  ws = await demoWorkspace(1500)
  // variety for every rule: suspended, pending, disconnected lines, the plan-change limit, add-ons, tags, an unknown plan
  const set = (sql: string) => ws.db.prepare(sql).run()
  set("UPDATE lines SET plan_changes_month = 4 WHERE id % 17 = 0")
  set("UPDATE lines SET addons = 'HOTSPOT,INTL' WHERE id % 11 = 0")
  set("UPDATE lines SET tags = 'vip' WHERE id % 13 = 0")
  set("UPDATE lines SET status = 'suspended' WHERE id % 23 = 0")
  set("UPDATE lines SET plan_code = 'LEGACY_X' WHERE id % 97 = 0")
})
afterAll(() => ws.close())

const cohort = (where: unknown[]) => ({ kind: 'cohort', where }) as Command['scope']
const SCOPES = [
  cohort([]),
  cohort([{ field: 'status', op: '=', value: 'active' }]),
  cohort([{ field: 'status', op: 'in', value: ['active', 'suspended'] }, { field: 'plan', op: '!=', value: 'DATA_1' }]),
  cohort([{ field: 'tag', op: '!=', value: 'vip' }, { field: 'addon', op: '=', value: 'HOTSPOT' }]),
]
const ACTIONS: Array<Pick<Command, 'action' | 'params'>> = [
  { action: 'change_plan', params: { plan: 'UNL_PLUS' } },
  { action: 'change_plan', params: { plan: 'DATA_5' } },
  { action: 'change_plan', params: { plan: 'NOPE' } },
  { action: 'add_addon', params: { addon: 'HOTSPOT' } },
  { action: 'add_addon', params: { addon: 'TOPUP_1GB' } },
  { action: 'remove_addon', params: { addon: 'INTL' } },
  { action: 'suspend', params: {} },
  { action: 'resume', params: {} },
  { action: 'send_notification', params: { channel: 'sms', message: 'hello there' } },
  { action: 'tag', params: { tag: 'vip' } },
  { action: 'untag', params: { tag: 'vip' } },
] as Array<Pick<Command, 'action' | 'params'>>

function compareAll(): number {
  const ctx = { asOf: TEST_AS_OF, catalog: loadCatalog(ws.db) }
  let n = 0
  for (const scope of SCOPES)
    for (const a of ACTIONS) {
      const cmd = { ...a, scope } as Command
      expect(groupable(cmd, 'lines NOT INDEXED')).toBe(true)
      const plan = planCommand(ws.db, cmd, ctx)
      const perLine = evaluate(ws.db, { ...plan, grouped: false })
      const what = `${cmd.action} ${JSON.stringify(cmd.params)} ${JSON.stringify(scope)}`
      expect(evaluateGrouped(ws.db, plan, 'table'), what).toEqual(perLine)
      expect(evaluateGrouped(ws.db, plan, 'index'), what).toEqual(perLine)
      n += perLine.matched
    }
  return n
}

const KEY = 'status, plan_code, cycle_day, plan_changes_month, addons, tags'
/** console_line_groups (kept by triggers) against a fresh GROUP BY over lines. */
function groupsMatchLines(): void {
  const kept = ws.db.prepare(`SELECT ${KEY}, n, fp FROM console_line_groups WHERE n != 0 ORDER BY ${KEY}`).safeIntegers(true).all()
  const fresh = ws.db
    .prepare(`SELECT ${KEY}, count(*) AS n, sum(id * 4096 + row_version) AS fp FROM lines GROUP BY ${KEY} ORDER BY ${KEY}`)
    .safeIntegers(true)
    .all()
  expect(kept).toEqual(fresh)
  expect(groupsTableReady(ws.db)).toBe(true)
}

describe('grouped preview', () => {
  it('keeps console_line_groups exact through inserts, updates, upserts and deletes', () => {
    groupsMatchLines()
    ws.db.prepare("UPDATE lines SET row_version = row_version + 1, status = 'active' WHERE id % 5 = 0").run()
    ws.db.prepare("UPDATE lines SET account_name = 'x' WHERE id % 3 = 0").run() // not a group column: no trigger work
    const cols = (ws.db.prepare('PRAGMA table_info(lines)').all() as Array<{ name: string }>).map((c) => c.name)
    const copy = cols.map((c) => (c === 'id' ? 'id + 100000' : c === 'msisdn' ? "msisdn || 'x'" : c === 'iccid' ? "iccid || 'x'" : c)).join(', ')
    ws.db.prepare(`INSERT INTO lines (${cols.join(', ')}) SELECT ${copy} FROM lines WHERE id % 9 = 0`).run()
    ws.db.prepare('DELETE FROM lines WHERE id > 100000 AND id % 2 = 0').run()
    ws.db
      .prepare(`INSERT INTO lines (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM lines WHERE id % 10 = 1 ON CONFLICT(id) DO UPDATE SET tags = 'upserted', row_version = row_version + 1`)
      .run()
    groupsMatchLines()
  })

  it('equals the per-line aggregates for every action and cover-index cohort', () => {
    expect(compareAll()).toBeGreaterThan(10_000)
  })

  it('equals them with lines in the outbox (pending_op moves them out of their group)', () => {
    const ids = ws.db.prepare('SELECT id FROM lines WHERE id % 7 = 0').pluck().all() as number[]
    const ins = ws.db.prepare(
      "INSERT INTO operations (batch_id, line_id, action, params, previous, base_version, status, created_at) VALUES ('b-test', ?, 'tag', '{}', '{}', 1, 'pending', '2026-11-15')",
    )
    for (const id of ids) ins.run(id)
    expect(compareAll()).toBeGreaterThan(10_000)
  })

  it('is used for broad cohorts and status ranges, not for other fields or credits', () => {
    const ctx = { asOf: TEST_AS_OF, catalog: loadCatalog(ws.db) }
    expect(planCommand(ws.db, { action: 'suspend', params: {}, scope: cohort([]) } as Command, ctx).grouped).toBe(true)
    expect(planCommand(ws.db, { action: 'suspend', params: {}, scope: cohort([{ field: 'status', op: '=', value: 'active' }]) } as Command, ctx).grouped).toBe(true)
    expect(planCommand(ws.db, { action: 'suspend', params: {}, scope: cohort([{ field: 'state', op: '=', value: 'TX' }]) } as Command, ctx).grouped).toBe(false)
    expect(planCommand(ws.db, { action: 'credit_wallet', params: { amount_cents: 100 }, scope: cohort([]) } as Command, ctx).grouped).toBe(false)
    const plan = planCommand(ws.db, { action: 'change_plan', params: { plan: 'DATA_5' }, scope: cohort([]) } as Command, ctx)
    expect(plan.grouped).toBe(true)
    // the query a preview runs for it reads the groups, not one row per line
    const ran = aggregateQuery(ws.db, plan)
    const ranPlan = (ws.db.prepare(`EXPLAIN QUERY PLAN ${ran.sql}`).all(...ran.params) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
    expect(ranPlan).toMatch(/console_line_groups/)
    expect(ranPlan).not.toMatch(/\bSCAN lines\b/)
    // and what it gives is the per-line evaluation's, whose line count and fingerprint are recounted here in JS
    const grouped = evaluate(ws.db, plan)
    expect(grouped).toEqual(evaluate(ws.db, { ...plan, grouped: false }))
    const lines = ws.db.prepare('SELECT id, row_version FROM lines').all() as Array<{ id: number; row_version: number }>
    expect(grouped.matched).toBe(lines.length)
    expect(grouped.fp).toBe(lines.reduce((s, l) => s + BigInt(l.id) * 4096n + BigInt(l.row_version), 0n).toString())
    // the index fallback reads the cover index only
    const eqp = ws.db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM lines INDEXED BY lines_console_cover WHERE ${plan.scope.sql} GROUP BY status, plan_code, cycle_day, plan_changes_month, addons, tags`)
      .all(...plan.scope.params) as Array<{ detail: string }>
    expect(eqp.map((r) => r.detail).join('; ')).toMatch(/COVERING INDEX lines_console_cover/)
    expect(eqp.map((r) => r.detail).join('; ')).not.toMatch(/TEMP B-TREE/)
  })
})
