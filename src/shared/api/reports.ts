// Offline reports: the report spec the builder produces (compiled to SQL by the core through a per-dataset whitelist),
// saved reports, the read-only SQL runner, the prebuilt dashboards and the exports.
import { z } from 'zod'
import type { Aggregation, ChartType, FieldType, ReportDataset } from '../domain/report-spec'
import { reportSpec, type ReportSpec } from './report-spec'

export * from '../domain/report-spec'
export * from './report-spec'

/** What the UI needs to build a report: each dataset's whitelisted fields (no SQL). */
export interface DatasetField {
  name: string
  label: string
  type: FieldType
  /** aggregations allowed over this field (count is always allowed without a field) */
  aggs: Aggregation[]
  /** small closed value lists, for filter pickers */
  values?: string[]
}
export interface DatasetInfo {
  name: ReportDataset
  label: string
  description: string
  fields: DatasetField[]
}

export interface ReportColumn {
  key: string
  label: string
  type: FieldType
  role: 'dimension' | 'measure'
}

export type Cell = string | number | null

export interface CompiledReport {
  sql: string
  params: Array<string | number>
  columns: ReportColumn[]
  /** set when the report was answered from a rollup: what it is and the query it pre-aggregates */
  via?: string
}

export interface ReportResult extends CompiledReport {
  title: string
  chart: ChartType
  rows: Array<Record<string, Cell>>
  elapsedMs: number
  asOf: string | null
}

export interface SavedReport {
  id: string
  name: string
  spec: ReportSpec
  createdAt: string
  updatedAt: string
}

/** A report to run or export: a spec, or the name of a saved report. */
export const reportRef = z.union([z.object({ spec: reportSpec }), z.object({ name: z.string().min(1).max(200) })])
export type ReportRef = z.input<typeof reportRef>

export const saveReportInput = z.object({
  name: z.string().trim().min(1).max(200),
  spec: reportSpec,
  /** overwrite the saved report with this name (otherwise an existing name is a CONFLICT) */
  overwrite: z.boolean().default(false),
})
export const renameReportInput = z.object({ name: z.string().min(1).max(200), newName: z.string().trim().min(1).max(200) })
export const duplicateReportInput = z.object({ name: z.string().min(1).max(200), newName: z.string().trim().min(1).max(200).optional() })
export const deleteReportInput = z.object({ name: z.string().min(1).max(200) })

// ---- SQL runner

export const sqlRunInput = z.object({
  sql: z.string().min(1).max(100_000),
  /** rows returned; the true count is still reported */
  maxRows: z.number().int().min(1).max(100_000).default(10_000),
  timeoutMs: z.number().int().min(50).max(600_000).default(30_000),
  /** lets the UI cancel this run with sqlCancel */
  runId: z.string().max(64).optional(),
})
export type SqlRunInput = z.input<typeof sqlRunInput>

export interface SqlColumn {
  name: string
  /** declared type, when the column comes straight from a table */
  type: string | null
}
export interface SqlResult {
  columns: SqlColumn[]
  rows: Cell[][]
  /** the true number of rows the statement produced */
  rowCount: number
  truncated: boolean
  maxRows: number
  elapsedMs: number
  /** 'bytes': the result reached the runner's byte cap and the statement was stopped (rowCount is then rows read) */
  truncatedBy?: 'bytes'
  /** what the user should read about the result (why it was truncated, what to do) */
  notice?: string
}

export interface SchemaTable {
  name: string
  type: 'table' | 'view'
  columns: Array<{ name: string; type: string; notNull: boolean; pk: boolean }>
  indexes: Array<{ name: string; unique: boolean; columns: string[] }>
}

// ---- Dashboards

/**
 * Where a dashboard's figures came from: the persisted dashboard summaries (a sidecar of the workspace file), built for
 * one data generation. When the data changed after that build the answer is still shown, flagged stale, while a
 * refresh runs off the main thread; it is never passed off as current.
 */
export interface DashboardFreshness {
  /** when the summaries were built (ISO time) */
  builtAt: string
  /** the workspace's data generation the summaries were built for, and the current one */
  generation: number
  currentGeneration: number
  stale: boolean
  refreshing: boolean
  /** why the last refresh failed, while stale */
  refreshError?: string
}

export interface SubscriberGrowthRow {
  month: string
  planCode: string
  activations: number
  disconnects: number
  netAdds: number
}
export interface SubscriberGrowth {
  asOf: string
  /** set when the answer was read from the dashboard summaries */
  freshness?: DashboardFreshness
  months: string[]
  byMonth: Array<{ month: string; activations: number; disconnects: number; netAdds: number; endingActive: number }>
  byMonthPlan: SubscriberGrowthRow[]
  sql: string[]
}

