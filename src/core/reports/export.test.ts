import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportSpec, type ChartType, type ReportSpecInput } from '../../shared/api/reports'
import { createApi, createCaller } from '../app'
import { collect, exportReport } from './export'
import { financeCsvTable, financeReport } from './finance'
import { writeFinance } from './handlers'
import { makeTestWorkspace } from './test-workspace'

let t: Awaited<ReturnType<typeof makeTestWorkspace>>
beforeAll(async () => {
  t = await makeTestWorkspace({ lines: 2000 })
})
afterAll(() => t?.dispose())

const byPlan = (chart: ChartType): ReportSpecInput => ({
  title: `Lines by plan (${chart})`,
  dataset: 'lines',
  dimensions: [{ field: 'plan_code' }],
  measures: [{ agg: 'count' }, { agg: 'sum', field: 'past_due_cents' }],
  chart,
})

/** The text a pdfkit content stream draws: hex strings inside TJ arrays, decoded and joined per array. */
function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1')
  const out: string[] = []
  for (const m of s.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    out.push([...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''))
  }
  return out.join('\n')
}

/**
 * How many times each path operator occurs in the content streams (compress: false leaves them as text, one operator
 * per line): m moveto, l lineto, c curveto, re rectangle, h closepath.
 */
function pathOps(pdf: Buffer): Record<'m' | 'l' | 'c' | 're' | 'h', number> {
  const n = { m: 0, l: 0, c: 0, re: 0, h: 0 }
  for (const stream of pdf.toString('latin1').matchAll(/\bstream\r?\n([\s\S]*?)endstream/g)) {
    for (const line of stream[1].split('\n')) {
      const op = line.trim().split(/\s+/).pop() ?? ''
      if (op in n) n[op as keyof typeof n]++
    }
  }
  return n
}

const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length

