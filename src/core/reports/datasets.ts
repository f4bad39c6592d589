// The whitelist the report compiler works from: per dataset, its base table, the joins it may add, and every field a
// report may name — with the SQL expression behind it, its type and the aggregations allowed over it. Nothing a user
// types reaches SQL: field names are looked up here, values are bound as parameters.
import type { Aggregation, DatasetInfo, FieldType, ReportDataset, TimeGrain } from '../../shared/api/reports'
import { PLANS } from '../../shared/domain/catalog'
import { ACCOUNT_TYPES, LINE_STATUSES } from '../../shared/domain/line'

export interface FieldDef {
  name: string
  label: string
  type: FieldType
  sql: string
  /** joins (by name, from the dataset's `joins`) this expression needs */
  joins?: string[]
  aggs?: Aggregation[]
  values?: readonly string[]
}

export interface DatasetDef {
  name: ReportDataset
  label: string
  description: string
  from: string
  /** joins by name; the compiler adds only those the chosen fields need */
  joins: Record<string, string>
  fields: FieldDef[]
  /** a pre-aggregated copy that answers the reports it covers (see rollup.ts) */
  rollup?: RollupDef
}

/** A dataset's pre-aggregated copy (see rollup.ts for how reports are routed to it). */
export interface RollupDef {
  table: string
  /** the base query, grouped: builds the rollup */
  build: string
  dims: Array<{ field: string; grain?: TimeGrain; col: string }>
  /** NOT NULL numeric fields: columns <col>_sum, <col>_min, <col>_max */
  measures: Array<{ field: string; col: string }>
}

