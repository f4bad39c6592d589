// Fills a central database with the demo MVNO: the same deterministic generator as the local store
// (src/core/demo/generate.ts) writing through a Postgres sink, so one seed gives the same data on both sides.
//
// The sink sends each batch of a table as ONE statement: INSERT … SELECT FROM json_to_recordset($1) (works the same
// over node-postgres and PGlite). The change log is not written during the fill (a freshly filled database needs no
// log): session_replication_role = replica where allowed (superuser, Supabase's postgres), else the
// wingtel.sync_log = 'off' switch; afterwards sync_meta.instance_id is rotated, so any cursor taken before the fill
// gets `reset`. Identity sequences continue after the generated ids, and the tables are ANALYZEd (pull estimates).
import { generateDemoInto, type DemoOptions, type DemoProgress, type DemoSummary } from '../core/demo'
import type { DemoSink, DemoSinkInfo, DemoTable } from '../core/demo'
import type { SqlClient } from './client'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any

/** Central column types per table (lines without the denormalized account columns). */
const COLUMNS: Record<Exclude<DemoTable, 'meta'>, [string, string][]> = {
  plans: [['code', 'text'], ['name', 'text'], ['kind', 'text'], ['monthly_cents', 'bigint'], ['data_mb', 'bigint']],
  addons: [['code', 'text'], ['name', 'text'], ['price_cents', 'bigint'], ['recurring', 'boolean'], ['data_mb', 'bigint']],
  accounts: [
    ['id', 'text'], ['name', 'text'], ['email', 'text'], ['street', 'text'], ['city', 'text'], ['state', 'text'],
    ['zip', 'text'], ['type', 'text'], ['wallet_cents', 'bigint'], ['past_due_cents', 'bigint'], ['days_past_due', 'integer'],
    ['failed_payments', 'integer'], ['tags', 'text'], ['created_at', 'text'], ['row_version', 'bigint'],
  ],
  lines: [
    ['id', 'bigint'], ['msisdn', 'text'], ['iccid', 'text'], ['imei', 'text'], ['account_id', 'text'], ['plan_code', 'text'],
    ['addons', 'text'], ['status', 'text'], ['activated_at', 'text'], ['disconnected_at', 'text'], ['cycle_day', 'integer'],
    ['cycle_start', 'text'], ['data_used_mb', 'bigint'], ['topup_mb', 'bigint'], ['sms_used', 'integer'],
    ['voice_min', 'integer'], ['plan_changes_month', 'integer'], ['tags', 'text'], ['row_version', 'bigint'],
    ['updated_at', 'text'],
  ],
  usage_cycles: [['line_id', 'bigint'], ['cycle_start', 'text'], ['data_mb', 'bigint'], ['sms', 'integer'], ['voice_min', 'integer'], ['plan_code', 'text']],
  usage_daily: [['line_id', 'bigint'], ['month', 'text'], ['mb', 'bytea']],
  invoices: [
    ['id', 'bigint'], ['account_id', 'text'], ['period', 'text'], ['issued_at', 'text'], ['due_at', 'text'],
    ['prior_balance_cents', 'bigint'], ['subtotal_cents', 'bigint'], ['tax_cents', 'bigint'], ['total_cents', 'bigint'],
    ['status', 'text'], ['paid_at', 'text'],
  ],
  invoice_items: [['id', 'bigint'], ['invoice_id', 'bigint'], ['line_id', 'bigint'], ['kind', 'text'], ['code', 'text'], ['description', 'text'], ['amount_cents', 'bigint']],
  payments: [
    ['id', 'bigint'], ['account_id', 'text'], ['invoice_id', 'bigint'], ['created_at', 'text'], ['amount_cents', 'bigint'],
    ['status', 'text'], ['failure_code', 'text'], ['failure_message', 'text'], ['method_token', 'text'],
  ],
  care_interactions: [['id', 'bigint'], ['account_id', 'text'], ['line_id', 'bigint'], ['created_at', 'text'], ['channel', 'text'], ['category', 'text'], ['summary', 'text'], ['agent', 'text']],
  line_events: [['id', 'bigint'], ['line_id', 'bigint'], ['at', 'text'], ['kind', 'text'], ['detail', 'text'], ['reason', 'text'], ['actor', 'text'], ['batch_id', 'text']],
}

