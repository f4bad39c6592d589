// Where the demo generator writes. One method per table, each taking a batch of plain row objects keyed by the SQL
// column names of db/local/schema.ts (snake_case; values are numbers, strings, null or Buffers), so the same generator
// fills the local SQLite store (sqlite-sink.ts) or the central Postgres database (a Postgres sink).
//
// Order of calls: begin() once; then batches in any interleaving (the generator flushes every table of a batch of
// accounts before the next batch, parents before children within a batch); finish() once after the last batch.
// A method may return a promise; the generator awaits it before producing more rows (back-pressure).
// Row objects and arrays may be reused by the generator after the call returns: copy what you keep.

export interface PlanRowOut {
  code: string
  name: string
  kind: 'homefi' | 'mobile' | 'iot'
  monthly_cents: number
  data_mb: number | null
}

export interface AddonRowOut {
  code: string
  name: string
  price_cents: number
  /** 1 / 0 (SQLite boolean) */
  recurring: number
  data_mb: number | null
}

export interface AccountRowOut {
  id: string
  name: string
  email: string
  street: string
  city: string
  state: string
  zip: string
  type: 'consumer' | 'business'
  wallet_cents: number
  past_due_cents: number
  days_past_due: number
  failed_payments: number
  tags: string
  created_at: string
  row_version: number
}

export interface LineRowOut {
  id: number
  msisdn: string
  iccid: string
  imei: string
  account_id: string
  plan_code: string
  addons: string
  status: 'pending' | 'active' | 'suspended' | 'hotlined' | 'disconnected'
  activated_at: string | null
  disconnected_at: string | null
  cycle_day: number
  cycle_start: string
  data_used_mb: number
  topup_mb: number
  sms_used: number
  voice_min: number
  plan_changes_month: number
  tags: string
  row_version: number
  updated_at: string
  account_name: string
  email: string
  state: string
  zip: string
  account_type: 'consumer' | 'business'
  failed_payments: number
  past_due_cents: number
  days_past_due: number
  wallet_cents: number
}

export interface UsageCycleRowOut {
  line_id: number
  cycle_start: string
  data_mb: number
  sms: number
  voice_min: number
  plan_code: string
}

export interface UsageDailyRowOut {
  line_id: number
  /** YYYY-MM */
  month: string
  /** little-endian uint16 MB per day, day 1 first; the as-of month stops at the as-of day */
  mb: Buffer
}

export interface InvoiceRowOut {
  id: number
  account_id: string
  period: string
  issued_at: string
  due_at: string
  prior_balance_cents: number
  subtotal_cents: number
  tax_cents: number
  total_cents: number
  status: 'open' | 'paid' | 'past_due' | 'void'
  paid_at: string | null
}

export interface InvoiceItemRowOut {
  id: number
  invoice_id: number
  line_id: number | null
  kind: 'plan' | 'addon' | 'topup' | 'proration' | 'credit' | 'fee' | 'tax'
  code: string | null
  description: string
  amount_cents: number
}

export interface PaymentRowOut {
  id: number
  account_id: string
  invoice_id: number | null
  created_at: string
  amount_cents: number
  status: 'succeeded' | 'failed' | 'refunded'
  failure_code: string | null
  failure_message: string | null
  method_token: string
}

export interface CareRowOut {
  id: number
  account_id: string
  line_id: number | null
  created_at: string
  channel: 'call' | 'chat' | 'email' | 'sms'
  category: string
  summary: string
  agent: string
}

export interface LineEventRowOut {
  id: number
  line_id: number
  at: string
  kind: string
  detail: string
  reason: string | null
  actor: string
  batch_id: string | null
}

export interface MetaRowOut {
  key: string
  value: string
}

export interface DemoSinkInfo {
  lines: number
  months: number
  seed: number
  asOf: string
}

type R = void | Promise<void>

export interface DemoSink {
  begin(info: DemoSinkInfo): R
  plans(rows: PlanRowOut[]): R
  addons(rows: AddonRowOut[]): R
  accounts(rows: AccountRowOut[]): R
  lines(rows: LineRowOut[]): R
  usageCycles(rows: UsageCycleRowOut[]): R
  usageDaily(rows: UsageDailyRowOut[]): R
  invoices(rows: InvoiceRowOut[]): R
  invoiceItems(rows: InvoiceItemRowOut[]): R
  payments(rows: PaymentRowOut[]): R
  careInteractions(rows: CareRowOut[]): R
  lineEvents(rows: LineEventRowOut[]): R
  meta(rows: MetaRowOut[]): R
  /** after the last batch: build indexes, restore settings */
  finish(): R
}

/** The demo tables and their SQL column order (the order of db/local/schema.ts). */
export const DEMO_TABLES = {
  plans: ['code', 'name', 'kind', 'monthly_cents', 'data_mb'],
  addons: ['code', 'name', 'price_cents', 'recurring', 'data_mb'],
  accounts: ['id', 'name', 'email', 'street', 'city', 'state', 'zip', 'type', 'wallet_cents', 'past_due_cents', 'days_past_due', 'failed_payments', 'tags', 'created_at', 'row_version'],
  lines: ['id', 'msisdn', 'iccid', 'imei', 'account_id', 'plan_code', 'addons', 'status', 'activated_at', 'disconnected_at', 'cycle_day', 'cycle_start', 'data_used_mb', 'topup_mb', 'sms_used', 'voice_min', 'plan_changes_month', 'tags', 'row_version', 'updated_at', 'account_name', 'email', 'state', 'zip', 'account_type', 'failed_payments', 'past_due_cents', 'days_past_due', 'wallet_cents'],
  usage_cycles: ['line_id', 'cycle_start', 'data_mb', 'sms', 'voice_min', 'plan_code'],
  usage_daily: ['line_id', 'month', 'mb'],
  invoices: ['id', 'account_id', 'period', 'issued_at', 'due_at', 'prior_balance_cents', 'subtotal_cents', 'tax_cents', 'total_cents', 'status', 'paid_at'],
  invoice_items: ['id', 'invoice_id', 'line_id', 'kind', 'code', 'description', 'amount_cents'],
  payments: ['id', 'account_id', 'invoice_id', 'created_at', 'amount_cents', 'status', 'failure_code', 'failure_message', 'method_token'],
  care_interactions: ['id', 'account_id', 'line_id', 'created_at', 'channel', 'category', 'summary', 'agent'],
  line_events: ['id', 'line_id', 'at', 'kind', 'detail', 'reason', 'actor', 'batch_id'],
  meta: ['key', 'value'],
} as const

export type DemoTable = keyof typeof DEMO_TABLES
