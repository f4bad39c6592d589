// Reports from the command line: run or export a saved report (or a JSON spec), list saved reports, the month-end
// finance export, the dashboards, and the read-only SQL runner.
import { createWriteStream, existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '../shared/api/errors'
import { EXPORT_FORMATS, type Cell, type ExportFormat } from '../shared/api/reports'
import { billShock, churnForecast, revenueWaterfall, subscriberGrowth, exportReport, reportTable, writeFinance, runReport, closeSqlRunners, sqlRunnerFor, tableToCsv } from '../core/reports'
import { createApi, createCaller } from '../core/app'
import { cliConfig } from './config'
import { flagInt, flagNumber, flagString, register, type CliIo, type ParsedArgs } from './registry'
import { openWorkspaceFromArgs } from './workspace-commands'

function textTable(headers: string[], rows: Cell[][], io: CliIo): void {
  const cells = rows.map((r) => r.map((v) => (v === null ? '' : String(v))))
  const widths = headers.map((h, i) => Math.min(40, Math.max(h.length, ...cells.map((r) => r[i].length))))
  const line = (r: string[]) => r.map((v, i) => (v.length > widths[i] ? `${v.slice(0, widths[i] - 1)}…` : v.padEnd(widths[i]))).join('  ')
  io.out(line(headers))
  io.out(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of cells) io.out(line(r))
}

/** The SQL runner's longest time limit from the command line: a day. */
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000

function needArg(args: ParsedArgs, what: string): string {
  const v = args.positionals.join(' ').trim()
  if (!v) throw new AppError('BAD_INPUT', `missing ${what}`)
  return v
}

register({
  path: ['report', 'run'],
  summary: 'Run a saved report (by name) or a JSON report spec',
  usage: 'report run <saved name | JSON spec> [--json | --csv] [--db PATH]',
  async run(args, io) {
    const ws = openWorkspaceFromArgs(args, { readonly: true })
    try {
      const r = runReport(ws, needArg(args, 'a saved report name or a JSON spec'))
      if (args.flags.json) io.json({ ok: true, title: r.title, sql: r.sql, params: r.params, columns: r.columns, rows: r.rows, elapsedMs: Math.round(r.elapsedMs) })
      else if (args.flags.csv) process.stdout.write(tableToCsv(reportTable(r)))
      else {
        io.out(`${r.title} — ${r.rows.length} rows in ${Math.round(r.elapsedMs)} ms`)
        textTable(r.columns.map((c) => c.label), r.rows.map((row) => r.columns.map((c) => row[c.key])), io)
        io.out(`\n${r.sql}\nparams: ${JSON.stringify(r.params)}`)
      }
      return 0
    } finally {
      ws.close()
    }
  },
})

register({
  path: ['report', 'list'],
  summary: 'List the saved reports',
  usage: 'report list [--json] [--db PATH]',
  async run(args, io) {
    const ws = openWorkspaceFromArgs(args, { readonly: true })
    try {
      const saved = await createCaller(createApi(ws)).reports.list()
      if (args.flags.json) io.json({ ok: true, reports: saved })
      else if (saved.length === 0) io.out('No saved reports.')
      else textTable(['Name', 'Dataset', 'Chart', 'Updated'], saved.map((s) => [s.name, s.spec.dataset, s.spec.chart, s.updatedAt]), io)
      return 0
    } finally {
      ws.close()
    }
  },
})

register({
  path: ['report', 'export'],
  summary: 'Export a saved report (or JSON spec) as CSV, XLSX or PDF (with its chart)',
  usage: 'report export <saved name | JSON spec> --format csv|xlsx|pdf --out FILE [--db PATH]',
  async run(args, io) {
    const out = flagString(args, 'out')
    if (!out) throw new AppError('BAD_INPUT', '--out FILE is required')
    const format = (flagString(args, 'format') ?? out.split('.').pop() ?? '') as ExportFormat
    if (!EXPORT_FORMATS.includes(format)) throw new AppError('BAD_INPUT', `--format must be one of ${EXPORT_FORMATS.join(', ')}`)
    const ws = openWorkspaceFromArgs(args, { readonly: true })
    try {
      const r = await exportReport(ws, needArg(args, 'a saved report name or a JSON spec'), format, createWriteStream(resolve(out)))
      if (args.flags.json) io.json({ ok: true, out: resolve(out), format, rows: r.rows.length, sql: r.sql })
      else io.out(`Wrote ${r.rows.length} rows of "${r.title}" to ${resolve(out)}`)
      return 0
    } finally {
      ws.close()
    }
  },
})

register({
  path: ['report', 'finance'],
  summary: 'Month-end revenue and tax liability, reconciled with the invoices (CSV or XLSX)',
  usage: 'report finance --month YYYY-MM --out FILE.xlsx|FILE.csv [--json] [--db PATH]',
  async run(args, io) {
    const month = flagString(args, 'month')
    if (!month || !/^\d{4}-\d{2}$/.test(month)) throw new AppError('BAD_INPUT', '--month YYYY-MM is required')
    const out = flagString(args, 'out')
    const ws = openWorkspaceFromArgs(args, { readonly: true })
    try {
      const f = await createCaller(createApi(ws)).reports.finance({ month })
      if (f.invoiceCount === 0) throw new AppError('NOT_FOUND', `no invoices for ${month}`)
      if (out) {
        const format = out.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx'
        await writeFinance(f, format, createWriteStream(resolve(out)), ws.meta('as_of'))
      }
      const summary = { ok: true, month, out: out ? resolve(out) : null, invoices: f.invoiceCount, revenueCents: f.revenueCents, taxCents: f.taxCents, invoiceTotalCents: f.invoiceTotalCents, reconciled: f.reconciled }
      if (args.flags.json) io.json(summary)
      else io.out(`${month}: ${f.invoiceCount} invoices, revenue $${(f.revenueCents / 100).toFixed(2)}, tax $${(f.taxCents / 100).toFixed(2)}, invoice totals $${(f.invoiceTotalCents / 100).toFixed(2)} — ${f.reconciled ? 'reconciled' : 'NOT reconciled'}${out ? `; wrote ${resolve(out)}` : ''}`)
      return f.reconciled ? 0 : 1
    } finally {
      ws.close()
    }
  },
})

const DASHBOARDS = ['subscriber-growth', 'churn-forecast', 'revenue-waterfall', 'bill-shock'] as const

register({
  path: ['report', 'dashboard'],
  summary: `Compute a prebuilt dashboard (${DASHBOARDS.join(', ')})`,
  usage: `report dashboard <${DASHBOARDS.join('|')}> [--top N] [--json] [--db PATH]`,
  async run(args, io) {
    const name = args.positionals[0] as (typeof DASHBOARDS)[number]
    if (!DASHBOARDS.includes(name)) throw new AppError('BAD_INPUT', `unknown dashboard "${name ?? ''}" (known: ${DASHBOARDS.join(', ')})`)
    const ws = openWorkspaceFromArgs(args, { readonly: true })
    try {
      const top = flagNumber(args, 'top', 20)
      const r =
        name === 'subscriber-growth' ? subscriberGrowth(ws) : name === 'churn-forecast' ? churnForecast(ws, top) : name === 'revenue-waterfall' ? revenueWaterfall(ws) : billShock(ws, top)
      if (args.flags.json) io.json({ ok: true, dashboard: name, ...r })
      else io.out(JSON.stringify(r, null, 2))
      return 0
    } finally {
      ws.close()
    }
  },
})

register({
  path: ['sql'],
  summary: 'Run one read-only SQL statement on a separate read-only connection (writes are refused)',
  usage: 'sql "<select …>" [--json | --csv] [--max-rows 10000] [--timeout-ms 30000] [--db PATH]',
  async run(args, io) {
    const sql = needArg(args, 'an SQL statement')
    const maxRows = flagInt(args, 'max-rows', 10_000, { min: 1, max: 1_000_000, unit: 'rows' })
    const timeoutMs = flagInt(args, 'timeout-ms', 30_000, { min: 1, max: MAX_TIMEOUT_MS, unit: 'ms (24 h)' })
    const dbPath = resolve(flagString(args, 'db') ?? cliConfig().dbPath)
    if (!existsSync(dbPath)) throw new AppError('NOT_FOUND', `no workspace at ${dbPath}`)
    try {
      const { sqlConcurrency, sqlQueueMs, sqlMaxResultBytes } = cliConfig().limits
      const r = await sqlRunnerFor(dbPath, { concurrency: sqlConcurrency, queueMs: sqlQueueMs, maxResultBytes: sqlMaxResultBytes }).run(sql, { maxRows, timeoutMs })
      const names = r.columns.map((c) => c.name)
      if (args.flags.json) {
        io.json({ ok: true, columns: names, rows: r.rows.map((row) => Object.fromEntries(row.map((v, i) => [names[i], v]))), rowCount: r.rowCount, truncated: r.truncated, ...(r.notice ? { truncatedBy: r.truncatedBy, notice: r.notice } : {}), elapsedMs: Math.round(r.elapsedMs) })
      } else if (args.flags.csv) {
        const cols = names.map((n, i) => ({ key: `c${i}`, label: n, type: 'string' as const }))
        process.stdout.write(tableToCsv({ title: '', notes: [], columns: cols, rows: r.rows.map((row) => Object.fromEntries(row.map((v, i) => [`c${i}`, v]))) }))
      } else {
        textTable(names, r.rows, io)
        io.out(r.notice ? `first ${r.rows.length} row(s) shown: ${r.notice}` : `${r.rowCount} row(s)${r.truncated ? `, first ${r.rows.length} shown` : ''} in ${Math.round(r.elapsedMs)} ms`)
      }
      return 0
    } finally {
      await closeSqlRunners()
    }
  },
})
