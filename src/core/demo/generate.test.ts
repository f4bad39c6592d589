import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLAN_BY_CODE } from '../../shared/domain/catalog'
import { luhnValid } from '../../shared/domain/msisdn'
import { buildDemoWorkspace, type BuildResult } from './build'
import { parseIsoDay } from './dates'
import { STATE_OF_AREA_CODE, STATE_OF_ZIP } from './geo'
import { DEMO_TABLES } from './sink'

const AS_OF = '2026-11-15'
const LINES = 2000
const MONTHS = 6
const dir = mkdtempSync(join(tmpdir(), 'wingtel-demo-test-'))

function checksums(path: string): Record<string, string> {
  const db = new Database(path, { readonly: true })
  try {
    const out: Record<string, string> = {}
    for (const table of Object.keys(DEMO_TABLES)) {
      const h = createHash('sha256')
      const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).raw().all() as unknown[][]
      for (const r of rows) {
        if (table === 'meta' && r[0] === 'generated_at') continue
        h.update(JSON.stringify(r.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))))
        h.update('\n')
      }
      out[table] = `${rows.length}:${h.digest('hex').slice(0, 16)}`
    }
    return out
  } finally {
    db.close()
  }
}

let a: BuildResult
let db: Database.Database

beforeAll(async () => {
  a = await buildDemoWorkspace(join(dir, 'a.sqlite'), { lines: LINES, months: MONTHS, seed: 7, asOf: AS_OF })
  db = new Database(a.path, { readonly: true })
})

