import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Command } from '../../shared/command/schema'
import type { Workspace } from '../store'
import { callerFor, demoWorkspace, failure, pinLines, TEST_AS_OF } from './test-support'

let ws: Workspace
let api: ReturnType<typeof callerFor>

beforeEach(async () => {
  ws = await demoWorkspace(1500)
  api = callerFor(ws)
})
afterEach(() => ws.close())

const cmd = (c: Command): Command => c

function setLine(id: number, cols: Record<string, unknown>): void {
  const keys = Object.keys(cols)
  ws.db.prepare(`UPDATE lines SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => cols[k]), id)
}
const list = (ls: Array<{ msisdn: string }>) => ({ kind: 'list' as const, source: 'fixture.csv', msisdns: ls.map((l) => l.msisdn) })

describe('preview', () => {
  it('computes blocked reasons and money by hand on a fixture', async () => {
    expect(ws.meta('as_of')).toBe(TEST_AS_OF)
    const [l1, l2, l3, l4, l5, l6] = pinLines(ws, 6)
    setLine(l1.id, { plan_code: 'DATA_5', cycle_day: 5 }) // cycle 11-05 → 12-05: 30 days, 20 left on 11-15
    setLine(l2.id, { plan_code: 'DATA_1', cycle_day: 20 }) // cycle 10-20 → 11-20: 31 days, 5 left
    setLine(l3.id, { plan_code: 'DATA_15' })
    setLine(l4.id, { plan_code: 'DATA_5', status: 'suspended' })
    setLine(l5.id, { plan_code: 'DATA_5', plan_changes_month: 4 })
    setLine(l6.id, { plan_code: 'DATA_5', status: 'disconnected' })
    await api.console.session.signInDemo({ role: 'operator' })
    const p = await api.console.preview({ sentence: 'move them to 15GB', command: cmd({ action: 'change_plan', params: { plan: 'DATA_15' }, scope: list([l1, l2, l3, l4, l5, l6]) }) })
    expect(p.matched).toBe(6)
    expect(p.affected).toBe(2)
    expect(p.blocked).toBe(4)
    expect(Object.fromEntries(p.blockedReasons.map((r) => [r.code, r.count]))).toEqual({
      already_on_plan: 1,
      suspended_plan_change: 1,
      plan_change_limit: 1,
      disconnected: 1,
    })
    // +1000 (DATA_5 → DATA_15) and +1800 (DATA_1 → DATA_15)
    expect(p.money.mrrDeltaCents).toBe(2800)
    // round(1000·20/30 + 1800·5/31) = round(666.67 + 290.32) = 957 (rounded once per batch)
    expect(p.money.prorationCents).toBe(957)
    expect(p.money.creditsCents).toBe(0)
    expect(p.canCommit).toBe(true)

    const rows = await api.console.previewRows({ previewId: p.previewId, which: 'affected' })
    expect(rows.rowCount).toBe(2)
    expect(rows.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([l1.id, l2.id].sort((a, b) => a - b))
    const blocked = await api.console.previewRows({ previewId: p.previewId, which: 'plan_change_limit' })
    expect(blocked.rows.map((r) => r.id)).toEqual([l5.id])
    expect(blocked.rows[0].blockedLabel).toMatch(/at most 4 plan changes/)
  })

  it('prices recurring add-ons, removals and credits', async () => {
    const [l1, l2, l3] = pinLines(ws, 3)
    setLine(l1.id, { cycle_day: 5 })
    setLine(l2.id, { cycle_day: 20 })
    setLine(l3.id, { cycle_day: 5, addons: 'HOTSPOT' })
    const add = await api.console.preview({ command: cmd({ action: 'add_addon', params: { addon: 'INTL' }, scope: list([l1, l2]) }) })
    expect(add.money.mrrDeltaCents).toBe(2000)
    expect(add.money.prorationCents).toBe(828) // round(1000·20/30 + 1000·5/31) = round(827.96)
    const rm = await api.console.preview({ command: cmd({ action: 'remove_addon', params: { addon: 'HOTSPOT' }, scope: list([l1, l3]) }) })
    expect(rm.affected).toBe(1)
    expect(rm.blockedReasons).toEqual([{ code: 'lacks_addon', label: 'does not have HOTSPOT', count: 1 }])
    expect(rm.money.mrrDeltaCents).toBe(-1000)
    expect(rm.money.prorationCents).toBe(-667)
    const topup = await api.console.preview({ command: cmd({ action: 'add_addon', params: { addon: 'TOPUP_1GB' }, scope: list([l1, l2]) }) })
    expect(topup.money).toEqual({ mrrDeltaCents: 0, prorationCents: 0, creditsCents: 0, oneTimeCents: 1000 })
    const credit = await api.console.preview({ command: cmd({ action: 'credit_wallet', params: { amount_cents: 500 }, scope: list([l1, l2, l3]) }) })
    expect(credit.money.creditsCents).toBe(1500)
  })

  it('blocks suspend/resume by status and warns on an empty where', async () => {
    const [a, b] = pinLines(ws, 2)
    setLine(b.id, { status: 'suspended' })
    const s = await api.console.preview({ command: cmd({ action: 'suspend', params: {}, scope: list([a, b]) }) })
    expect(s.blockedReasons.map((r) => r.code)).toEqual(['already_suspended'])
    const r = await api.console.preview({ command: cmd({ action: 'resume', params: {}, scope: list([a, b]) }) })
    expect(r.blockedReasons.map((x) => x.code)).toEqual(['not_suspended'])
    expect(r.affected).toBe(1)
    const all = await api.console.preview({ command: cmd({ action: 'tag', params: { tag: 'everyone' }, scope: { kind: 'cohort', where: [] } }) })
    expect(all.matched).toBe(1500)
    expect(all.warnings.join(' ')).toMatch(/EVERY line/)
  })

  it('refuses commands outside the contract with a typed error', async () => {
    expect(await failure(api.console.preview({ command: { action: 'delete', params: {}, scope: { kind: 'cohort', where: [] } } as unknown as Command }))).toMatchObject({ code: 'BAD_INPUT' })
    expect(await failure(api.console.commit({ previewId: 'pv-nope' }))).toMatchObject({ code: 'FORBIDDEN' })
    await api.console.session.signInDemo({ role: 'admin' })
    expect(await failure(api.console.commit({ previewId: 'pv-nope' }))).toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('carrier provisioning limit', () => {
  it('blocks a suspend or resume on a line that has had 5 provisioning actions on the clock day, as the server would', async () => {
    const [l1, l2, l3] = pinLines(ws, 3)
    const ev = ws.db.prepare("INSERT INTO line_events (line_id, at, kind) VALUES (?, ?, ?)")
    const day = TEST_AS_OF
    // l1: five provisioning events today → blocked
    for (const [i, k] of ['suspended', 'resumed', 'suspended', 'resumed', 'reactivated'].entries()) ev.run(l1.id, `${day}T0${i}:00:00Z`, k)
    // l2: five yesterday → not blocked
    for (let i = 0; i < 5; i++) ev.run(l2.id, `2026-11-14T0${i}:00:00Z`, i % 2 ? 'resumed' : 'suspended')
    // l3: four today plus a hotline and a plan change (not provisioning actions) → not blocked
    for (const [i, k] of ['suspended', 'resumed', 'suspended', 'resumed', 'hotlined', 'plan_changed'].entries()) ev.run(l3.id, `${day}T0${i}:00:00Z`, k)
    await api.console.session.signInDemo({ role: 'operator' })

    const byList = await api.console.preview({ command: cmd({ action: 'suspend', params: {}, scope: list([l1, l2, l3]) }) })
    expect(byList.affected).toBe(2)
    expect(byList.blockedReasons).toEqual([{ code: 'provisioning_limit', label: 'carrier allows at most 5 provisioning actions per line per day', count: 1 }])
    const rows = await api.console.previewRows({ previewId: byList.previewId, which: 'provisioning_limit' })
    expect(rows.rows.map((r) => r.id)).toEqual([l1.id])

    // a broad cohort is counted from the line groups; the limited line is corrected one by one
    const active = (ws.db.prepare("SELECT count(*) AS n FROM lines WHERE status = 'active'").get() as { n: number }).n
    const cohort = await api.console.preview({ command: cmd({ action: 'suspend', params: {}, scope: { kind: 'cohort', where: [{ field: 'status', op: '=', value: 'active' }] } }) })
    expect(cohort.matched).toBe(active)
    expect(cohort.affected).toBe(active - 1)
    expect(cohort.blockedReasons.find((r) => r.code === 'provisioning_limit')?.count).toBe(1)

    // the commit sends no op for the limited line
    const c = await api.console.commit({ previewId: byList.previewId })
    expect(c.ops).toBe(2)
    const sent = ws.db.prepare('SELECT line_id FROM operations WHERE batch_id = ? ORDER BY line_id').all(c.batchId) as Array<{ line_id: number }>
    expect(sent.map((o) => o.line_id)).toEqual([l2.id, l3.id].sort((a, b) => a - b))

    // other actions are not provisioning actions
    const tag = await api.console.preview({ command: cmd({ action: 'tag', params: { tag: 'x' }, scope: list([l1]) }) })
    expect(tag.affected).toBe(1)
  })
})

describe('commit', () => {
  it('writes exactly the previewed ids at the previewed versions, with the batch record', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const command = cmd({ action: 'tag', params: { tag: 'follow-up' }, scope: { kind: 'cohort', where: [{ field: 'state', op: 'in', value: ['TX', 'CA', 'FL'] }] } })
    const p = await api.console.preview({ sentence: 'tag TX CA FL for follow-up', command, parser: 'local' })
    expect(p.affected).toBeGreaterThan(10)
    const expected = ws.db
      .prepare("SELECT id, row_version FROM lines WHERE state IN ('TX','CA','FL') AND instr(',' || tags || ',', ',follow-up,') = 0 ORDER BY id")
      .all() as Array<{ id: number; row_version: number }>
    expect(p.affected).toBe(expected.length)
    const c = await api.console.commit({ previewId: p.previewId })
    expect(c).toMatchObject({ kind: 'commit', ops: expected.length, status: 'pending' })
    const ops = ws.db.prepare('SELECT line_id, base_version, action, params, previous, status FROM operations WHERE batch_id = ? ORDER BY seq').all(c.batchId) as Array<{
      line_id: number
      base_version: number
      action: string
      params: string
      previous: string
      status: string
    }>
    expect(ops.map((o) => [o.line_id, o.base_version])).toEqual(expected.map((e) => [e.id, e.row_version]))
    expect(new Set(ops.map((o) => o.status))).toEqual(new Set(['pending']))
    expect(JSON.parse(ops[0].params)).toEqual({ tag: 'follow-up' })
    expect(Object.keys(JSON.parse(ops[0].previous)).sort()).toEqual(['addons', 'plan', 'status', 'tags', 'wallet_cents'])
    const b = ws.db.prepare('SELECT * FROM op_batches WHERE id = ?').get(c.batchId) as Record<string, unknown>
    expect(b).toMatchObject({ actor: 'demo-operator', role: 'operator', kind: 'commit', sentence: 'tag TX CA FL for follow-up', parser: 'local', matched: p.matched, blocked: p.blocked })
    expect(JSON.parse(b.command as string)).toEqual(command)
    expect(b.canonical).toBe(p.canonical)
    // the same preview cannot be committed twice
    expect(await failure(api.console.commit({ previewId: p.previewId }))).toMatchObject({ code: 'CONFLICT' })
    // the lines now have a pending op: a second command on them is blocked instead of conflicting later
    const again = await api.console.preview({ command: cmd({ action: 'untag', params: { tag: 'follow-up' }, scope: command.scope }) })
    expect(again.blockedReasons.find((r) => r.code === 'pending_op')?.count).toBe(expected.length)
    // history shows the batch with its op counts
    const h = await api.console.history({ status: 'pending' })
    expect(h.batches[0]).toMatchObject({ id: c.batchId, opsTotal: expected.length, ops: { pending: expected.length, applied: 0 } })
    const d = await api.console.batch({ batchId: c.batchId, endRow: 5 })
    expect(d.ops).toHaveLength(5)
    expect(d.opCount).toBe(expected.length)
    expect(d.ops[0].msisdn).toMatch(/^\+1/)
  })

  it('refuses a stale preview: a synced line version changed, or a line joined the cohort', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const command = cmd({ action: 'suspend', params: { reason: 'non-payment' }, scope: { kind: 'cohort', where: [{ field: 'state', op: '=', value: 'TX' }] } })
    const p = await api.console.preview({ command })
    const one = ws.db.prepare("SELECT id FROM lines WHERE state = 'TX' AND status = 'active' LIMIT 1").get() as { id: number }
    ws.db.prepare('UPDATE lines SET row_version = row_version + 1 WHERE id = ?').run(one.id) // what a sync apply does
    expect(await failure(api.console.commit({ previewId: p.previewId }))).toMatchObject({ code: 'STALE_PREVIEW', message: 'The data changed since this preview (1 line). Preview again.' })
    const p2 = await api.console.preview({ command })
    const other = ws.db.prepare("SELECT id FROM lines WHERE state != 'TX' AND status = 'active' LIMIT 1").get() as { id: number }
    ws.db.prepare("UPDATE lines SET state = 'TX', row_version = row_version + 1 WHERE id = ?").run(other.id)
    expect(await failure(api.console.commit({ previewId: p2.previewId }))).toMatchObject({ code: 'STALE_PREVIEW' })
    expect((ws.db.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n).toBe(0)
    expect((ws.db.prepare('SELECT count(*) AS n FROM op_batches').get() as { n: number }).n).toBe(0)
    const p3 = await api.console.preview({ command })
    expect((await api.console.commit({ previewId: p3.previewId })).ops).toBe(p3.affected)
  })

  it('commits nothing for an empty cohort', async () => {
    await api.console.session.signInDemo({ role: 'operator' })
    const p = await api.console.preview({ command: cmd({ action: 'suspend', params: {}, scope: { kind: 'cohort', where: [{ field: 'failed_payments', op: '>', value: 999 }] } }) })
    expect(p.matched).toBe(0)
    expect(p.warnings.join(' ')).toMatch(/No line matches/)
    expect(await failure(api.console.commit({ previewId: p.previewId }))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/Nothing to commit/) })
    expect((ws.db.prepare('SELECT count(*) AS n FROM op_batches').get() as { n: number }).n).toBe(0)
  })

  it('lets analyst, agent and finance save drafts only', async () => {
    const command = cmd({ action: 'tag', params: { tag: 'vip2' }, scope: { kind: 'cohort', where: [{ field: 'account_type', op: '=', value: 'business' }] } })
    for (const role of ['analyst', 'agent', 'finance'] as const) {
      await api.console.session.signInDemo({ role })
      const p = await api.console.preview({ sentence: `tag by ${role}`, command })
      expect(p.canCommit).toBe(false)
      expect(await failure(api.console.commit({ previewId: p.previewId }))).toMatchObject({ code: 'FORBIDDEN' })
      const d = await api.console.saveDraft({ previewId: p.previewId })
      expect(d).toMatchObject({ kind: 'draft', ops: 0, status: 'draft' })
    }
    expect((ws.db.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n).toBe(0)
    const h = await api.console.history({ kind: 'draft' })
    expect(h.batches.map((b) => b.role).sort()).toEqual(['agent', 'analyst', 'finance'])
    expect(h.batches.every((b) => b.sentence.startsWith('tag by '))).toBe(true)
    expect((await api.console.history({ actor: 'finance' })).total).toBe(1)
    const s = await api.console.session.current()
    expect(s.user?.role).toBe('finance')
  })
})
