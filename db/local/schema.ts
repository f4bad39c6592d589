// The local SQLite store: a read replica of the central backend plus the workstation's own state (outbox, drafts,
// saved reports). drizzle-kit generates the migrations in db/local/migrations from this file.
//
// Conventions: ids that operators type (accounts) are text; high-volume rows use integer keys. Dates are ISO text
// (YYYY-MM-DD or full timestamps), money is integer cents, data is integer MB (1 GB = 1024 MB).
// `lines` carries a few denormalized account columns (name, email, state, ZIP, type and the dunning figures) so that the
// grid and console cohorts can sort and filter a million lines on one indexed table; whoever writes an account
// (generator, sync apply) also refreshes these copies on its lines.
import { sql } from 'drizzle-orm'
import { LINE_STATUSES } from '../../src/shared/domain/line'
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const plans = sqliteTable('plans', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['homefi', 'mobile', 'iot'] }).notNull(),
  monthlyCents: integer('monthly_cents').notNull(),
  /** null = unlimited */
  dataMb: integer('data_mb'),
})

export const addons = sqliteTable('addons', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  priceCents: integer('price_cents').notNull(),
  recurring: integer('recurring', { mode: 'boolean' }).notNull(),
  dataMb: integer('data_mb'),
})

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(), // ACC-000123
    name: text('name').notNull(),
    email: text('email').notNull(),
    street: text('street').notNull(),
    city: text('city').notNull(),
    state: text('state').notNull(),
    zip: text('zip').notNull(),
    type: text('type', { enum: ['consumer', 'business'] }).notNull(),
    walletCents: integer('wallet_cents').notNull().default(0),
    pastDueCents: integer('past_due_cents').notNull().default(0),
    daysPastDue: integer('days_past_due').notNull().default(0),
    failedPayments: integer('failed_payments').notNull().default(0),
    tags: text('tags').notNull().default(''), // comma-separated, lower-case
    createdAt: text('created_at').notNull(),
    rowVersion: integer('row_version').notNull().default(1),
  },
  (t) => [index('accounts_email').on(t.email), index('accounts_name').on(sql`${t.name} COLLATE NOCASE`)],
)

export const lines = sqliteTable(
  'lines',
  {
    id: integer('id').primaryKey(),
    msisdn: text('msisdn').notNull(), // E.164 +1NXXNXXXXXX
    iccid: text('iccid').notNull(),
    imei: text('imei').notNull(),
    accountId: text('account_id').notNull(),
    planCode: text('plan_code').notNull(),
    addons: text('addons').notNull().default(''), // comma-separated add-on codes, sorted
    status: text('status', { enum: LINE_STATUSES }).notNull(),
    activatedAt: text('activated_at'), // YYYY-MM-DD, null while pending
    disconnectedAt: text('disconnected_at'),
    cycleDay: integer('cycle_day').notNull(), // 1..28
    cycleStart: text('cycle_start').notNull(), // first day of the current billing cycle
    dataUsedMb: integer('data_used_mb').notNull().default(0), // current cycle
    topupMb: integer('topup_mb').notNull().default(0), // current-cycle top-ups
    smsUsed: integer('sms_used').notNull().default(0),
    voiceMin: integer('voice_min').notNull().default(0),
    planChangesMonth: integer('plan_changes_month').notNull().default(0), // carrier rule: at most 4 per month
    tags: text('tags').notNull().default(''),
    rowVersion: integer('row_version').notNull().default(1),
    updatedAt: text('updated_at').notNull(),
    // denormalized from accounts (see header)
    accountName: text('account_name').notNull(),
    email: text('email').notNull(),
    state: text('state').notNull(),
    zip: text('zip').notNull(),
    accountType: text('account_type', { enum: ['consumer', 'business'] }).notNull(),
    failedPayments: integer('failed_payments').notNull().default(0),
    pastDueCents: integer('past_due_cents').notNull().default(0),
    daysPastDue: integer('days_past_due').notNull().default(0),
    walletCents: integer('wallet_cents').notNull().default(0),
  },
  (t) => [
    uniqueIndex('lines_msisdn').on(t.msisdn),
    uniqueIndex('lines_iccid').on(t.iccid),
    index('lines_account').on(t.accountId),
    index('lines_plan').on(t.planCode, t.id),
    index('lines_status').on(t.status, t.id),
    index('lines_activated').on(t.activatedAt, t.id),
    index('lines_data_used').on(t.dataUsedMb, t.id),
    index('lines_state').on(t.state, t.id),
    index('lines_zip').on(t.zip, t.id),
    index('lines_account_type').on(t.accountType, t.id),
    index('lines_failed').on(t.failedPayments, t.id),
    index('lines_past_due').on(t.pastDueCents, t.id),
    index('lines_days_past_due').on(t.daysPastDue, t.id),
    index('lines_account_name').on(sql`${t.accountName} COLLATE NOCASE`, t.id),
    index('lines_email').on(t.email, t.id),
    index('lines_cycle_day').on(t.cycleDay, t.id),
    index('lines_updated').on(t.updatedAt, t.id),
    index('lines_imei').on(t.imei),
    // reports: bill shock reads live lines' current-cycle usage from this index alone
    index('lines_status_usage').on(t.status, t.planCode, t.cycleStart, t.dataUsedMb, t.topupMb),
    // grid sorts and set filters (lines query layer)
    index('lines_addons').on(t.addons, t.id),
    index('lines_tags').on(t.tags, t.id),
    index('lines_wallet').on(t.walletCents, t.id),
    // console: a broad cohort's preview groups lines by what its rules and money read, from this index alone
    index('lines_console_cover').on(t.status, t.planCode, t.cycleDay, t.planChangesMonth, t.addons, t.tags, t.rowVersion),
    // console: per-line previews of plan / data and state / tenure cohorts read only these (no lookups into the table)
    index('lines_console_plan').on(t.planCode, t.dataUsedMb, t.topupMb, t.status, t.cycleDay, t.planChangesMonth, t.addons, t.tags, t.rowVersion),
    index('lines_console_state').on(t.state, t.activatedAt, t.status, t.planCode, t.cycleDay, t.planChangesMonth, t.addons, t.tags, t.rowVersion),
  ],
)