afterAll(() => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('demo generator: determinism', () => {
  it('gives byte-identical tables for the same seed and different ones for another seed', async () => {
    const b = await buildDemoWorkspace(join(dir, 'b.sqlite'), { lines: LINES, months: MONTHS, seed: 7, asOf: AS_OF })
    const c = await buildDemoWorkspace(join(dir, 'c.sqlite'), { lines: LINES, months: MONTHS, seed: 8, asOf: AS_OF })
    const ca = checksums(a.path)
    expect(checksums(b.path)).toEqual(ca)
    const cc = checksums(c.path)
    for (const t of ['accounts', 'lines', 'usage_cycles', 'usage_daily', 'invoices', 'invoice_items', 'payments', 'line_events', 'care_interactions']) {
      expect(cc[t], t).not.toEqual(ca[t])
    }
    expect(a.rows.lines).toBe(LINES)
  })

  it('gives the same data with worker threads (sharded generation merged with id offsets)', async () => {
    const w = await buildDemoWorkspace(join(dir, 'w.sqlite'), { lines: LINES, months: MONTHS, seed: 7, asOf: AS_OF, workers: 3 })
    expect(checksums(w.path)).toEqual(checksums(a.path))
    expect(w.rows).toEqual(a.rows)
    // same schema (every index and trigger rebuilt) and the same trigger-maintained console groups
    const schema = (path: string) => {
      const x = new Database(path, { readonly: true })
      try {
        return {
          objects: x.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").all(),
          groups: x.prepare('SELECT * FROM console_line_groups ORDER BY status, plan_code, cycle_day, plan_changes_month, addons, tags').raw().all(),
          recomputed: x
            .prepare(
              `SELECT status, plan_code, cycle_day, plan_changes_month, addons, tags, count(*), sum(id * 4096 + row_version) FROM lines
               GROUP BY status, plan_code, cycle_day, plan_changes_month, addons, tags ORDER BY status, plan_code, cycle_day, plan_changes_month, addons, tags`,
            )
            .raw()
            .all(),
          integrity: x.pragma('integrity_check', { simple: true }),
        }
      } finally {
        x.close()
      }
    }
    const sw = schema(w.path)
    const sa = schema(a.path)
    expect(sw.objects).toEqual(sa.objects)
    expect(sw.objects.filter((o) => (o as { type: string }).type === 'trigger').length).toBeGreaterThan(0)
    expect(sw.groups).toEqual(sa.groups)
    expect(sw.groups).toEqual(sw.recomputed)
    expect(sw.integrity).toBe('ok')
  })

  it('refuses to overwrite a workspace with data unless forced', async () => {
    await expect(buildDemoWorkspace(a.path, { lines: 10, months: 1, seed: 1, asOf: AS_OF })).rejects.toThrow(/already holds/)
    const p = join(dir, 'f.sqlite')
    await buildDemoWorkspace(p, { lines: 50, months: 2, seed: 1, asOf: AS_OF })
    writeFileSync(`${p}.dashboards`, 'summaries of the old data')
    const r = await buildDemoWorkspace(p, { lines: 60, months: 2, seed: 1, asOf: AS_OF, force: true })
    expect(r.rows.lines).toBe(60)
    // the dashboard summaries of the replaced data are gone with it
    expect(existsSync(`${p}.dashboards`)).toBe(false)
  })
})

describe('demo generator: invariants', () => {
  it('writes meta and the catalog', () => {
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]))
    expect(meta).toMatchObject({ as_of: AS_OF, seed: '7', demo_lines: String(LINES), demo_months: String(MONTHS), source: 'demo' })
    expect(meta.generated_at).toMatch(/^\d{4}-/)
    expect(db.prepare('SELECT count(*) AS n FROM plans').get()).toEqual({ n: 7 })
    expect(db.prepare('SELECT count(*) AS n FROM addons').get()).toEqual({ n: 4 })
    // the secondary indexes were rebuilt
    const idx = db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='lines' AND sql IS NOT NULL").all()
    expect(idx.length).toBeGreaterThan(10)
  })

  it('invoice totals reconcile with their items', () => {
    const bad = db
      .prepare(
        `SELECT i.id, i.subtotal_cents, i.tax_cents, i.total_cents,
                (SELECT coalesce(sum(amount_cents),0) FROM invoice_items t WHERE t.invoice_id = i.id AND t.kind <> 'tax') AS sub,
                (SELECT coalesce(sum(amount_cents),0) FROM invoice_items t WHERE t.invoice_id = i.id AND t.kind = 'tax') AS tax
         FROM invoices i
         WHERE i.subtotal_cents <> sub OR i.tax_cents <> tax OR i.total_cents <> i.subtotal_cents + i.tax_cents OR i.subtotal_cents < 0`,
      )
      .all()
    expect(bad).toEqual([])
    const sums = db.prepare('SELECT (SELECT sum(total_cents) FROM invoices) AS inv, (SELECT sum(amount_cents) FROM invoice_items) AS items').get() as { inv: number; items: number }
    expect(sums.inv).toBe(sums.items)
    expect(sums.inv).toBeGreaterThan(0)
    // every invoice has items; a tax item at the state's rate when there is something to tax
    expect(db.prepare('SELECT count(*) AS n FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM invoice_items t WHERE t.invoice_id = i.id)').get()).toEqual({ n: 0 })
    expect(db.prepare("SELECT count(*) AS n FROM invoices WHERE subtotal_cents >= 100 AND tax_cents = 0 AND account_id NOT IN (SELECT id FROM accounts WHERE state = 'OR')").get()).toEqual({ n: 0 })
    // payments point at invoices of their own account
    expect(db.prepare('SELECT count(*) AS n FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.account_id <> p.account_id').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM payments WHERE invoice_id IS NULL OR amount_cents <= 0').get()).toEqual({ n: 0 })
  })

  it('paid invoices have a succeeded payment, past-due figures match the unpaid invoices', () => {
    expect(db.prepare("SELECT count(*) AS n FROM invoices i WHERE status = 'paid' AND total_cents > 0 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = i.account_id AND p.status = 'succeeded' AND substr(p.created_at,1,10) = i.paid_at)").get()).toEqual({ n: 0 })
    const bad = db
      .prepare(
        `SELECT a.id, a.past_due_cents, a.days_past_due, x.due, x.oldest FROM accounts a
         LEFT JOIN (SELECT account_id, sum(total_cents) AS due, min(due_at) AS oldest FROM invoices WHERE status = 'past_due' GROUP BY account_id) x ON x.account_id = a.id
         WHERE a.past_due_cents <> coalesce(x.due, 0)
            OR a.days_past_due <> coalesce(julianday(?) - julianday(x.oldest), 0)`,
      )
      .all(AS_OF)
    expect(bad).toEqual([])
    expect(db.prepare("SELECT count(*) AS n FROM invoices WHERE status = 'past_due' AND due_at >= ?").get(AS_OF)).toEqual({ n: 0 })
    expect(db.prepare("SELECT count(*) AS n FROM invoices WHERE (status = 'paid') <> (paid_at IS NOT NULL)").get()).toEqual({ n: 0 })
  })

  it('failed_payments is the trailing streak of failed payments', () => {
    const pays = db.prepare('SELECT account_id, status FROM payments ORDER BY account_id, created_at, id').all() as Array<{ account_id: string; status: string }>
    const streak = new Map<string, number>()
    for (const p of pays) streak.set(p.account_id, p.status === 'failed' ? (streak.get(p.account_id) ?? 0) + 1 : 0)
    const accts = db.prepare('SELECT id, failed_payments FROM accounts').all() as Array<{ id: string; failed_payments: number }>
    const bad = accts.filter((x) => x.failed_payments !== (streak.get(x.id) ?? 0))
    expect(bad).toEqual([])
    const codes = db.prepare("SELECT DISTINCT failure_code || ' ' || failure_message AS c FROM payments WHERE status = 'failed' ORDER BY 1").all()
    expect(codes).toEqual([{ c: '302 Credit Floor' }, { c: '521 Insufficient Funds' }, { c: '530 Do Not Honor' }])
    expect(db.prepare("SELECT count(*) AS n FROM payments WHERE (status = 'failed') <> (failure_code IS NOT NULL)").get()).toEqual({ n: 0 })
  })

  it('MSISDNs are unique E.164 numbers with an area code of the account state; ZIPs belong to the state', () => {
    const rows = db.prepare('SELECT l.msisdn, l.iccid, l.imei, a.state, a.zip FROM lines l JOIN accounts a ON a.id = l.account_id').all() as Array<{ msisdn: string; iccid: string; imei: string; state: string; zip: string }>
    expect(rows.length).toBe(LINES)
    const seen = new Set<string>()
    const iccids = new Set<string>()
    for (const r of rows) {
      expect(r.msisdn).toMatch(/^\+1[2-9]\d{2}[2-9]\d{6}$/)
      expect(r.msisdn.slice(5, 8)).not.toBe('555')
      expect(STATE_OF_AREA_CODE.get(Number(r.msisdn.slice(2, 5))), r.msisdn).toBe(r.state)
      expect(STATE_OF_ZIP.get(r.zip), r.zip).toBe(r.state)
      expect(seen.has(r.msisdn)).toBe(false)
      seen.add(r.msisdn)
      expect(r.iccid).toMatch(/^8901\d{15,16}$/)
      expect(luhnValid(r.iccid), r.iccid).toBe(true)
      expect(iccids.has(r.iccid)).toBe(false)
      iccids.add(r.iccid)
      expect(r.imei).toMatch(/^\d{15}$/)
      expect(luhnValid(r.imei), r.imei).toBe(true)
    }
  })

  it('line statuses follow their last status event', () => {
    const lines = db.prepare('SELECT id, status, activated_at, disconnected_at FROM lines').all() as Array<{ id: number; status: string; activated_at: string | null; disconnected_at: string | null }>
    const evs = db
      .prepare("SELECT line_id, kind, at FROM line_events WHERE kind IN ('ordered','activated','resumed','reactivated','suspended','hotlined','disconnected') ORDER BY line_id, at, id")
      .all() as Array<{ line_id: number; kind: string; at: string }>
    const last = new Map<number, { kind: string; at: string }>()
    for (const e of evs) last.set(e.line_id, e)
    const implied: Record<string, string> = { ordered: 'pending', activated: 'active', resumed: 'active', reactivated: 'active', suspended: 'suspended', hotlined: 'hotlined', disconnected: 'disconnected' }
    for (const l of lines) {
      const e = last.get(l.id)
      expect(e, `line ${l.id} has events`).toBeDefined()
      expect(implied[e!.kind], `line ${l.id}`).toBe(l.status)
      expect(l.activated_at === null).toBe(l.status === 'pending')
      if (l.status === 'disconnected') expect(l.disconnected_at).toBe(e!.at.slice(0, 10))
      else expect(l.disconnected_at).toBeNull()
    }
    expect(db.prepare('SELECT count(*) AS n FROM line_events WHERE at > ?').get(`${AS_OF}T23:59:59Z`)).toEqual({ n: 0 })
  })

  it('denormalized line columns equal their account', () => {
    const bad = db
      .prepare(
        `SELECT l.id FROM lines l JOIN accounts a ON a.id = l.account_id
         WHERE l.account_name <> a.name OR l.email <> a.email OR l.state <> a.state OR l.zip <> a.zip OR l.account_type <> a.type
            OR l.failed_payments <> a.failed_payments OR l.past_due_cents <> a.past_due_cents OR l.days_past_due <> a.days_past_due
            OR l.wallet_cents <> a.wallet_cents`,
      )
      .all()
    expect(bad).toEqual([])
    expect(db.prepare('SELECT count(*) AS n FROM lines l LEFT JOIN accounts a ON a.id = l.account_id WHERE a.id IS NULL').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM lines WHERE row_version <> 1').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM accounts WHERE row_version <> 1').get()).toEqual({ n: 0 })
  })

  it('current-cycle usage agrees with the cycle rows and the daily rows', () => {
    const lines = db.prepare("SELECT id, cycle_start, data_used_mb, plan_code FROM lines WHERE status <> 'pending'").all() as Array<{ id: number; cycle_start: string; data_used_mb: number; plan_code: string }>
    const cyc = db.prepare('SELECT data_mb FROM usage_cycles WHERE line_id = ? AND cycle_start = ?')
    const daily = db.prepare('SELECT month, mb FROM usage_daily WHERE line_id = ? ORDER BY month')
    const asOf = parseIsoDay(AS_OF)
    let checked = 0
    for (const l of lines) {
      const c = cyc.get(l.id, l.cycle_start) as { data_mb: number } | undefined
      if (l.data_used_mb > 0) expect(c?.data_mb, `line ${l.id}`).toBe(l.data_used_mb)
      const start = parseIsoDay(l.cycle_start)
      let sum = 0
      for (const r of daily.all(l.id) as Array<{ month: string; mb: Buffer }>) {
        const m0 = parseIsoDay(`${r.month}-01`)
        for (let i = 0; i < r.mb.length / 2; i++) if (m0 + i >= start && m0 + i <= asOf) sum += r.mb.readUInt16LE(i * 2)
      }
      expect(sum, `line ${l.id}`).toBe(l.data_used_mb)
      checked++
    }
    expect(checked).toBeGreaterThan(LINES * 0.5)
    // the as-of month stops at the as-of day; earlier months are complete
    const lens = db.prepare('SELECT month, min(length(mb)) AS lo, max(length(mb)) AS hi FROM usage_daily GROUP BY month ORDER BY month').all() as Array<{ month: string; lo: number; hi: number }>
    expect(lens.length).toBe(4)
    expect(lens[3]).toEqual({ month: AS_OF.slice(0, 7), lo: 30, hi: 30 })
    for (const x of lens) expect(x.lo).toBe(x.hi)
    expect(db.prepare("SELECT count(*) AS n FROM lines WHERE cycle_start > ? OR cycle_start <= date(?, '-1 month', '-1 day')").get(AS_OF, AS_OF)).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(DISTINCT cycle_start) AS n FROM usage_cycles WHERE line_id = (SELECT min(id) FROM lines)').get()).toEqual({ n: MONTHS })
  })
})