const FILL_TABLES = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]
const IDENTITY_TABLES = ['invoices', 'invoice_items', 'payments', 'care_interactions', 'line_events']

/** rows per INSERT statement (a generator batch is split so one statement stays a few MB) */
const ROWS_PER_STATEMENT = 5000

/** Serializes rows to the JSON the recordset expects: only the central columns, bytea as \x hex, booleans. */
function toJson(table: keyof typeof COLUMNS, rows: readonly Row[], from: number, to: number): string {
  const cols = COLUMNS[table]
  const out: string[] = []
  for (let i = from; i < to; i++) {
    const r = rows[i]
    const o: Record<string, unknown> = {}
    for (const [c, t] of cols) {
      const v = r[c]
      if (t === 'bytea') o[c] = v == null ? null : `\\x${Buffer.from(v).toString('hex')}`
      else if (t === 'boolean') o[c] = v == null ? null : Boolean(v)
      else o[c] = v === undefined ? null : v
    }
    out.push(JSON.stringify(o))
  }
  return `[${out.join(',')}]`
}

export interface CentralFillOptions {
  lines: number
  months?: number
  seed?: number
  /** YYYY-MM-DD */
  asOf?: string
  /** empty the synced tables first (otherwise a database that has accounts or lines is refused) */
  replace?: boolean
}

export interface CentralFillResult extends DemoSummary {
  /** how the change log was kept out of the fill */
  log_bypass: 'replica' | 'flag'
  insert_s: number
  finish_s: number
}

export class PostgresDemoSink implements DemoSink {
  private readonly sql = new Map<string, string>()
  bypass: 'replica' | 'flag' = 'flag'
  insertMs = 0

  constructor(private readonly client: SqlClient) {}

  private statement(table: keyof typeof COLUMNS): string {
    let s = this.sql.get(table)
    if (!s) {
      const cols = COLUMNS[table]
      const names = cols.map(([c]) => c).join(', ')
      s = `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${cols.map(([c, t]) => `${c} ${t}`).join(', ')})`
      this.sql.set(table, s)
    }
    return s
  }

  /** statements sent but not yet finished: the generator keeps producing while the server inserts (bounded) */
  private inflight: Promise<void>[] = []
  private static readonly MAX_INFLIGHT = 3

  private async put(table: keyof typeof COLUMNS, rows: readonly Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      // serialize now (the generator may reuse its row objects after we return), send, and only wait when too many
      // statements are outstanding
      const json = toJson(table, rows, i, Math.min(rows.length, i + ROWS_PER_STATEMENT))
      const t0 = performance.now()
      const p = this.client.query(this.statement(table), [json]).then(() => {
        this.insertMs += performance.now() - t0
      })
      p.catch(() => undefined) // surfaced by drain()
      this.inflight.push(p)
      if (this.inflight.length >= PostgresDemoSink.MAX_INFLIGHT) await this.inflight.shift()
    }
  }

  /** waits for every statement sent (and rethrows the first failure) */
  async drain(): Promise<void> {
    const all = this.inflight
    this.inflight = []
    await Promise.all(all)
  }

  async begin(_info: DemoSinkInfo): Promise<void> {
    // session-level: the fill runs on one connection (a pg Client or PGlite), statement by statement
    try {
      await this.client.exec('SET session_replication_role = replica')
      this.bypass = 'replica'
    } catch {
      // not allowed to set the replication role: the triggers are bypassed through the session flag instead
      this.bypass = 'flag'
    }
    await this.client.exec(`SET wingtel.sync_log = 'off'`)
  }
  plans(rows: Row[]) {
    return this.put('plans', rows)
  }
  addons(rows: Row[]) {
    return this.put('addons', rows)
  }
  accounts(rows: Row[]) {
    return this.put('accounts', rows)
  }
  lines(rows: Row[]) {
    return this.put('lines', rows)
  }
  usageCycles(rows: Row[]) {
    return this.put('usage_cycles', rows)
  }
  usageDaily(rows: Row[]) {
    return this.put('usage_daily', rows)
  }
  invoices(rows: Row[]) {
    return this.put('invoices', rows)
  }
  invoiceItems(rows: Row[]) {
    return this.put('invoice_items', rows)
  }
  payments(rows: Row[]) {
    return this.put('payments', rows)
  }
  careInteractions(rows: Row[]) {
    return this.put('care_interactions', rows)
  }
  lineEvents(rows: Row[]) {
    return this.put('line_events', rows)
  }
  async meta(rows: Row[]): Promise<void> {
    await this.drain()
    await this.client.query(
      `INSERT INTO central_meta (key, value) SELECT key, value FROM json_to_recordset($1::json) AS r(key text, value text)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(rows.map((r) => ({ key: r.key, value: r.value })))],
    )
  }
  async finish(): Promise<void> {
    await this.drain()
    await this.restore()
    for (const t of IDENTITY_TABLES) {
      await this.client.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), greatest((SELECT max(id) FROM ${t}), 1))`)
    }
    await this.client.query('SELECT sync_rotate_instance()')
    await this.client.exec(`ANALYZE ${FILL_TABLES.join(', ')}`)
  }
  async restore(): Promise<void> {
    if (this.bypass === 'replica') await this.client.exec('SET session_replication_role = origin').catch(() => undefined) // best effort after a failure: session settings end with the connection anyway
    await this.client.exec('RESET wingtel.sync_log').catch(() => undefined) // (same)
  }
}