/** One row per line per billing cycle. */
export const usageCycles = sqliteTable(
  'usage_cycles',
  {
    lineId: integer('line_id').notNull(),
    cycleStart: text('cycle_start').notNull(),
    dataMb: integer('data_mb').notNull(),
    sms: integer('sms').notNull(),
    voiceMin: integer('voice_min').notNull(),
    planCode: text('plan_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.lineId, t.cycleStart] }), index('usage_cycles_start').on(t.cycleStart)],
)

/**
 * Daily data usage, compactly: one row per line per calendar month, `mb` packs one little-endian uint16 per day of the
 * month (MB, saturating at 65535). A million lines × 90 days is ~3-4M small rows instead of 90M.
 */
export const usageDaily = sqliteTable(
  'usage_daily',
  {
    lineId: integer('line_id').notNull(),
    month: text('month').notNull(), // YYYY-MM
    mb: blob('mb', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.lineId, t.month] })],
)

export const invoices = sqliteTable(
  'invoices',
  {
    id: integer('id').primaryKey(),
    accountId: text('account_id').notNull(),
    period: text('period').notNull(), // YYYY-MM
    issuedAt: text('issued_at').notNull(),
    dueAt: text('due_at').notNull(),
    priorBalanceCents: integer('prior_balance_cents').notNull().default(0),
    subtotalCents: integer('subtotal_cents').notNull(),
    taxCents: integer('tax_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    status: text('status', { enum: ['open', 'paid', 'past_due', 'void'] }).notNull(),
    paidAt: text('paid_at'),
  },
  (t) => [index('invoices_account').on(t.accountId, t.period), index('invoices_period').on(t.period)],
)

export const invoiceItems = sqliteTable(
  'invoice_items',
  {
    id: integer('id').primaryKey(),
    invoiceId: integer('invoice_id').notNull(),
    lineId: integer('line_id'),
    kind: text('kind', { enum: ['plan', 'addon', 'topup', 'proration', 'credit', 'fee', 'tax'] }).notNull(),
    code: text('code'),
    description: text('description').notNull(),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [index('invoice_items_invoice').on(t.invoiceId), index('invoice_items_line').on(t.lineId)],
)

export const payments = sqliteTable(
  'payments',
  {
    id: integer('id').primaryKey(),
    accountId: text('account_id').notNull(),
    invoiceId: integer('invoice_id'),
    createdAt: text('created_at').notNull(),
    amountCents: integer('amount_cents').notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'refunded'] }).notNull(),
    failureCode: text('failure_code'), // e.g. 530 Do Not Honor
    failureMessage: text('failure_message'),
    methodToken: text('method_token').notNull(), // vaulted token, never a card number
  },
  (t) => [index('payments_account').on(t.accountId, t.createdAt), index('payments_created').on(t.createdAt)],
)