describe('demo generator: distribution', () => {
  const count = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n

  it('has HomeFi and mobile lines, business accounts with several lines, growth and churn', () => {
    expect(count("SELECT count(*) AS n FROM lines WHERE plan_code LIKE 'HOMEFI%'")).toBeGreaterThan(LINES * 0.05)
    expect(count("SELECT count(*) AS n FROM lines WHERE plan_code IN ('UNL_PLUS','DATA_15','DATA_5','DATA_1')")).toBeGreaterThan(LINES * 0.5)
    expect(count("SELECT count(*) AS n FROM lines WHERE plan_code = 'IOT_500'")).toBeGreaterThan(0)
    for (const p of PLAN_BY_CODE.keys()) expect(count('SELECT count(*) AS n FROM lines WHERE plan_code = ?', p), p).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM (SELECT account_id FROM lines WHERE account_type = 'business' GROUP BY account_id HAVING count(*) >= 3)")).toBeGreaterThan(3)
    expect(count("SELECT count(*) AS n FROM lines WHERE addons LIKE '%INTL%'")).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM lines WHERE addons LIKE '%HOTSPOT%'")).toBeGreaterThan(0)
    // activations grow: more in the last half of the window than in the first
    const act = db.prepare("SELECT sum(activated_at >= date(?, '-3 months')) AS late, sum(activated_at < date(?, '-3 months') AND activated_at >= date(?, '-6 months')) AS early FROM lines").get(AS_OF, AS_OF, AS_OF) as { late: number; early: number }
    expect(act.late).toBeGreaterThan(act.early)
    expect(count("SELECT count(*) AS n FROM line_events WHERE kind = 'disconnected' AND reason LIKE 'ported out%'")).toBeGreaterThan(0)
    expect(count("SELECT count(DISTINCT state) AS n FROM accounts")).toBeGreaterThan(30)
    expect(count("SELECT count(*) AS n FROM accounts WHERE tags LIKE '%vip%'")).toBeGreaterThan(0)
  })

  it('has every status, payment-failure streaks and dunning', () => {
    for (const s of ['active', 'suspended', 'hotlined', 'disconnected', 'pending']) expect(count('SELECT count(*) AS n FROM lines WHERE status = ?', s), s).toBeGreaterThan(0)
    expect(count('SELECT count(*) AS n FROM accounts WHERE failed_payments > 3')).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM lines WHERE failed_payments > 3 AND status = 'active'")).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM line_events WHERE reason LIKE 'non-payment%' AND kind = 'suspended'")).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM line_events WHERE kind IN ('resumed', 'reactivated')")).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM invoices WHERE status = 'past_due'")).toBeGreaterThan(0)
    for (const k of ['plan', 'addon', 'topup', 'proration', 'fee', 'tax']) expect(count('SELECT count(*) AS n FROM invoice_items WHERE kind = ?', k), k).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM care_interactions WHERE category = 'suspension'")).toBeGreaterThan(0)
    expect(count("SELECT count(*) AS n FROM care_interactions WHERE category = 'billing_dispute' OR category = 'payment_failed'")).toBeGreaterThan(0)
  })

  it('has heavy-tailed usage with lines near or over their bucket', () => {
    const near = count(
      "SELECT count(*) AS n FROM lines l JOIN plans p ON p.code = l.plan_code WHERE p.data_mb IS NOT NULL AND l.status = 'active' AND l.data_used_mb >= 0.8 * (p.data_mb + l.topup_mb)",
    )
    expect(near).toBeGreaterThan(5)
    expect(count('SELECT count(*) AS n FROM lines WHERE topup_mb > 0')).toBeGreaterThan(0)
    // heavy tail: the top 1% of unlimited mobile cycles use far more than the median
    const v = (db.prepare("SELECT data_mb FROM usage_cycles WHERE plan_code = 'UNL_PLUS' ORDER BY data_mb").all() as Array<{ data_mb: number }>).map((r) => r.data_mb)
    expect(v[Math.floor(v.length * 0.99)]).toBeGreaterThan(4 * v[Math.floor(v.length / 2)])
  })
})