export const USAGE_ROLLUP: RollupDef = {
  table: 'temp.rollup_usage',
  build: `SELECT substr(u.cycle_start, 1, 7) AS cycle_month, u.plan_code, p.kind AS plan_kind, l.state, l.status AS line_status, l.account_type,
  l.plan_code AS line_plan_code, count(*) AS n,
  sum(u.data_mb) AS data_mb_sum, min(u.data_mb) AS data_mb_min, max(u.data_mb) AS data_mb_max,
  sum(u.sms) AS sms_sum, min(u.sms) AS sms_min, max(u.sms) AS sms_max,
  sum(u.voice_min) AS voice_min_sum, min(u.voice_min) AS voice_min_min, max(u.voice_min) AS voice_min_max
FROM usage_cycles u JOIN lines l ON l.id = u.line_id LEFT JOIN plans p ON p.code = u.plan_code
GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  dims: [
    { field: 'cycle_start', grain: 'month', col: 'cycle_month' },
    { field: 'plan_code', col: 'plan_code' },
    { field: 'plan_kind', col: 'plan_kind' },
    { field: 'state', col: 'state' },
    { field: 'line_status', col: 'line_status' },
    { field: 'account_type', col: 'account_type' },
    { field: 'line_plan_code', col: 'line_plan_code' },
  ],
  measures: [
    { field: 'data_mb', col: 'data_mb' },
    { field: 'sms', col: 'sms' },
    { field: 'voice_min', col: 'voice_min' },
  ],
}

const NUM_AGGS: Aggregation[] = ['count_distinct', 'sum', 'avg', 'min', 'max']
const TEXT_AGGS: Aggregation[] = ['count_distinct', 'min', 'max']
const DATE_AGGS: Aggregation[] = ['count_distinct', 'min', 'max']
const BOOL_AGGS: Aggregation[] = ['sum', 'avg']

export function allowedAggs(f: FieldDef): Aggregation[] {
  if (f.aggs) return f.aggs
  if (f.type === 'number' || f.type === 'money') return NUM_AGGS
  if (f.type === 'date') return DATE_AGGS
  if (f.type === 'boolean') return BOOL_AGGS
  return TEXT_AGGS
}

const PLAN_CODES = PLANS.map((p) => p.code)
const PLAN_KINDS = ['homefi', 'mobile', 'iot'] as const

const idAggs: Aggregation[] = ['count_distinct']

const lineFields = (alias: string, join?: string): FieldDef[] => {
  const j = join ? [join] : undefined
  const f = (name: string, label: string, type: FieldType, col: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type,
    sql: `${alias}.${col}`,
    joins: j,
    ...extra,
  })
  return [
    f('line_status', 'Line status', 'string', 'status', { values: LINE_STATUSES }),
    f('state', 'State', 'string', 'state'),
    f('zip', 'ZIP', 'string', 'zip'),
    f('account_type', 'Account type', 'string', 'account_type', { values: ACCOUNT_TYPES }),
    f('line_plan_code', 'Current plan', 'string', 'plan_code', { values: PLAN_CODES }),
    f('activated_at', 'Activated', 'date', 'activated_at'),
    f('cycle_day', 'Cycle day', 'number', 'cycle_day', { aggs: ['count_distinct', 'min', 'max', 'avg'] }),
    f('failed_payments', 'Failed payments', 'number', 'failed_payments'),
    f('days_past_due', 'Days past due', 'number', 'days_past_due'),
  ]
}

const DATASETS: DatasetDef[] = [
  {
    name: 'lines',
    label: 'Lines',
    description: 'One row per line (subscriber), with its account details and current-cycle usage.',
    from: 'lines l',
    joins: { plan: 'LEFT JOIN plans p ON p.code = l.plan_code' },
    fields: [
      { name: 'id', label: 'Line id', type: 'number', sql: 'l.id', aggs: idAggs },
      { name: 'msisdn', label: 'MSISDN', type: 'string', sql: 'l.msisdn', aggs: idAggs },
      { name: 'account_id', label: 'Account', type: 'string', sql: 'l.account_id', aggs: idAggs },
      { name: 'account_name', label: 'Account name', type: 'string', sql: 'l.account_name' },
      { name: 'state', label: 'State', type: 'string', sql: 'l.state' },
      { name: 'zip', label: 'ZIP', type: 'string', sql: 'l.zip' },
      { name: 'account_type', label: 'Account type', type: 'string', sql: 'l.account_type', values: ACCOUNT_TYPES },
      { name: 'plan_code', label: 'Plan', type: 'string', sql: 'l.plan_code', values: PLAN_CODES },
      { name: 'plan_kind', label: 'Plan kind', type: 'string', sql: 'p.kind', joins: ['plan'], values: PLAN_KINDS },
      { name: 'plan_price_cents', label: 'Plan price', type: 'money', sql: 'p.monthly_cents', joins: ['plan'] },
      { name: 'addons', label: 'Add-ons', type: 'string', sql: 'l.addons' },
      { name: 'status', label: 'Status', type: 'string', sql: 'l.status', values: LINE_STATUSES },
      { name: 'activated_at', label: 'Activated', type: 'date', sql: 'l.activated_at' },
      { name: 'disconnected_at', label: 'Disconnected', type: 'date', sql: 'l.disconnected_at' },
      { name: 'cycle_day', label: 'Cycle day', type: 'number', sql: 'l.cycle_day' },
      { name: 'cycle_start', label: 'Cycle start', type: 'date', sql: 'l.cycle_start' },
      { name: 'data_used_mb', label: 'Data used (MB)', type: 'number', sql: 'l.data_used_mb' },
      { name: 'topup_mb', label: 'Top-ups (MB)', type: 'number', sql: 'l.topup_mb' },
      { name: 'sms_used', label: 'SMS', type: 'number', sql: 'l.sms_used' },
      { name: 'voice_min', label: 'Voice minutes', type: 'number', sql: 'l.voice_min' },
      { name: 'failed_payments', label: 'Failed payments', type: 'number', sql: 'l.failed_payments' },
      { name: 'past_due_cents', label: 'Past due', type: 'money', sql: 'l.past_due_cents' },
      { name: 'days_past_due', label: 'Days past due', type: 'number', sql: 'l.days_past_due' },
      { name: 'wallet_cents', label: 'Wallet', type: 'money', sql: 'l.wallet_cents' },
      { name: 'tags', label: 'Tags', type: 'string', sql: 'l.tags' },
      { name: 'updated_at', label: 'Updated', type: 'date', sql: 'l.updated_at' },
    ],
  },
  {
    name: 'accounts',
    label: 'Accounts',
    description: 'One row per billing account.',
    from: 'accounts a',
    joins: {},
    fields: [
      { name: 'id', label: 'Account id', type: 'string', sql: 'a.id', aggs: idAggs },
      { name: 'name', label: 'Name', type: 'string', sql: 'a.name' },
      { name: 'email', label: 'Email', type: 'string', sql: 'a.email', aggs: idAggs },
      { name: 'city', label: 'City', type: 'string', sql: 'a.city' },
      { name: 'state', label: 'State', type: 'string', sql: 'a.state' },
      { name: 'zip', label: 'ZIP', type: 'string', sql: 'a.zip' },
      { name: 'type', label: 'Type', type: 'string', sql: 'a.type', values: ACCOUNT_TYPES },
      { name: 'wallet_cents', label: 'Wallet', type: 'money', sql: 'a.wallet_cents' },
      { name: 'past_due_cents', label: 'Past due', type: 'money', sql: 'a.past_due_cents' },
      { name: 'days_past_due', label: 'Days past due', type: 'number', sql: 'a.days_past_due' },
      { name: 'failed_payments', label: 'Failed payments', type: 'number', sql: 'a.failed_payments' },
      { name: 'tags', label: 'Tags', type: 'string', sql: 'a.tags' },
      { name: 'created_at', label: 'Created', type: 'date', sql: 'a.created_at' },
    ],
  },
  {
    name: 'usage',
    label: 'Cycle usage',
    description: 'One row per line per billing cycle, joined to the line for its state, status and account.',
    from: 'usage_cycles u',
    rollup: USAGE_ROLLUP,
    joins: {
      line: 'JOIN lines l ON l.id = u.line_id',
      plan: 'LEFT JOIN plans p ON p.code = u.plan_code',
    },
    fields: [
      { name: 'line_id', label: 'Line id', type: 'number', sql: 'u.line_id', aggs: idAggs },
      { name: 'cycle_start', label: 'Cycle start', type: 'date', sql: 'u.cycle_start' },
      { name: 'plan_code', label: 'Cycle plan', type: 'string', sql: 'u.plan_code', values: PLAN_CODES },
      { name: 'plan_kind', label: 'Plan kind', type: 'string', sql: 'p.kind', joins: ['plan'], values: PLAN_KINDS },
      { name: 'bucket_mb', label: 'Plan bucket (MB)', type: 'number', sql: 'p.data_mb', joins: ['plan'] },
      { name: 'plan_price_cents', label: 'Plan price', type: 'money', sql: 'p.monthly_cents', joins: ['plan'] },
      { name: 'data_mb', label: 'Data (MB)', type: 'number', sql: 'u.data_mb' },
      { name: 'sms', label: 'SMS', type: 'number', sql: 'u.sms' },
      { name: 'voice_min', label: 'Voice minutes', type: 'number', sql: 'u.voice_min' },
      ...lineFields('l', 'line'),
    ],
  },
  {
    name: 'invoices',
    label: 'Invoices',
    description: 'One row per invoice, with the account state and type.',
    from: 'invoices i',
    joins: { account: 'LEFT JOIN accounts a ON a.id = i.account_id' },
    fields: [
      { name: 'id', label: 'Invoice id', type: 'number', sql: 'i.id', aggs: idAggs },
      { name: 'account_id', label: 'Account', type: 'string', sql: 'i.account_id', aggs: idAggs },
      { name: 'period', label: 'Period', type: 'string', sql: 'i.period' },
      { name: 'issued_at', label: 'Issued', type: 'date', sql: 'i.issued_at' },
      { name: 'due_at', label: 'Due', type: 'date', sql: 'i.due_at' },
      { name: 'paid_at', label: 'Paid', type: 'date', sql: 'i.paid_at' },
      { name: 'status', label: 'Status', type: 'string', sql: 'i.status', values: ['open', 'paid', 'past_due', 'void'] },
      { name: 'prior_balance_cents', label: 'Prior balance', type: 'money', sql: 'i.prior_balance_cents' },
      { name: 'subtotal_cents', label: 'Subtotal', type: 'money', sql: 'i.subtotal_cents' },
      { name: 'tax_cents', label: 'Tax', type: 'money', sql: 'i.tax_cents' },
      { name: 'total_cents', label: 'Total', type: 'money', sql: 'i.total_cents' },
      { name: 'state', label: 'Account state', type: 'string', sql: 'a.state', joins: ['account'] },
      { name: 'account_type', label: 'Account type', type: 'string', sql: 'a.type', joins: ['account'], values: ACCOUNT_TYPES },
    ],
  },
  {
    name: 'payments',
    label: 'Payments',
    description: 'One row per payment attempt (succeeded, failed or refunded).',
    from: 'payments pm',
    joins: { account: 'LEFT JOIN accounts a ON a.id = pm.account_id' },
    fields: [
      { name: 'id', label: 'Payment id', type: 'number', sql: 'pm.id', aggs: idAggs },
      { name: 'account_id', label: 'Account', type: 'string', sql: 'pm.account_id', aggs: idAggs },
      { name: 'invoice_id', label: 'Invoice id', type: 'number', sql: 'pm.invoice_id', aggs: idAggs },
      { name: 'created_at', label: 'Created', type: 'date', sql: 'pm.created_at' },
      { name: 'amount_cents', label: 'Amount', type: 'money', sql: 'pm.amount_cents' },
      { name: 'status', label: 'Status', type: 'string', sql: 'pm.status', values: ['succeeded', 'failed', 'refunded'] },
      { name: 'failure_code', label: 'Failure code', type: 'string', sql: 'pm.failure_code' },
      { name: 'failure_message', label: 'Failure message', type: 'string', sql: 'pm.failure_message' },
      { name: 'state', label: 'Account state', type: 'string', sql: 'a.state', joins: ['account'] },
      { name: 'account_type', label: 'Account type', type: 'string', sql: 'a.type', joins: ['account'], values: ACCOUNT_TYPES },
    ],
  },
  {
    name: 'operations',
    label: 'Operations',
    description: 'One row per console operation on a line (the outbox), with its batch.',
    from: 'operations o',
    joins: {
      batch: 'LEFT JOIN op_batches b ON b.id = o.batch_id',
      line: 'LEFT JOIN lines l ON l.id = o.line_id',
    },
    fields: [
      { name: 'seq', label: 'Seq', type: 'number', sql: 'o.seq', aggs: idAggs },
      { name: 'batch_id', label: 'Batch', type: 'string', sql: 'o.batch_id', aggs: idAggs },
      { name: 'line_id', label: 'Line id', type: 'number', sql: 'o.line_id', aggs: idAggs },
      { name: 'action', label: 'Action', type: 'string', sql: 'o.action' },
      { name: 'status', label: 'Status', type: 'string', sql: 'o.status', values: ['pending', 'applied', 'rejected', 'conflict', 'discarded'] },
      { name: 'reason', label: 'Reason', type: 'string', sql: 'o.reason' },
      { name: 'attempts', label: 'Attempts', type: 'number', sql: 'o.attempts' },
      { name: 'created_at', label: 'Created', type: 'date', sql: 'o.created_at' },
      { name: 'resolved_at', label: 'Resolved', type: 'date', sql: 'o.resolved_at' },
      { name: 'actor', label: 'Actor', type: 'string', sql: 'b.actor', joins: ['batch'] },
      { name: 'role', label: 'Role', type: 'string', sql: 'b.role', joins: ['batch'] },
      { name: 'batch_kind', label: 'Batch kind', type: 'string', sql: 'b.kind', joins: ['batch'], values: ['commit', 'rollback', 'draft'] },
      { name: 'parser', label: 'Parser', type: 'string', sql: 'b.parser', joins: ['batch'] },
      { name: 'plan_code', label: 'Line plan', type: 'string', sql: 'l.plan_code', joins: ['line'], values: PLAN_CODES },
      { name: 'state', label: 'Line state', type: 'string', sql: 'l.state', joins: ['line'] },
    ],
  },
]

const BY_NAME = new Map(DATASETS.map((d) => [d.name, d]))

export function datasetDef(name: ReportDataset): DatasetDef {
  const d = BY_NAME.get(name)
  if (!d) throw new Error(`no dataset ${name}`)
  return d
}

export function datasetInfos(): DatasetInfo[] {
  return DATASETS.map((d) => ({
    name: d.name,
    label: d.label,
    description: d.description,
    fields: d.fields.map((f) => ({ name: f.name, label: f.label, type: f.type, aggs: allowedAggs(f), values: f.values ? [...f.values] : undefined })),
  }))
}
