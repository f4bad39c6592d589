// The demo generator fills the central database with exactly the rows it writes locally (same seed → same data).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateDemoInto } from '../core/demo'
import type { DemoSink, DemoTable } from '../core/demo'
import { fillCentralDemo } from './demo-fill'
import { pullAs, SYNCED } from './fixtures'
import { createTestDatabase, type TestDatabase } from './test-db'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any

/** A sink that keeps copies of every row (what the local store would receive). */
function captureSink(): { sink: DemoSink; rows: Partial<Record<DemoTable, Row[]>> } {
  const rows: Partial<Record<DemoTable, Row[]>> = {}
  const put = (t: DemoTable) => (r: Row[]) => {
    ;(rows[t] ??= []).push(...r.map((x) => ({ ...x })))
  }
  return {
    rows,
    sink: {
      begin() {},
      plans: put('plans'),
      addons: put('addons'),
      accounts: put('accounts'),
      lines: put('lines'),
      usageCycles: put('usage_cycles'),
      usageDaily: put('usage_daily'),
      invoices: put('invoices'),
      invoiceItems: put('invoice_items'),
      payments: put('payments'),
      careInteractions: put('care_interactions'),
      lineEvents: put('line_events'),
      meta: put('meta'),
      finish() {},
    },
  }
}

const LINE_ACCOUNT_COLUMNS = ['account_name', 'email', 'state', 'zip', 'account_type', 'failed_payments', 'past_due_cents', 'days_past_due', 'wallet_cents']

/** A local row as the central table holds it (the row image a pull sends, minus base64). */
function central(table: string, r: Row): Row {
  const o: Row = { ...r }
  if (table === 'lines') for (const c of LINE_ACCOUNT_COLUMNS) delete o[c]
  if (table === 'addons') o.recurring = Boolean(o.recurring)
  if (table === 'usage_daily') o.mb = Buffer.from(o.mb).toString('base64')
  return o
}

let db: TestDatabase

describe('central demo fill', () => {
  beforeEach(async () => {
    db = await createTestDatabase()
  })
  afterEach(async () => {
    await db.dispose()
  })

  it('writes the same rows as the local generator, without a change log, and serves them by pull', async () => {
    const opts = { lines: 400, months: 3, seed: 7, asOf: '2026-11-15' }
    const local = captureSink()
    await generateDemoInto(local.sink, opts)
    const before = await pullAs(db.client, 'operator', null, 10) // a cursor from before the fill

    const r = await fillCentralDemo(db.client, opts)
    console.log(`central demo fill (${db.kind}): ${r.lines} lines, ${Object.values(r.rows).reduce((a, b) => a + b, 0)} rows in ${r.generate_s} s (insert ${r.insert_s} s, finish ${r.finish_s} s, log bypass: ${r.log_bypass})`)
    expect(r.lines).toBe(400)
    const log = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_changes')
    expect(log.rows[0].n).toBe(0)
    const asOf = await db.client.query<{ value: string }>(`SELECT value FROM central_meta WHERE key = 'as_of'`)
    expect(asOf.rows[0].value).toBe('2026-11-15')

    // every table: the pulled images equal the local rows (projected to the central columns)
    const pulled: Record<string, Row[]> = {}
    let cursor: string | null = null
    // a fill of 400 lines needs far fewer pages: a thousand means has_more never clears
    for (let pages = 0; ; pages++) {
      if (pages === 1000) throw new Error('sync_pull still had more after 1000 pages')
      const p = await pullAs(db.client, 'operator', cursor, 10_000)
      for (const ch of p.changes) (pulled[ch.table] ??= []).push(ch.row)
      cursor = p.cursor
      if (!p.has_more) break
    }
    for (const t of SYNCED) {
      const want = (local.rows[t] ?? []).map((x) => central(t, x))
      expect(pulled[t] ?? [], t).toHaveLength(want.length)
      const key = (x: Row) => JSON.stringify(x.id ?? x.code ?? [x.line_id, x.cycle_start ?? x.month])
      const byKey = new Map(want.map((x) => [key(x), x]))
      for (const got of pulled[t] ?? []) expect(got, `${t} ${key(got)}`).toEqual(byKey.get(key(got)))
    }
    // a cursor from before the fill must start over
    expect((await pullAs(db.client, 'operator', before.cursor)).reset).toBe(true)
    // refuses to fill twice unless told to replace
    await expect(fillCentralDemo(db.client, opts)).rejects.toThrow(/already has data/)
  })
})
