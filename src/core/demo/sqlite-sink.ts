// The fast SQLite sink of the demo generator: secondary indexes dropped during the load and rebuilt at the end,
// durability relaxed (no journal, no fsync) and restored, multi-row prepared INSERTs, one transaction per batch.
// Meant for a store that is being built from scratch: a crash mid-load leaves a file to throw away.
import type { Db } from '../store'
import {
  analyzeSampled,
  rebuildConsoleLineGroups,
  beginBulkLoad,
  dropSecondaryIndexes,
  dropTriggers,
  endBulkLoad,
  recreateIndexes,
  recreateTriggers,
  type BulkSettings,
  type SavedIndex,
  type SavedTrigger,
} from '../store'
import { DEMO_TABLES, type DemoSink, type DemoTable } from './sink'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any

interface Inserter {
  insert(rows: readonly Row[]): void
}

/** rows per multi-row INSERT statement */
const ROWS_PER_STATEMENT = 64

/** Columns the generator always writes with the same value: written as SQL literals instead of bound parameters. */
const LITERALS: Partial<Record<DemoTable, Record<string, string>>> = {
  accounts: { row_version: '1' },
  lines: { row_version: '1' },
  line_events: { batch_id: 'NULL' },
}

/** The denormalized account columns of `lines` (see db/local/schema.ts) and their source in `accounts`. */
const LINE_ACCOUNT_COLUMNS: Record<string, string> = {
  account_name: 'name',
  email: 'email',
  state: 'state',
  zip: 'zip',
  account_type: 'type',
  failed_payments: 'failed_payments',
  past_due_cents: 'past_due_cents',
  days_past_due: 'days_past_due',
  wallet_cents: 'wallet_cents',
}

function makeInserter(db: Db, table: DemoTable): Inserter {
  const all = DEMO_TABLES[table] as readonly string[]
  const literals = LITERALS[table] ?? {}
  // lines: the denormalized account columns are copied from the account row in SQL (one indexed lookup per line is
  // cheaper than binding nine more values); the generator writes accounts before their lines
  const joined = table === 'lines' ? LINE_ACCOUNT_COLUMNS : {}
  const bound = all.filter((c) => !(c in literals) && !(c in joined))
  const n = bound.length
  const k = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(30000 / n)))
  const verb = table === 'meta' ? 'INSERT OR REPLACE' : 'INSERT'
  const target = `${verb} INTO "${table}" (${all.map((c) => `"${c}"`).join(',')}) `
  const tuple = `(${bound.map(() => '?').join(',')})`
  const sqlFor = (rows: number): string => {
    const values = `VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`
    const pos = (c: string) => `v.column${bound.indexOf(c) + 1}`
    if (table === 'lines') {
      const select = all.map((c) => (c in literals ? literals[c] : c in joined ? `a."${joined[c]}"` : pos(c))).join(',')
      return `${target}SELECT ${select} FROM (${values}) AS v JOIN accounts AS a ON a.id = ${pos('account_id')}`
    }
    if (Object.keys(literals).length === 0) return `${target}${values}`
    return `${target}SELECT ${all.map((c) => (c in literals ? literals[c] : pos(c))).join(',')} FROM (${values}) AS v`
  }
  const many = db.prepare(sqlFor(k))
  const one = db.prepare(sqlFor(1))
  // a generated flattener: no dynamic property lookups in the hot loop
  const fill = new Function(
    'rows',
    'from',
    'count',
    'buf',
    `let p = 0; for (let i = from; i < from + count; i++) { const r = rows[i]; ${bound.map((c) => `buf[p++] = r.${c};`).join(' ')} } return buf`,
  ) as (rows: readonly Row[], from: number, count: number, buf: unknown[]) => unknown[]
  const bufMany: unknown[] = new Array(k * n)
  const bufOne: unknown[] = new Array(n)
  return {
    insert(rows) {
      let i = 0
      for (; i + k <= rows.length; i += k) many.run(fill(rows, i, k, bufMany))
      for (; i < rows.length; i++) one.run(fill(rows, i, 1, bufOne))
    },
  }
}

export interface SqliteSinkOptions {
  /** progress while the indexes are rebuilt */
  onIndex?: (done: number, total: number, name: string) => void
  /** run a quick ANALYZE at the end (default true) */
  analyze?: boolean
  /**
   * tables written to another connection instead (the parallel generator keeps accounts and lines apart, see
   * parallel.ts); that connection is expected to be set up for a bulk load (no indexes, durability relaxed)
   */
  route?: Partial<Record<DemoTable, Db>>
}