describe('report exports', () => {
  it('CSV has the header and every row, money in dollars', async () => {
    const buf = await collect((out) => exportReport(t.ws, { spec: byPlan('bar') }, 'csv', out).then(() => undefined))
    const parsed = Papa.parse<string[]>(buf.toString('utf8').trim())
    const expected = t.ws.db.prepare('SELECT plan_code, count(*) AS n, sum(past_due_cents) AS c FROM lines GROUP BY 1 ORDER BY 1').all() as Array<{ plan_code: string; n: number; c: number }>
    expect(parsed.data[0]).toEqual(['Plan', 'Count', 'Sum of Past due ($)'])
    expect(parsed.data.slice(1)).toEqual(expected.map((r) => [r.plan_code, String(r.n), (r.c / 100).toFixed(2)]))
  })

  it('XLSX parses back with exceljs, same values', async () => {
    const buf = await collect((out) => exportReport(t.ws, { spec: byPlan('table') }, 'xlsx', out).then(() => undefined))
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(buf as unknown as ArrayBuffer)
    const sheet = wb.worksheets[0]
    const values: unknown[][] = []
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)))
    expect(values[0]).toEqual(['Lines by plan (table)'])
    const header = values.findIndex((r) => r[0] === 'Plan')
    const expected = t.ws.db.prepare('SELECT plan_code, count(*) AS n, sum(past_due_cents) AS c FROM lines GROUP BY 1 ORDER BY 1').raw(true).all() as Array<[string, number, number]>
    expect(values.slice(header + 1)).toEqual(expected.map(([p, n, c]) => [p, n, c / 100]))
  })

  it.each(['bar', 'line', 'area', 'pie', 'table'] as const)('PDF (%s) parses back: header, pages, title and table text', async (chart) => {
    const buf = await collect((out) => exportReport(t.ws, { spec: byPlan(chart) }, 'pdf', out, { compress: false }).then(() => undefined))
    expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(buf.subarray(-6).toString('latin1')).toContain('%%EOF')
    expect(pages(buf)).toBe(1)
    const text = pdfText(buf)
    expect(text).toContain(`Lines by plan (${chart})`)
    expect(text).toContain('DATA_15')
  })

  // The chart's vector drawing, counted against the same report as a plain table (the table is drawn in both): what is
  // left over is the chart, and its shapes follow from the data (one category per plan, two measures).
  describe('PDF charts are drawn as vector paths', () => {
    const pdf = (chart: ChartType) => collect((out) => exportReport(t.ws, { spec: byPlan(chart) }, 'pdf', out, { compress: false }).then(() => undefined))
    const extra = async (chart: ChartType) => {
      const [a, b] = [pathOps(await pdf(chart)), pathOps(await pdf('table'))]
      return { m: a.m - b.m, l: a.l - b.l, c: a.c - b.c, re: a.re - b.re, h: a.h - b.h }
    }
    const plans = () => new Set((t.ws.db.prepare('SELECT plan_code FROM lines').pluck().all() as string[])).size
    const CIRCLE = 4 // pdfkit draws a circle as four Bézier curves and closes it (h)

    it('bar: one rectangle per plan and measure, and one per legend entry', async () => {
      expect((await extra('bar')).re).toBe(2 * plans() + 2)
    })
    it('line: a dot (circle) per plan and measure, joined by line segments', async () => {
      const d = await extra('line')
      expect(d.c).toBe(CIRCLE * 2 * plans())
      expect(d.l).toBeGreaterThanOrEqual(2 * (plans() - 1))
      expect(d.h).toBe(2 * plans())
    })
    it('area: as the line, plus one closed filled region per measure', async () => {
      const d = await extra('area')
      expect(d.c).toBe(CIRCLE * 2 * plans())
      expect(d.h).toBe(2 * plans() + 2)
    })
    it('pie: a slice (a path from the centre with an arc) and a legend square per plan', async () => {
      const d = await extra('pie')
      expect(d.re).toBe(plans())
      expect(d.m).toBe(plans())
      expect(d.c).toBeGreaterThanOrEqual(plans())
    })
  })

  it('a long PDF table paginates with the header on every page', async () => {
    const spec: ReportSpecInput = { title: 'All lines', dataset: 'lines', dimensions: [{ field: 'msisdn' }, { field: 'plan_code' }], limit: 500 }
    const buf = await collect((out) => exportReport(t.ws, { spec }, 'pdf', out, { compress: false }).then(() => undefined))
    expect(pages(buf)).toBeGreaterThan(5)
    expect(pdfText(buf).split('\n').filter((l) => l === 'MSISDN').length).toBe(pages(buf))
  })

  it('the API hands the file over as base64', async () => {
    const caller = createCaller(createApi(t.ws))
    const f = await caller.reports.exportReport({ report: { spec: reportSpec.parse(byPlan('pie')) }, format: 'pdf' })
    expect(f.filename).toBe('Lines-by-plan-pie.pdf')
    expect(Buffer.from(f.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
  })
})