export const careInteractions = sqliteTable(
  'care_interactions',
  {
    id: integer('id').primaryKey(),
    accountId: text('account_id').notNull(),
    lineId: integer('line_id'),
    createdAt: text('created_at').notNull(),
    channel: text('channel', { enum: ['call', 'chat', 'email', 'sms'] }).notNull(),
    category: text('category').notNull(),
    summary: text('summary').notNull(),
    agent: text('agent').notNull(),
  },
  (t) => [index('care_account').on(t.accountId, t.createdAt), index('care_line').on(t.lineId)],
)

/** Lifecycle history of a line: activations, suspensions, plan changes… from the generator, sync and operations. */
export const lineEvents = sqliteTable(
  'line_events',
  {
    id: integer('id').primaryKey(),
    lineId: integer('line_id').notNull(),
    at: text('at').notNull(),
    kind: text('kind').notNull(), // activated, suspended, resumed, hotlined, disconnected, plan_changed, addon_added…
    detail: text('detail').notNull().default(''),
    reason: text('reason'),
    actor: text('actor').notNull().default('system'),
    batchId: text('batch_id'),
  },
  (t) => [
    index('line_events_line').on(t.lineId, t.at),
    index('line_events_at').on(t.at),
    // reports: activations/disconnects by month without reading the other event kinds
    index('line_events_kind_at').on(t.kind, t.at, t.lineId, t.detail),
  ],
)

/** A console batch: one command, previewed and then committed, rolled back or saved as a draft. */
export const opBatches = sqliteTable(
  'op_batches',
  {
    id: text('id').primaryKey(),
    createdAt: text('created_at').notNull(),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    kind: text('kind', { enum: ['commit', 'rollback', 'draft'] }).notNull(),
    sentence: text('sentence').notNull(),
    command: text('command').notNull(), // JSON of the validated command
    canonical: text('canonical').notNull(),
    parser: text('parser').notNull(), // local | llm | canonical
    rollbackOf: text('rollback_of'),
    matched: integer('matched').notNull(),
    blocked: integer('blocked').notNull(),
    mrrDeltaCents: integer('mrr_delta_cents').notNull().default(0),
    prorationCents: integer('proration_cents').notNull().default(0),
    creditsCents: integer('credits_cents').notNull().default(0),
    summary: text('summary').notNull().default('{}'), // JSON: counts by status
  },
  (t) => [index('op_batches_created').on(t.createdAt)],
)

/**
 * One operation on one line: the durable outbox. `seq` is the workstation's monotonically increasing op id pushed with
 * the client id; `status` moves pending → applied | rejected | conflict, or discarded by a person.
 */
export const operations = sqliteTable(
  'operations',
  {
    seq: integer('seq').primaryKey(),
    batchId: text('batch_id').notNull(),
    lineId: integer('line_id').notNull(),
    action: text('action').notNull(),
    params: text('params').notNull(), // JSON
    previous: text('previous').notNull().default('{}'), // JSON: what a rollback restores
    baseVersion: integer('base_version').notNull(), // the line's row_version the preview saw
    status: text('status', { enum: ['pending', 'applied', 'rejected', 'conflict', 'discarded'] }).notNull(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    createdAt: text('created_at').notNull(),
    resolvedAt: text('resolved_at'),
  },
  (t) => [
    index('operations_batch').on(t.batchId, t.seq),
    index('operations_status').on(t.status, t.seq),
    index('operations_line').on(t.lineId, t.seq),
  ],
)

/** Key/value state: sync cursors, workspace metadata (as-of date, seed), settings. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

export const savedReports = sqliteTable('saved_reports', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  spec: text('spec').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
})

/** Knowledge base articles and the support agent's answers link here. */
export const knowledge = sqliteTable('knowledge', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  tags: text('tags').notNull().default(''),
})

/**
 * The console's line groups: how many lines (and Σ id·4096 + row_version) share each combination of what a command's
 * blocked reasons and money read. Kept exact by triggers on `lines` (migration 0004), so a preview of a broad cohort
 * reads a few thousand groups instead of a million lines (src/core/console/preview.ts#evaluateGrouped).
 */
export const consoleLineGroups = sqliteTable(
  'console_line_groups',
  {
    status: text('status').notNull(),
    planCode: text('plan_code').notNull(),
    cycleDay: integer('cycle_day').notNull(),
    planChangesMonth: integer('plan_changes_month').notNull(),
    addons: text('addons').notNull(),
    tags: text('tags').notNull(),
    n: integer('n').notNull(),
    fp: integer('fp').notNull(),
  },
  (t) => [primaryKey({ columns: [t.status, t.planCode, t.cycleDay, t.planChangesMonth, t.addons, t.tags] })],
)