/**
 * Fills the central database behind `client` (ONE connection: a pg Client or PGlite, not a Pool) with the demo MVNO.
 * The migrations must be applied. Refuses a database that already has accounts or lines unless `replace`.
 */
export async function fillCentralDemo(
  client: SqlClient,
  opts: CentralFillOptions,
  onProgress?: (p: DemoProgress) => void,
): Promise<CentralFillResult> {
  const t0 = performance.now()
  const has = await client.query<{ n: boolean }>('SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM lines) AS n')
  if (has.rows[0].n && !opts.replace) {
    throw new Error('the central database already has data; the demo fill only fills an empty one (use replace to empty it first)')
  }
  if (opts.replace || has.rows[0].n === false) {
    // TRUNCATE is refused on synced tables unless the log is off; the instance rotation below resets every cursor
    await client.transaction(async (tx) => {
      await tx.query(`SELECT set_config('wingtel.sync_log', 'off', true)`)
      await tx.exec(`TRUNCATE ${FILL_TABLES.join(', ')}, sync_changes`)
    })
  }
  const sink = new PostgresDemoSink(client)
  const demoOpts: DemoOptions = { lines: opts.lines, months: opts.months, seed: opts.seed, asOf: opts.asOf }
  let summary: DemoSummary
  let t1 = 0
  try {
    summary = await generateDemoInto(
      {
        ...bind(sink),
        finish: async () => {
          t1 = performance.now()
          await sink.finish()
        },
      },
      demoOpts,
      onProgress,
    )
  } catch (e) {
    await sink.drain().catch(() => undefined) // the fill's own error is the one rethrown below
    await sink.restore()
    throw e
  }
  const end = performance.now()
  return {
    ...summary,
    log_bypass: sink.bypass,
    insert_s: Math.round(sink.insertMs / 10) / 100, // summed over overlapping statements
    finish_s: Math.round((end - t1) / 10) / 100,
    generate_s: Math.round((end - t0) / 10) / 100,
  }
}

function bind(sink: PostgresDemoSink): DemoSink {
  return {
    begin: (i) => sink.begin(i),
    plans: (r) => sink.plans(r),
    addons: (r) => sink.addons(r),
    accounts: (r) => sink.accounts(r),
    lines: (r) => sink.lines(r),
    usageCycles: (r) => sink.usageCycles(r),
    usageDaily: (r) => sink.usageDaily(r),
    invoices: (r) => sink.invoices(r),
    invoiceItems: (r) => sink.invoiceItems(r),
    payments: (r) => sink.payments(r),
    careInteractions: (r) => sink.careInteractions(r),
    lineEvents: (r) => sink.lineEvents(r),
    meta: (r) => sink.meta(r),
    finish: () => sink.finish(),
  }
}