describe('finance export', () => {
  const month = '2026-10'

  it('revenue and tax reconcile with the invoices of the month', () => {
    const f = financeReport(t.ws, month)
    // recomputed here in JS from the raw rows: the month's invoices (void ones left out), their items and states
    const invoices = (t.ws.db.prepare('SELECT id, account_id, period, status, subtotal_cents, tax_cents, total_cents FROM invoices').all() as Array<{
      id: number
      account_id: string
      period: string
      status: string
      subtotal_cents: number
      tax_cents: number
      total_cents: number
    }>).filter((i) => i.period === month && i.status !== 'void')
    const stateOf = new Map((t.ws.db.prepare('SELECT id, state FROM accounts').all() as Array<{ id: string; state: string }>).map((a) => [a.id, a.state]))
    const invoiceState = new Map(invoices.map((i) => [i.id, stateOf.get(i.account_id)!]))
    const items = (t.ws.db.prepare('SELECT invoice_id, kind, code, amount_cents FROM invoice_items').all() as Array<{ invoice_id: number; kind: string; code: string | null; amount_cents: number }>).filter(
      (it) => invoiceState.has(it.invoice_id),
    )
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
    expect(invoices.length).toBeGreaterThan(0)
    expect(f.invoiceCount).toBe(invoices.length)
    expect(f.invoiceSubtotalCents).toBe(total(invoices.map((i) => i.subtotal_cents)))
    expect(f.invoiceTaxCents).toBe(total(invoices.map((i) => i.tax_cents)))
    expect(f.invoiceTotalCents).toBe(total(invoices.map((i) => i.total_cents)))
    const revenue = items.filter((it) => it.kind !== 'tax')
    expect(f.revenueCents).toBe(total(revenue.map((it) => it.amount_cents)))
    expect(f.taxCents).toBe(total(items.filter((it) => it.kind === 'tax').map((it) => it.amount_cents)))
    expect(f.creditsCents).toBe(total(items.filter((it) => it.kind === 'credit').map((it) => it.amount_cents)))
    expect(f.revenueCents + f.taxCents).toBe(f.invoiceTotalCents)
    expect(f.reconciled).toBe(true)
    // every (section, state, category, code) amount
    const expected = new Map<string, number>()
    for (const it of items) {
      const key = [it.kind === 'tax' ? 'tax' : 'revenue', invoiceState.get(it.invoice_id), it.kind, it.code ?? ''].join('|')
      expected.set(key, (expected.get(key) ?? 0) + it.amount_cents)
    }
    const got = new Map(f.rows.filter((r) => r.section !== 'reconciliation').map((r) => [[r.section, r.state, r.category, r.code].join('|'), r.amountCents]))
    expect(got).toEqual(expected)
    expect(new Set(f.rows.filter((r) => r.section === 'revenue').map((r) => r.category))).toEqual(new Set(['plan', 'addon', 'topup', 'proration', 'fee', 'credit']))
  })

  it('leaves void invoices out of the invoice count and sums', () => {
    const before = financeReport(t.ws, month)
    const one = t.ws.db.prepare("SELECT id, total_cents AS total FROM invoices WHERE period = ? AND status <> 'void' ORDER BY id LIMIT 1").get(month) as { id: number; total: number }
    const status = t.ws.db.prepare('SELECT status FROM invoices WHERE id = ?').pluck().get(one.id) as string
    t.ws.db.prepare("UPDATE invoices SET status = 'void' WHERE id = ?").run(one.id)
    try {
      const after = financeReport(t.ws, month)
      expect(after.invoiceCount).toBe(before.invoiceCount - 1)
      expect(after.invoiceTotalCents).toBe(before.invoiceTotalCents - one.total)
    } finally {
      t.ws.db.prepare('UPDATE invoices SET status = ? WHERE id = ?').run(status, one.id)
    }
  })

  it('XLSX: three sheets whose totals match; CSV sums back to the invoices', async () => {
    const f = financeReport(t.ws, month)
    const buf = await collect((out) => writeFinance(f, 'xlsx', out, t.ws.meta('as_of')))
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(buf as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Revenue', 'Tax', 'Reconciliation'])
    const lastAmount = (name: string) => {
      const ws = wb.getWorksheet(name)!
      return Number(ws.getRow(ws.rowCount).getCell(4).value)
    }
    expect(Math.round(lastAmount('Revenue') * 100)).toBe(f.invoiceSubtotalCents)
    expect(Math.round(lastAmount('Tax') * 100)).toBe(f.invoiceTaxCents)
    expect(Math.round(lastAmount('Reconciliation') * 100)).toBe(f.invoiceTotalCents)

    const csv = (await collect((out) => writeFinance(f, 'csv', out, null))).toString('utf8')
    const rows = Papa.parse<string[]>(csv.trim()).data.slice(1)
    const sum = (section: string) => Math.round(rows.filter((r) => r[0] === section).reduce((a, r) => a + Number(r[4]) * 100, 0))
    expect(sum('revenue')).toBe(f.invoiceSubtotalCents)
    expect(sum('tax')).toBe(f.invoiceTaxCents)
    expect(financeCsvTable(f, null).rows.length).toBe(rows.length)
  })

  it('writes to any stream', async () => {
    const pass = new PassThrough()
    const chunks: Buffer[] = []
    pass.on('data', (c: Buffer) => chunks.push(c))
    await writeFinance(financeReport(t.ws, month), 'csv', pass, null)
    expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^Section,State,Category,Code,Amount \(\$\)\r\n/)
  })
})
