// The console, report, sync and ledger commands run as `npm run -s cli -- … --json` would (runCli, in process) on a
// small demo workspace; their JSON is checked against the workspace's rows, counted here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi, createCaller } from '../core/app'
import { makeTestWorkspace } from '../core/reports/test-workspace'
import { Workspace } from '../core/store'
import { createTestCentral, seedSmall, type TestCentral } from '../core/sync/testing/test-central'
import { cli } from './testing'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
let db: string[]
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 600, months: 4, seed: 3 })
  db = ['--db', t.path]
})
afterAll(() => t?.dispose())

type Json = Record<string, unknown>
const SENTENCE = 'Suspend all lines with more than 3 consecutive failed payments'
/** what --yes must name (issue 11, attack 6: src/cli/console.test.ts) */
const CANONICAL = ['--canonical', 'suspend where failed_payments > 3']

describe('console commands', () => {
  it('preview: the cohort, its blocked lines with reasons and examples, nothing written', async () => {
    const r = await cli(['console', 'preview', SENTENCE, '--examples', '2', '--json', ...db])
    expect(r.code).toBe(0)
    const p = r.json as Json & { matched: number; affected: number; blocked: number; blocked_reasons: Array<{ code: string; count: number; examples: string[] }> }
    expect(p).toMatchObject({ ok: true, canonical: 'suspend where failed_payments > 3', tier: 'local' })
    // the cohort counted here: lines of accounts with more than 3 failed payments in a row
    const ids = t.ws.db.prepare('SELECT id FROM lines').pluck().all() as number[]
    const accountOf = new Map((t.ws.db.prepare('SELECT id, account_id FROM lines').all() as Array<{ id: number; account_id: string }>).map((l) => [l.id, l.account_id]))
    const failed = new Map((t.ws.db.prepare('SELECT id, failed_payments FROM accounts').all() as Array<{ id: string; failed_payments: number }>).map((a) => [a.id, a.failed_payments]))
    const cohort = ids.filter((id) => failed.get(accountOf.get(id)!)! > 3)
    expect(cohort.length).toBeGreaterThan(0)
    expect(p.matched).toBe(cohort.length)
    // already suspended lines cannot be suspended again
    const suspended = (t.ws.db.prepare("SELECT id FROM lines WHERE status = 'suspended'").pluck().all() as number[]).filter((id) => cohort.includes(id))
    expect(p.blocked).toBeGreaterThanOrEqual(suspended.length)
    expect(p.affected + p.blocked).toBe(p.matched)
    expect(p.blocked_reasons.reduce((s, x) => s + x.count, 0)).toBe(p.blocked)
    for (const x of p.blocked_reasons) expect(x.examples.length).toBe(Math.min(2, x.count))
    expect(t.ws.db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(0)
  })

  it('commit refuses without --yes, and refuses a role that may not commit', async () => {
    const unconfirmed = await cli(['console', 'commit', SENTENCE, '--as', 'operator', '--json', ...db])
    expect(unconfirmed.code).toBe(1)
    expect(unconfirmed.json).toMatchObject({ ok: false, code: 'CONFIRM' })
    const analyst = await cli(['console', 'commit', SENTENCE, '--yes', ...CANONICAL, '--as', 'analyst', '--json', ...db])
    expect(analyst.code).toBe(1)
    expect(analyst.json).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(t.ws.db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(0)
  })

  it('commit → history → batch → rollback', async () => {
    const commit = await cli(['console', 'commit', SENTENCE, '--yes', ...CANONICAL, '--as', 'operator', '--json', ...db])
    expect(commit.code).toBe(0)
    const c = commit.json as Json & { batch_id: string; ops: number; preview: { affected: number } }
    expect(c).toMatchObject({ ok: true, kind: 'commit', status: 'pending' })
    expect(c.ops).toBe(c.preview.affected)
    const queued = t.ws.db.prepare("SELECT count(*) FROM operations WHERE batch_id = ? AND status = 'pending' AND action = 'suspend'").pluck().get(c.batch_id)
    expect(queued).toBe(c.ops)

    const history = (await cli(['console', 'history', '--json', ...db])).json as { batches: Array<Json & { id: string; ops: Json }> }
    expect(history.batches[0]).toMatchObject({ id: c.batch_id, kind: 'commit', sentence: SENTENCE, opsTotal: c.ops, ops: { pending: c.ops } })

    const batch = (await cli(['console', 'batch', c.batch_id, '--limit', '3', '--json', ...db])).json as { opCount: number; ops: Array<{ action: string; status: string }> }
    expect(batch.opCount).toBe(c.ops)
    expect(batch.ops).toHaveLength(Math.min(3, c.ops))
    for (const o of batch.ops) expect(o).toMatchObject({ action: 'suspend', status: 'pending' })

    const rollback = await cli(['console', 'rollback', c.batch_id, '--yes', '--as', 'operator', '--json', ...db])
    expect(rollback.code).toBe(0)
    const rb = rollback.json as Json & { batch_id: string; ops: number; discarded: number }
    expect(rb).toMatchObject({ ok: true, kind: 'rollback' })
    // nothing was pushed yet: the rollback discards the never-sent ops instead of queueing compensating ones
    expect(rb.ops + rb.discarded).toBe(c.ops)
    const after = (await cli(['console', 'history', '--kind', 'commit', '--json', ...db])).json as { batches: Array<Json> }
    expect(after.batches[0]).toMatchObject({ id: c.batch_id, rolledBackBy: rb.batch_id })
  })

  it('a sentence the parser cannot read: exit 1 with the error and a suggestion', async () => {
    const r = await cli(['console', 'preview', 'delete all subscribers', '--json', ...db])
    expect(r.code).toBe(1)
    const j = r.json as { ok: boolean; error: string; suggestion: string }
    expect(j.ok).toBe(false)
    expect(j.error.length).toBeGreaterThan(0)
    expect(j.suggestion.length).toBeGreaterThan(0)
  })
})

describe('report commands', () => {
  const spec = JSON.stringify({ title: 'Lines by plan', dataset: 'lines', dimensions: [{ field: 'plan_code' }], measures: [{ agg: 'count' }] })

  it('run: a JSON spec gives the rows counted here', async () => {
    const r = await cli(['report', 'run', spec, '--json', ...db])
    expect(r.code).toBe(0)
    const j = r.json as { rows: Array<Record<string, unknown>>; columns: Array<{ key: string }> }
    const byPlan = new Map<string, number>()
    for (const p of t.ws.db.prepare('SELECT plan_code FROM lines').pluck().all() as string[]) byPlan.set(p, (byPlan.get(p) ?? 0) + 1)
    expect(Object.fromEntries(j.rows.map((row) => [row.plan_code, row.count]))).toEqual(Object.fromEntries(byPlan))
  })

  it('list: the saved reports, and run one by name', async () => {
    await createCaller(createApi(t.ws)).reports.save({ name: 'By plan (cli test)', spec: JSON.parse(spec) })
    const list = (await cli(['report', 'list', '--json', ...db])).json as { reports: Array<{ name: string }> }
    const saved = t.ws.db.prepare('SELECT name FROM saved_reports').pluck().all() as string[]
    expect(saved).toContain('By plan (cli test)')
    expect(list.reports.map((s) => s.name).sort()).toEqual(saved.sort())
    const byName = (await cli(['report', 'run', 'By plan (cli test)', '--json', ...db])).json as { rows: unknown[] }
    expect(byName.rows).toEqual(((await cli(['report', 'run', spec, '--json', ...db])).json as { rows: unknown[] }).rows)
  })

  it('finance: the month reconciles; the invoices and the CSV total are counted here', async () => {
    const month = '2026-10'
    const out = join(t.path, '..', 'finance.csv')
    const r = await cli(['report', 'finance', '--month', month, '--out', out, '--json', ...db])
    expect(r.code).toBe(0)
    const invoices = (t.ws.db.prepare('SELECT period, status, subtotal_cents FROM invoices').all() as Array<{ period: string; status: string; subtotal_cents: number }>).filter(
      (i) => i.period === month && i.status !== 'void',
    )
    expect(r.json).toMatchObject({ ok: true, month, invoices: invoices.length, reconciled: true, revenueCents: invoices.reduce((s, i) => s + i.subtotal_cents, 0) })
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data.slice(1)
    const revenue = rows.filter((x) => x[0] === 'revenue').reduce((s, x) => s + Math.round(Number(x[4]) * 100), 0)
    expect(revenue).toBe(invoices.reduce((s, i) => s + i.subtotal_cents, 0))

    const none = await cli(['report', 'finance', '--month', '1999-01', '--json', ...db])
    expect(none).toMatchObject({ code: 1, json: { ok: false, code: 'NOT_FOUND' } })
  })

  it('dashboard: bill shock lists its lines; an unknown dashboard is refused', async () => {
    const r = await cli(['report', 'dashboard', 'bill-shock', '--top', '5', '--json', ...db])
    expect(r.code).toBe(0)
    const b = r.json as { dashboard: string; lines: number; lineIds: number[]; top: Array<{ lineId: number; projectedMb: number; allowanceMb: number }> }
    expect(b.dashboard).toBe('bill-shock')
    expect(b.lineIds).toHaveLength(b.lines)
    expect(b.top.map((l) => l.lineId)).toEqual(b.lineIds.slice(0, 5))
    for (const l of b.top) expect(l.projectedMb).toBeGreaterThan(l.allowanceMb)
    const bad = await cli(['report', 'dashboard', 'nope', '--json', ...db])
    expect(bad).toMatchObject({ code: 1, json: { ok: false, code: 'BAD_INPUT' } })
  })
})

describe('sync and ledger commands (direct PostgreSQL)', () => {
  const NEEDS_PG = 'sync pull/push and ledger verify over --url need a real PostgreSQL (set TEST_DATABASE_URL, as .ci/run does)'
  let c: TestCentral | null = null
  let dir: string
  let local: string[]
  beforeAll(async () => {
    if (!process.env.TEST_DATABASE_URL) return
    c = await createTestCentral()
    await seedSmall(c, 20, 2)
    dir = mkdtempSync(join(tmpdir(), 'wt-cli-sync-'))
    local = ['--db', join(dir, 'ws.sqlite'), '--url', c.url!, '--role', 'operator']
  })
  afterAll(async () => {
    await c?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('pull fills an empty workspace; push sends a console commit; the ledger verifies', async (ctx) => {
    ctx.skip(!c, NEEDS_PG)
    const central = c!
    const pull = await cli(['sync', 'pull', '--inline', '--json', ...local])
    expect(pull.code, pull.err).toBe(0)
    expect(pull.json).toMatchObject({ ok: true })
    const status = (await cli(['sync', 'status', '--json', ...local])).json as { pending: number; dataAsOf: string | null }
    expect(status.pending).toBe(0)
    expect(status.dataAsOf).not.toBeNull()
    const ws = new Workspace({ dbPath: join(dir, 'ws.sqlite'), readonly: true })
    try {
      const [n] = await central.sql<{ n: string }>('SELECT count(*) AS n FROM lines')
      expect(ws.db.prepare('SELECT count(*) FROM lines').pluck().get()).toBe(Number(n.n))
    } finally {
      ws.close()
    }

    const commit = await cli(['console', 'commit', 'suspend account ACC-000004', '--yes', '--canonical', 'suspend account ACC-000004', '--as', 'operator', '--json', '--db', local[1]])
    expect(commit.json).toMatchObject({ ok: true, kind: 'commit', ops: 2 })
    const push = await cli(['sync', 'push', '--inline', '--json', ...local])
    expect(push.json).toMatchObject({ ok: true, sent: 2, applied: 2, rejected: 0, conflict: 0, pending: 0 })
    const suspended = await central.sql<{ n: string }>("SELECT count(*) AS n FROM lines WHERE account_id = 'ACC-000004' AND status = 'suspended'")
    expect(Number(suspended[0].n)).toBe(2)

    const ledger = await cli(['ledger', 'verify', '--inline', '--json', ...local])
    expect(ledger.code).toBe(0)
    const l = ledger.json as { ok: boolean; entries: number }
    expect(l.ok).toBe(true)
    expect(l.entries).toBeGreaterThanOrEqual(2)
  })
})