export interface ChurnMetrics {
  /** examples in the backtest month */
  n: number
  positives: number
  accuracy: number
  auc: number
  /** precision among the top k scored lines, k = 1% of the backtest lines (a retention campaign's size) */
  precisionAtK: number
  k: number
  /** the trivial baseline: predict "nobody churns" */
  baselineAccuracy: number
  /** precision@k of a rule of thumb: rank by failure streak, then failed payments in 90 days, then days past due */
  baselinePrecisionAtK: number
  /** the base rate of churn in the backtest month */
  baseRate: number
}
export interface ChurnRiskLine {
  lineId: number
  msisdn: string
  accountId: string
  accountName: string
  planCode: string
  status: string
  risk: number
  failedPayments: number
  daysPastDue: number
  careContacts: number
  tenureMonths: number
}
export interface ChurnForecast {
  asOf: string
  /** set when the answer was read from the dashboard summaries */
  freshness?: DashboardFreshness
  trainMonths: string[]
  backtestMonth: string
  scoreMonth: string
  features: string[]
  weights: Array<{ feature: string; weight: number }>
  metrics: ChurnMetrics
  activeLines: number
  expectedChurners: number
  riskBands: Array<{ band: string; lines: number }>
  top: ChurnRiskLine[]
  /** training time etc. */
  elapsedMs: number
}

export interface WaterfallMonth {
  month: string
  /** true for the as-of month: a snapshot at the as-of date, not at month end */
  partial: boolean
  openingCents: number
  newCents: number
  expansionCents: number
  contractionCents: number
  churnCents: number
  closingCents: number
  openingLines: number
  closingLines: number
}
export interface RevenueWaterfall {
  asOf: string
  /** set when the answer was read from the dashboard summaries */
  freshness?: DashboardFreshness
  definition: string
  months: WaterfallMonth[]
}

export interface BillShockLine {
  lineId: number
  msisdn: string
  accountName: string
  planCode: string
  cycleStart: string
  cycleEnd: string
  daysElapsed: number
  cycleDays: number
  usedMb: number
  allowanceMb: number
  projectedMb: number
  overshootMb: number
}
export interface BillShock {
  asOf: string
  /** set when the answer was read from the dashboard summaries */
  freshness?: DashboardFreshness
  method: string
  lines: number
  top: BillShockLine[]
  byPlan: Array<{ planCode: string; lines: number; overshootMb: number }>
  /** a console cohort sentence that selects (approximately) these lines */
  cohortSentence: string
  /** the exact line ids (capped) for a selection hand-off */
  lineIds: number[]
}

// ---- Finance

export const financeInput = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'month must be YYYY-MM') })
export interface FinanceRow {
  section: 'revenue' | 'tax' | 'reconciliation'
  state: string
  category: string
  code: string
  amountCents: number
}
export interface FinanceReport {
  month: string
  rows: FinanceRow[]
  revenueCents: number
  taxCents: number
  creditsCents: number
  /** sum of invoice subtotal and tax for the period, from the invoices table */
  invoiceSubtotalCents: number
  invoiceTaxCents: number
  invoiceTotalCents: number
  invoiceCount: number
  reconciled: boolean
}

// ---- Exports

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportFile {
  filename: string
  mime: string
  base64: string
  bytes: number
}

export const exportReportInput = z.object({ report: reportRef, format: z.enum(EXPORT_FORMATS) })
export const exportSqlInput = z.object({
  sql: z.string().min(1).max(100_000),
  format: z.enum(['csv', 'xlsx']),
  maxRows: z.number().int().min(1).max(100_000).default(10_000),
  timeoutMs: z.number().int().min(50).max(600_000).default(30_000),
})
export const financeExportInput = financeInput.extend({ format: z.enum(['csv', 'xlsx']) })

export interface ReportsApi {
  datasets(): Promise<DatasetInfo[]>
  compile(input: { spec: ReportSpec }): Promise<CompiledReport>
  run(input: z.output<typeof reportRef>): Promise<ReportResult>
  list(): Promise<SavedReport[]>
  save(input: z.output<typeof saveReportInput>): Promise<SavedReport>
  rename(input: z.output<typeof renameReportInput>): Promise<SavedReport>
  duplicate(input: z.output<typeof duplicateReportInput>): Promise<SavedReport>
  remove(input: z.output<typeof deleteReportInput>): Promise<{ deleted: boolean }>
  sqlRun(input: z.output<typeof sqlRunInput>): Promise<SqlResult>
  sqlCancel(input: { runId: string }): Promise<{ cancelled: boolean }>
  schema(): Promise<SchemaTable[]>
  subscriberGrowth(): Promise<SubscriberGrowth>
  churnForecast(input: { top: number }): Promise<ChurnForecast>
  revenueWaterfall(): Promise<RevenueWaterfall>
  billShock(input: { top: number }): Promise<BillShock>
  finance(input: z.output<typeof financeInput>): Promise<FinanceReport>
  exportReport(input: z.output<typeof exportReportInput>): Promise<ExportFile>
  exportSql(input: z.output<typeof exportSqlInput>): Promise<ExportFile>
  exportFinance(input: z.output<typeof financeExportInput>): Promise<ExportFile>
}

export const topInput = z.object({ top: z.number().int().min(1).max(5000).default(100) }).default({ top: 100 })