export class SqliteDemoSink implements DemoSink {
  private readonly ins = new Map<DemoTable, Inserter>()
  private saved: SavedIndex[] = []
  private triggers: SavedTrigger[] = []
  private prev: BulkSettings | null = null
  /** connections with an open transaction */
  private readonly inTx = new Set<Db>()
  /** milliseconds spent inserting, rebuilding indexes and analyzing (for benchmarks) */
  readonly timings = { insert_ms: 0, index_ms: 0, groups_ms: 0, analyze_ms: 0 }

  constructor(
    private readonly db: Db,
    private readonly opts: SqliteSinkOptions = {},
  ) {}

  begin(): void {
    const tables = Object.keys(DEMO_TABLES) as DemoTable[]
    this.prev = beginBulkLoad(this.db)
    this.saved = dropSecondaryIndexes(this.db, tables)
    // console_line_groups is rebuilt in one pass at the end instead of one trigger upsert per line
    this.triggers = dropTriggers(this.db, ['lines'])
  }

  private put(table: DemoTable, rows: readonly Row[]): void {
    if (rows.length === 0) return
    const db = this.opts.route?.[table] ?? this.db
    if (!this.inTx.has(db)) {
      db.exec('BEGIN')
      this.inTx.add(db)
    }
    const t0 = performance.now()
    let ins = this.ins.get(table)
    if (!ins) {
      ins = makeInserter(db, table)
      this.ins.set(table, ins)
    }
    ins.insert(rows)
    this.timings.insert_ms += performance.now() - t0
  }

  /** Commits the open batch (every connection). */
  commit(): void {
    for (const db of this.inTx) db.exec('COMMIT')
    this.inTx.clear()
  }

  /** Rebuilds the dropped indexes of `tables` now (all of them by default); finish() builds the rest. */
  buildIndexes(tables?: readonly string[]): void {
    const now = tables ? this.saved.filter((ix) => tables.includes(ix.table)) : this.saved
    if (now.length === 0) return
    const t0 = performance.now()
    recreateIndexes(this.db, now, this.opts.onIndex)
    this.saved = this.saved.filter((ix) => !now.includes(ix))
    this.timings.index_ms += performance.now() - t0
  }

  plans(rows: Row[]): void {
    this.put('plans', rows)
  }
  addons(rows: Row[]): void {
    this.put('addons', rows)
  }
  accounts(rows: Row[]): void {
    this.put('accounts', rows)
  }
  lines(rows: Row[]): void {
    this.put('lines', rows)
  }
  usageCycles(rows: Row[]): void {
    this.put('usage_cycles', rows)
  }
  usageDaily(rows: Row[]): void {
    this.put('usage_daily', rows)
  }
  invoices(rows: Row[]): void {
    this.put('invoices', rows)
  }
  invoiceItems(rows: Row[]): void {
    this.put('invoice_items', rows)
  }
  payments(rows: Row[]): void {
    this.put('payments', rows)
  }
  careInteractions(rows: Row[]): void {
    this.put('care_interactions', rows)
  }
  lineEvents(rows: Row[]): void {
    this.put('line_events', rows)
    // line events are the last table of a batch: commit the batch
    this.commit()
  }
  meta(rows: Row[]): void {
    this.put('meta', rows)
    this.commit()
  }

  finish(): void {
    this.commit()
    try {
      this.buildIndexes()
      const t0 = performance.now()
      if (this.triggers.length > 0) {
        rebuildConsoleLineGroups(this.db)
        recreateTriggers(this.db, this.triggers)
        this.triggers = []
      }
      const t1 = performance.now()
      this.timings.groups_ms += t1 - t0
      if (this.opts.analyze ?? true) analyzeSampled(this.db)
      this.timings.analyze_ms += performance.now() - t1
    } finally {
      if (this.prev) endBulkLoad(this.db, this.prev)
      this.prev = null
    }
  }

  /** Restores settings and rebuilds indexes after a failed load (the data is incomplete). */
  abort(): void {
    for (const db of this.inTx) {
      try {
        db.exec('ROLLBACK')
      } catch {
        // no transaction open on this file: nothing to roll back
      }
    }
    this.inTx.clear()
    try {
      recreateIndexes(this.db, this.saved)
      this.saved = []
      if (this.triggers.length > 0) rebuildConsoleLineGroups(this.db)
      recreateTriggers(this.db, this.triggers)
      this.triggers = []
    } finally {
      if (this.prev) endBulkLoad(this.db, this.prev)
      this.prev = null
    }
  }
}
