// Month-end finance export: revenue by state, category (invoice item kind) and code, tax liability by state, and a
// reconciliation against the invoices of the same period. "The month" is the invoice period (issue month); void
// invoices are left out of both sides.
import type { FinanceReport, FinanceRow } from '../../shared/api/reports'
import type { Workspace } from '../store'
import type { ExportTable } from './table-export'

export const FINANCE_ITEMS_SQL = `SELECT a.state AS state, it.kind AS kind, coalesce(it.code, '') AS code, sum(it.amount_cents) AS cents
FROM invoices i
JOIN invoice_items it ON it.invoice_id = i.id
JOIN accounts a ON a.id = i.account_id
WHERE i.period = ? AND i.status <> 'void'
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`

export const FINANCE_INVOICES_SQL = `SELECT count(*) AS n, coalesce(sum(subtotal_cents), 0) AS subtotal, coalesce(sum(tax_cents), 0) AS tax, coalesce(sum(total_cents), 0) AS total
FROM invoices WHERE period = ? AND status <> 'void'`

export function financeReport(ws: Workspace, month: string): FinanceReport {
  const items = ws.db.prepare(FINANCE_ITEMS_SQL).all(month) as Array<{ state: string; kind: string; code: string; cents: number }>
  const inv = ws.db.prepare(FINANCE_INVOICES_SQL).get(month) as { n: number; subtotal: number; tax: number; total: number }
  const rows: FinanceRow[] = []
  let revenue = 0
  let tax = 0
  let credits = 0
  for (const it of items) {
    if (it.kind === 'tax') {
      tax += it.cents
      rows.push({ section: 'tax', state: it.state, category: 'tax', code: it.code, amountCents: it.cents })
    } else {
      revenue += it.cents
      if (it.kind === 'credit') credits += it.cents
      rows.push({ section: 'revenue', state: it.state, category: it.kind, code: it.code, amountCents: it.cents })
    }
  }
  rows.sort((a, b) => (a.section === b.section ? 0 : a.section === 'revenue' ? -1 : 1) || a.state.localeCompare(b.state) || a.category.localeCompare(b.category) || a.code.localeCompare(b.code))
  rows.push(
    { section: 'reconciliation', state: 'ALL', category: 'revenue (items)', code: '', amountCents: revenue },
    { section: 'reconciliation', state: 'ALL', category: 'invoice subtotals', code: '', amountCents: inv.subtotal },
    { section: 'reconciliation', state: 'ALL', category: 'tax (items)', code: '', amountCents: tax },
    { section: 'reconciliation', state: 'ALL', category: 'invoice tax', code: '', amountCents: inv.tax },
    { section: 'reconciliation', state: 'ALL', category: 'revenue + tax (items)', code: '', amountCents: revenue + tax },
    { section: 'reconciliation', state: 'ALL', category: `invoice totals (${inv.n} invoices)`, code: '', amountCents: inv.total },
  )
  return {
    month,
    rows,
    revenueCents: revenue,
    taxCents: tax,
    creditsCents: credits,
    invoiceSubtotalCents: inv.subtotal,
    invoiceTaxCents: inv.tax,
    invoiceTotalCents: inv.total,
    invoiceCount: inv.n,
    reconciled: revenue === inv.subtotal && tax === inv.tax && revenue + tax === inv.total,
  }
}

export function financeTables(f: FinanceReport, asOf: string | null): ExportTable[] {
  const cols = [
    { key: 'state', label: 'State', type: 'string' as const },
    { key: 'category', label: 'Category', type: 'string' as const },
    { key: 'code', label: 'Code', type: 'string' as const },
    { key: 'amount', label: 'Amount', type: 'money' as const },
  ]
  const table = (section: FinanceRow['section']) => f.rows.filter((r) => r.section === section).map((r) => ({ state: r.state, category: r.category, code: r.code, amount: r.amountCents }))
  const status = f.reconciled ? 'RECONCILED: items match the invoice subtotals, tax and totals' : 'NOT RECONCILED: items differ from the invoices'
  const notes = [`Invoices of period ${f.month} (issued in the month), void excluded · as of ${asOf ?? 'n/a'}`, status]
  return [
    { title: `Revenue ${f.month}`, notes, columns: cols, rows: [...table('revenue'), { state: 'ALL', category: 'total revenue', code: '', amount: f.revenueCents }] },
    { title: `Tax liability ${f.month}`, notes, columns: cols, rows: [...table('tax'), { state: 'ALL', category: 'total tax', code: '', amount: f.taxCents }] },
    { title: `Reconciliation ${f.month}`, notes, columns: cols, rows: table('reconciliation') },
  ]
}

/** One table for CSV: every section, with a section column. */
export function financeCsvTable(f: FinanceReport, asOf: string | null): ExportTable {
  return {
    title: `Finance ${f.month}`,
    notes: [`as of ${asOf ?? 'n/a'}`],
    columns: [
      { key: 'section', label: 'Section', type: 'string' },
      { key: 'state', label: 'State', type: 'string' },
      { key: 'category', label: 'Category', type: 'string' },
      { key: 'code', label: 'Code', type: 'string' },
      { key: 'amount', label: 'Amount', type: 'money' },
    ],
    rows: f.rows.map((r) => ({ section: r.section, state: r.state, category: r.category, code: r.code, amount: r.amountCents })),
  }
}
