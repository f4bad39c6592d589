// The reports domain's API handlers (ReportsApi): the builder, saved reports, the SQL runner, dashboards and exports.
import type { Writable } from 'node:stream'
import { AppError } from '../../shared/api/errors'
import type { ReportsApi } from '../../shared/api/reports'
import type { Workspace } from '../store'
import { compileReport } from './compile'
import { billShock } from './dashboards/bill-shock'
import { churnForecast } from './dashboards/churn-forecast'
import { revenueWaterfall } from './dashboards/revenue-waterfall'
import { subscriberGrowth } from './dashboards/subscriber-growth'
import { ensureDashboardSummaries, watchDashboardSummaries } from './dashboards/summaries'
import { datasetInfos } from './datasets'
import { collect, fileOf, reportTable, writeTable } from './export'
import { financeCsvTable, financeReport, financeTables } from './finance'
import { runReport } from './run'
import { deleteReport, duplicateReport, listSaved, renameReport, saveReport } from './saved'
import { schemaTables } from './schema-browser'
import { sqlRunnerFor } from './sql-runner'
import { writeCsv, writeXlsx } from './table-export'

export function reportsHandlers(ws: Workspace): ReportsApi {
  const runner = () => sqlRunnerFor(ws.opts.dbPath)
  // Dashboards answer from persisted summaries, refreshed off the main thread when the data changes (see summaries.ts).
  watchDashboardSummaries(ws)
  return {
    async datasets() {
      return datasetInfos()
    },
    async compile({ spec }) {
      return compileReport(spec, { asOf: ws.meta('as_of') })
    },
    async run(ref) {
      return runReport(ws, ref)
    },
    async list() {
      return listSaved(ws)
    },
    async save({ name, spec, overwrite }) {
      compileReport(spec, { asOf: ws.meta('as_of') }) // refuse what would not run before it is saved
      return saveReport(ws, name, spec, overwrite)
    },
    async rename({ name, newName }) {
      return renameReport(ws, name, newName)
    },
    async duplicate({ name, newName }) {
      return duplicateReport(ws, name, newName)
    },
    async remove({ name }) {
      return { deleted: await deleteReport(ws, name) }
    },
    async sqlRun({ sql, maxRows, timeoutMs, runId }) {
      return runner().run(sql, { maxRows, timeoutMs, runId })
    },
    async sqlCancel({ runId }) {
      return { cancelled: runner().cancel(runId) }
    },
    async schema() {
      return schemaTables(ws)
    },
    async subscriberGrowth() {
      await ensureDashboardSummaries(ws)
      return subscriberGrowth(ws, undefined, { allowStale: true })
    },
    async churnForecast({ top }) {
      await ensureDashboardSummaries(ws)
      return churnForecast(ws, top, { allowStale: true })
    },
    async revenueWaterfall() {
      await ensureDashboardSummaries(ws)
      return revenueWaterfall(ws, { allowStale: true })
    },
    async billShock({ top }) {
      await ensureDashboardSummaries(ws)
      return billShock(ws, top, { allowStale: true })
    },
    async finance({ month }) {
      return financeReport(ws, month)
    },
    async exportReport({ report, format }) {
      const r = runReport(ws, report)
      const buf = await collect((out) => writeTable(reportTable(r), format, out, r.chart))
      return fileOf(buf, r.title, format)
    },
    async exportSql({ sql, format, maxRows, timeoutMs }) {
      const res = await runner().run(sql, { maxRows, timeoutMs })
      const columns = res.columns.map((c, i) => ({ key: `c${i}`, label: c.name, type: 'string' as const }))
      const rows = res.rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])))
      const notes = [`SQL: ${sql.replace(/\s+/g, ' ').slice(0, 500)}`, res.notice ? `First ${res.rows.length} rows: ${res.notice}` : res.truncated ? `First ${res.rows.length} of ${res.rowCount} rows` : `${res.rowCount} rows`]
      const buf = await collect((out) => writeTable({ title: 'SQL result', notes, columns, rows }, format, out))
      return fileOf(buf, 'sql-result', format)
    },
    async exportFinance({ month, format }) {
      const f = financeReport(ws, month)
      if (f.invoiceCount === 0) throw new AppError('NOT_FOUND', `no invoices for ${month}`)
      const buf = await collect((out) => writeFinance(f, format, out, ws.meta('as_of')))
      return fileOf(buf, `finance-${month}`, format)
    },
  }
}

export async function writeFinance(f: ReturnType<typeof financeReport>, format: 'csv' | 'xlsx', out: Writable, asOf: string | null): Promise<void> {
  if (format === 'csv') return writeCsv(financeCsvTable(f, asOf), out)
  return writeXlsx(financeTables(f, asOf), out, ['Revenue', 'Tax', 'Reconciliation'])
}
