// Applies sync_pull pages to the local store. Generic per synced table (upsert by primary key, delete tombstones),
// plus the lines denormalization of docs/SYNC-PROTOCOL.md: a line upsert fills the account columns from the local
// `accounts`; an account upsert refreshes them on its lines.
//
// Durability: each page is written in ONE SQLite transaction together with its cursor (meta `sync.cursor`), so a
// process killed at any instant resumes exactly after the last page it committed. A null cursor starts a bootstrap:
// the synced tables are cleared and their secondary indexes dropped in the same transaction as the first page; the
// indexes are rebuilt in the transaction of the first `log` page (or the last page, whichever comes first).
import {
  analyzeSampled,
  buildMissingIndexes,
  dropSecondaryIndexes,
  dropTriggers,
  finishIndexesAside,
  moveTablesIn,
  rebuildConsoleLineGroups,
  recreateTriggers,
  startIndexesAside,
  tableDdl,
  type IndexesAside,
  type SavedIndex,
  type SavedTrigger,
} from '../../store'
import type Database from 'better-sqlite3'
import { discardLaneStore, laneStorePath, removeLaneStores, type LaneInput } from '../bootstrap/lane'
import type { RemoteConfig } from '../remotes/remote'
import type { Db } from '../../store'
import {
  LINE_ACCOUNT_COLUMNS,
  SYNCED_TABLES,
  TABLE_PKS,
  type Change,
  type PullReply,
  type SnapshotPlan,
  type SnapshotTable,
  type SyncedTable,
} from '../../../shared/sync/protocol'

export const META = {
  cursor: 'sync.cursor',
  phase: 'sync.phase',
  horizon: 'sync.horizon',
  dataAsOf: 'sync.data_as_of',
  lastPullAt: 'sync.last_pull_at',
  savedIndexes: 'sync.saved_indexes',
  /** the lines triggers (console_line_groups) dropped for a bulk bootstrap, restored with the indexes */
  savedTriggers: 'sync.saved_triggers',
  bootstrapRows: 'sync.bootstrap_rows',
  bootstrapStartedAt: 'sync.bootstrap_started_at',
  remoteId: 'sync.remote_id',
  clientId: 'sync.client_id',
  lastError: 'sync.last_error',
  lastPushAt: 'sync.last_push_at',
  horizonLag: 'sync.horizon_lag',
  /** the bulk bootstrap's plan (sync_snapshot_begin's reply) while it runs */
  bulkPlan: 'sync.bulk_plan',
  /** the tables each of the bulk bootstrap's other lanes copies (lane.ts), a JSON list of lists; absent: none */
  bulkLanes: 'sync.bulk_lanes',
  /** the lanes (their numbers, a JSON list) whose tables are moved into the store */
  bulkLanesMoved: 'sync.bulk_lanes_moved',
} as const

/** Where the index build aside went (ms): the worker's copy-out and build; here: the other tables' indexes, waiting for the worker, moving its tables in. */
export interface AsideTimings {
  copyMs: number
  indexMs: number
  othersMs: number
  waitMs: number
  transferMs: number
}

/**
 * The cursor during a bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): this client's own position, never sent
 * to the server: `bulk:` + {"t": table being copied (null = all copied), "k": primary key of its last stored row}.
 */
export const BULK_PREFIX = 'bulk:'
export interface BulkPosition {
  t: string | null
  k: unknown[] | null
}
export function bulkCursor(p: BulkPosition): string {
  return BULK_PREFIX + JSON.stringify({ t: p.t, k: p.k ? p.k.map((v) => (typeof v === 'bigint' ? String(v) : v)) : null })
}
export function parseBulkCursor(c: string | null): BulkPosition | null {
  if (c === null || !c.startsWith(BULK_PREFIX)) return null
  return JSON.parse(c.slice(BULK_PREFIX.length)) as BulkPosition
}

/** Rows of one table for one bulk transaction, in `columns` order. */
export interface BulkPiece {
  table: SyncedTable
  columns: readonly string[]
  rows: unknown[][]
}

/** rows per multi-row INSERT statement of the bulk path */
const BULK_ROWS_PER_STATEMENT = 64

const ACCOUNT_COLS = Object.keys(LINE_ACCOUNT_COLUMNS) as Array<keyof typeof LINE_ACCOUNT_COLUMNS>
const ACCOUNT_DEFAULTS: Record<string, string> = {
  account_name: "''",
  email: "''",
  state: "''",
  zip: "''",
  account_type: "'consumer'",
  failed_payments: '0',
  past_due_cents: '0',
  days_past_due: '0',
  wallet_cents: '0',
}

interface ColumnInfo {
  name: string
  type: string
}

export interface PageResult {
  changes: number
  tables: string[]
  /** the phase the local store is in after this page */
  phase: 'snapshot' | 'log'
  bootstrapStarted: boolean
  indexesRebuilt: boolean
  lastTable: string | null
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

interface UpsertPlan {
  keys: string[]
  names: string[]
  blob: boolean[]
  stmt: Database.Statement<unknown[]>
  isLines: boolean
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export class Applier {
  private columns = new Map<string, Map<string, ColumnInfo>>()
  private plans = new Map<string, UpsertPlan>()
  private lastPlan = new Map<string, UpsertPlan>()
  private stmts = new Map<string, Database.Statement<unknown[]>>()
  private bulkInserters = new Map<string, (rows: unknown[][]) => void>()
  private metaGet: Database.Statement<unknown[]>
  private metaSet: Database.Statement<unknown[]>
  private metaDel: Database.Statement<unknown[]>

  constructor(readonly db: Db) {
    for (const t of SYNCED_TABLES) {
      const cols = db.prepare(`PRAGMA table_info(${q(t)})`).all() as ColumnInfo[]
      if (cols.length === 0) throw new Error(`the local store lacks the synced table ${t}`)
      this.columns.set(t, new Map(cols.map((c) => [c.name, c])))
    }
    this.metaGet = db.prepare('SELECT value FROM meta WHERE key = ?')
    this.metaSet = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    this.metaDel = db.prepare('DELETE FROM meta WHERE key = ?')
  }

  meta(key: string): string | null {
    return ((this.metaGet.get(key) as { value: string } | undefined)?.value ?? null) as string | null
  }
  setMeta(key: string, value: string | null): void {
    if (value === null) this.metaDel.run(key)
    else this.metaSet.run(key, value)
  }

  get cursor(): string | null {
    const c = this.meta(META.cursor)
    return c === null || c === '' ? null : c
  }

  private stmt(key: string, sql: () => string): Database.Statement<unknown[]> {
    let s = this.stmts.get(key)
    if (!s) {
      s = this.db.prepare(sql())
      this.stmts.set(key, s)
    }
    return s
  }

  /** The statement and column list for one row shape of one table (rows of a page almost always share one shape). */
  private planFor(table: SyncedTable, keys: string[]): UpsertPlan {
    const sig = `${table}|${keys.join(',')}`
    let plan = this.plans.get(sig)
    if (plan) return plan
    const cols = this.columns.get(table)!
    const isLines = table === 'lines'
    // columns this store does not keep are ignored; the account columns of lines come from the local account
    const names = keys.filter((k) => cols.has(k) && !(isLines && k in LINE_ACCOUNT_COLUMNS))
    const pk = TABLE_PKS[table]
    const updates = names.filter((n) => !pk.includes(n))
    let sql: string
    if (isLines) {
      const acct = ACCOUNT_COLS.map((c) => `coalesce(a.${q(LINE_ACCOUNT_COLUMNS[c])}, ${ACCOUNT_DEFAULTS[c]})`)
      const all = [...names, ...ACCOUNT_COLS]
      sql = `INSERT INTO lines (${all.map(q).join(',')})
          SELECT ${names.map(() => '?').join(',')}, ${acct.join(',')} FROM (SELECT ? AS aid) x LEFT JOIN accounts a ON a.id = x.aid WHERE true
          ON CONFLICT(id) DO UPDATE SET ${[...updates, ...ACCOUNT_COLS].map((n) => `${q(n)} = excluded.${q(n)}`).join(', ')}`
    } else {
      const set = updates.length ? `DO UPDATE SET ${updates.map((n) => `${q(n)} = excluded.${q(n)}`).join(', ')}` : 'DO NOTHING'
      sql = `INSERT INTO ${q(table)} (${names.map(q).join(',')}) VALUES (${names.map(() => '?').join(',')})
        ON CONFLICT(${pk.map(q).join(',')}) ${set}`
    }
    plan = {
      keys,
      names,
      blob: names.map((n) => cols.get(n)!.type.toLowerCase() === 'blob'),
      stmt: this.db.prepare(sql),
      isLines,
    }
    this.plans.set(sig, plan)
    return plan
  }

  private upsert(table: SyncedTable, row: Record<string, unknown>): void {
    const keys = Object.keys(row)
    let plan = this.lastPlan.get(table)
    if (!plan || !sameKeys(plan.keys, keys)) {
      plan = this.planFor(table, keys)
      this.lastPlan.set(table, plan)
    }
    const { names, blob } = plan
    const args: unknown[] = new Array(names.length + (plan.isLines ? 1 : 0))
    for (let i = 0; i < names.length; i++) {
      const v = row[names[i]]
      args[i] = v === true ? 1 : v === false ? 0 : blob[i] && typeof v === 'string' ? Buffer.from(v, 'base64') : v
    }
    if (plan.isLines) args[names.length] = row.account_id
    plan.stmt.run(args)
  }

  private refreshAccountOnLines(row: Record<string, unknown>): void {
    const s = this.stmt('refresh-lines', () => `UPDATE lines SET ${ACCOUNT_COLS.map((c) => `${q(c)} = ?`).join(', ')} WHERE account_id = ?`)
    const args = ACCOUNT_COLS.map((c) => {
      const v = row[LINE_ACCOUNT_COLUMNS[c]]
      return v === undefined ? null : v
    })
    if (args.some((v) => v === null)) {
      // a partial account image: read the full row back from the store
      const a = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(row.id) as Record<string, unknown> | undefined
      if (!a) return
      s.run(...ACCOUNT_COLS.map((c) => a[LINE_ACCOUNT_COLUMNS[c]]), row.id)
      return
    }
    s.run(...args, row.id)
  }

  private remove(table: SyncedTable, pkv: Record<string, unknown>): void {
    const pk = TABLE_PKS[table]
    const s = this.stmt(`d|${table}`, () => `DELETE FROM ${q(table)} WHERE ${pk.map((c) => `${q(c)} = ?`).join(' AND ')}`)
    s.run(...pk.map((c) => pkv[c]))
  }

  /** Drops the whole replica of the synced tables and forgets the cursor (a `reset`, or a new remote). One transaction. */
  resetReplica(): void {
    this.db.transaction(() => {
      for (const t of SYNCED_TABLES) this.db.exec(`DELETE FROM ${q(t)}`)
      this.setMeta(META.cursor, null)
      this.setMeta(META.phase, null)
      this.setMeta(META.horizon, null)
      this.setMeta(META.bootstrapRows, null)
      this.setMeta(META.bootstrapStartedAt, null)
      this.setMeta(META.bulkPlan, null)
      this.setMeta(META.bulkLanes, null)
      this.setMeta(META.bulkLanesMoved, null)
    })()
    if (!this.db.memory) removeLaneStores(this.db.name)
  }

  // ---- bulk bootstrap --------------------------------------------------------------------------------------------------

  /**
   * Starts a bulk bootstrap, in one transaction: the secondary indexes of the synced tables dropped (saved for the
   * rebuild), the replica emptied, the plan and the other lanes' tables (`lanes`, see lane.ts) stored, the cursor at
   * the first table this thread copies. Only from a null cursor.
   */
  beginBulk(plan: SnapshotPlan, lanes: ReadonlyArray<readonly string[]> = [], now = new Date()): string {
    const elsewhere = lanes.flat()
    const cursor = bulkCursor({ t: plan.tables.find((t) => !elsewhere.includes(t.table))?.table ?? null, k: null })
    this.db.transaction(() => {
      if (this.cursor !== null) throw new Error('the sync cursor moved while the bootstrap was starting (another puller?); nothing was applied')
      const already = this.savedIndexes()
      const dropped = dropSecondaryIndexes(this.db, SYNCED_TABLES)
      for (const t of SYNCED_TABLES) this.db.exec(`DELETE FROM ${q(t)}`)
      const byName = new Map([...already, ...dropped].map((ix) => [ix.name, ix]))
      this.setMeta(META.savedIndexes, JSON.stringify([...byName.values()]))
      // one console_line_groups upsert per copied line costs ~3 us: rebuilt in one pass instead (restoreTriggers)
      const trigs = new Map([...this.savedTriggers(), ...dropTriggers(this.db, ['lines'])].map((t) => [t.name, t]))
      this.setMeta(META.savedTriggers, trigs.size ? JSON.stringify([...trigs.values()]) : null)
      this.setMeta(META.bootstrapRows, '0')
      this.setMeta(META.bootstrapStartedAt, now.toISOString())
      this.setMeta(META.bulkPlan, JSON.stringify(plan))
      this.setMeta(META.bulkLanes, lanes.length ? JSON.stringify(lanes) : null)
      this.setMeta(META.bulkLanesMoved, null)
      this.setMeta(META.horizon, plan.horizon)
      this.setMeta(META.phase, 'snapshot')
      this.setMeta(META.cursor, cursor)
    })()
    return cursor
  }

  bulkPlan(): SnapshotPlan | null {
    const s = this.meta(META.bulkPlan)
    return s ? (JSON.parse(s) as SnapshotPlan) : null
  }

  /** The tables of each of this bootstrap's other lanes (lane.ts); empty when this thread copies them all. */
  bulkLanes(): string[][] {
    const s = this.meta(META.bulkLanes)
    return s ? (JSON.parse(s) as string[][]) : []
  }

  /** The lanes (numbers) whose tables are moved in. */
  bulkLanesMoved(): number[] {
    const s = this.meta(META.bulkLanesMoved)
    return s ? (JSON.parse(s) as number[]) : []
  }

  laneScratch(lane: number): string {
    return laneStorePath(this.db.name, lane)
  }

  /** What lane `n`'s worker needs: the plan narrowed to its tables, the store's table definitions, their saved indexes. */
  laneInput(plan: SnapshotPlan, n: number, lane: readonly string[], remote: RemoteConfig, chunkRows: number): LaneInput {
    const ddl = tableDdl(this.db, [...SYNCED_TABLES, 'meta'])
    return {
      scratchPath: this.laneScratch(n),
      remote,
      plan: { ...plan, tables: plan.tables.filter((t) => lane.includes(t.table)) },
      ddl,
      indexes: this.savedIndexes().filter((ix) => lane.includes(ix.table)),
      chunkRows,
    }
  }

  /**
   * Moves lane `n`'s copied and indexed tables in from its scratch replica (`rows` of them), in one transaction with
   * the bookkeeping (bulk.ts moveTablesIn), then deletes the scratch file. Returns the milliseconds it took.
   */
  moveLaneIn(n: number, lane: readonly string[], rows: number, sentCursor: string): number {
    const t0 = performance.now()
    moveTablesIn(this.db, this.laneScratch(n), lane, this.savedIndexes(), () => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(META.bulkLanesMoved, JSON.stringify([...this.bulkLanesMoved(), n]))
      this.setMeta(META.bootstrapRows, String(Number(this.meta(META.bootstrapRows) ?? '0') + rows))
      return true
    })
    discardLaneStore(this.laneScratch(n))
    return performance.now() - t0
  }

  /** Builds the saved indexes of `tables` that do not exist yet, each in its own transaction (see rebuildIndexes). */
  buildIndexesOf(tables: readonly string[]): void {
    buildMissingIndexes(this.db, this.savedIndexes().filter((ix) => tables.includes(ix.table)))
  }

  /** The columns of `table` the bulk copy asks for: the server's that this store keeps (lines: not the account ones). */
  bulkColumns(table: SnapshotTable): string[] {
    const cols = this.columns.get(table.table)!
    return table.columns.map((c) => c.name).filter((n) => cols.has(n) && !(table.table === 'lines' && n in LINE_ACCOUNT_COLUMNS))
  }

  private bulkInserter(table: SyncedTable, columns: readonly string[]): (rows: unknown[][]) => void {
    const key = `bulk|${table}|${columns.join(',')}`
    const cached = this.bulkInserters.get(key)
    if (cached) return cached
    const n = columns.length
    const k = Math.max(1, Math.min(BULK_ROWS_PER_STATEMENT, Math.floor(30000 / n)))
    const tuple = `(${columns.map(() => '?').join(',')})`
    const sqlFor = (rows: number): string => {
      const values = `VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`
      if (table !== 'lines') return `INSERT INTO ${q(table)} (${columns.map(q).join(',')}) ${values}`
      // lines: the denormalized account columns from the local accounts (copied before lines), one join per statement
      const acct = ACCOUNT_COLS.map((c) => `coalesce(a.${q(LINE_ACCOUNT_COLUMNS[c])}, ${ACCOUNT_DEFAULTS[c]})`)
      const pos = (c: string) => `v.column${columns.indexOf(c) + 1}`
      return `INSERT INTO lines (${[...columns, ...ACCOUNT_COLS].map(q).join(',')})
        SELECT ${columns.map(pos).join(',')}, ${acct.join(',')} FROM (${values}) AS v LEFT JOIN accounts AS a ON a.id = ${pos('account_id')}`
    }
    const many = this.db.prepare(sqlFor(k))
    const one = this.db.prepare(sqlFor(1))
    const bufMany: unknown[] = new Array(k * n)
    const bufOne: unknown[] = new Array(n)
    const insert = (rows: unknown[][]): void => {
      let i = 0
      for (; i + k <= rows.length; i += k) {
        let p = 0
        for (let r = i; r < i + k; r++) {
          const row = rows[r]
          for (let c = 0; c < n; c++) bufMany[p++] = row[c]
        }
        many.run(bufMany)
      }
      for (; i < rows.length; i++) {
        const row = rows[i]
        for (let c = 0; c < n; c++) bufOne[c] = row[c]
        one.run(bufOne)
      }
    }
    this.bulkInserters.set(key, insert)
    return insert
  }

  /**
   * Writes chunks of the bulk snapshot (one or more tables, in order) with the position after the last one
   * (`nextCursor`), in one transaction: plain multi-row INSERTs (the replica of a table holds only keys below its
   * chunk's). Refuses chunks asked for from a cursor that is no longer the stored one.
   */
  applyBulkChunks(pieces: readonly BulkPiece[], sentCursor: string, nextCursor: string): void {
    const inserts = pieces.map((p) => this.bulkInserter(p.table, p.columns))
    let n = 0
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved while this chunk was in flight (another puller?); the chunk was not applied')
      pieces.forEach((p, i) => {
        inserts[i](p.rows)
        n += p.rows.length
      })
      this.setMeta(META.cursor, nextCursor)
      this.setMeta(META.bootstrapRows, String(Number(this.meta(META.bootstrapRows) ?? '0') + n))
    })()
  }

  /** Moves the bulk cursor on (a table finished). */
  moveBulkCursor(sentCursor: string, nextCursor: string): void {
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(META.cursor, nextCursor)
    })()
  }

  /**
   * Ends the copy: the dropped indexes rebuilt (resumable, see rebuildIndexes), then the cursor set to the plan's log
   * cursor, so the next sync_pull replays the log from H0. Returns the index build's milliseconds.
   */
  finishBulk(sentCursor: string, plan: SnapshotPlan, onIndex?: (done: number, total: number, name: string) => void): number {
    const t0 = performance.now()
    this.rebuildIndexes(onIndex)
    const ms = performance.now() - t0
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved during the bootstrap (another puller?)')
      this.setMeta(META.cursor, plan.log_cursor)
      this.setMeta(META.phase, 'log')
      this.setMeta(META.bulkPlan, null)
      this.setMeta(META.bulkLanes, null)
      this.setMeta(META.bulkLanesMoved, null)
    })()
    return ms
  }

  /**
   * The bulk bootstrap's index build with the largest tables' indexes (`aside`: lines, 25 of them) built by a worker
   * thread in a scratch file next to the store while this connection builds the others, then copied back in one
   * transaction (bulk.ts startIndexesAside). Whatever that could not do (no worker here, a local write meanwhile) is
   * left to rebuildIndexes, which finishBulk runs next. Killed midway: the store is either before or after that
   * transaction, and the next run starts over from the saved list (the scratch file is recreated). Started as soon as
   * those tables are copied (the worker overlaps the copy of the others); the caller must not write them afterwards.
   */
  startIndexesAside(aside: readonly string[]): IndexesAside | null {
    const saved = this.savedIndexes()
    // (a run killed after moving them back but before finishBulk: nothing left to build aside)
    const existing = this.indexNames()
    if (!saved.some((ix) => aside.includes(ix.table) && !existing.has(ix.name))) return null
    return startIndexesAside(this.db, aside, saved, this.asideScratch())
  }

  /** The names of the store's indexes now. */
  private indexNames(): Set<string> {
    return new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type='index'").all() as Array<{ name: string }>).map((r) => r.name))
  }

  private asideScratch(): string {
    return `${this.db.name}.bootstrap-indexes`
  }

  /** Builds the other tables' indexes here, then waits for the worker and moves its tables in (see startIndexesAside). */
  async finishIndexesAside(started: IndexesAside): Promise<AsideTimings | null> {
    const saved = this.savedIndexes()
    const t0 = performance.now()
    buildMissingIndexes(this.db, saved.filter((ix) => !started.tables.includes(ix.table)))
    const t1 = performance.now()
    const worker = await started.done.catch(() => null) // a failed worker is logged by finishIndexesAside, which builds its indexes here
    const t2 = performance.now()
    const ok = await finishIndexesAside(this.db, started, saved, this.asideScratch())
    return ok && worker ? { ...worker, othersMs: t1 - t0, waitMs: t2 - t1, transferMs: performance.now() - t2 } : null
  }

  private savedTriggers(): SavedTrigger[] {
    const s = this.meta(META.savedTriggers)
    return s ? (JSON.parse(s) as SavedTrigger[]) : []
  }

  /** Recreates the triggers a bulk bootstrap dropped and rebuilds what they maintain (console_line_groups), at once. */
  private restoreTriggers(): void {
    const saved = this.savedTriggers()
    if (saved.length === 0) return
    this.db.transaction(() => {
      const existing = new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all() as Array<{ name: string }>).map((r) => r.name))
      recreateTriggers(
        this.db,
        saved.filter((t) => !existing.has(t.name)),
      )
      rebuildConsoleLineGroups(this.db)
      this.setMeta(META.savedTriggers, null)
    })()
  }

  private savedIndexes(): SavedIndex[] {
    const s = this.meta(META.savedIndexes)
    return s ? (JSON.parse(s) as SavedIndex[]) : []
  }

  /**
   * Rebuilds the indexes dropped for a bootstrap, each in its own short transaction (a single transaction over all of
   * them would hold the write lock for the whole build and time out the console's writes). Idempotent and resumable:
   * what already exists is skipped; the list is forgotten only when all exist.
   */
  rebuildIndexes(onIndex?: (done: number, total: number, name: string) => void): boolean {
    this.restoreTriggers()
    const saved = this.savedIndexes()
    if (saved.length === 0) return false
    buildMissingIndexes(this.db, saved, onIndex)
    // a bootstrapped replica has no planner statistics yet (the grid's and the console's plans rely on them)
    analyzeSampled(this.db)
    this.setMeta(META.savedIndexes, null)
    return true
  }

  /**
   * Applies one validated page and stores `reply.cursor` with it, atomically. `sentCursor` is the cursor the page was
   * asked with (null = bootstrap start). Refuses a page asked with a cursor that is no longer the stored one (two
   * pullers): nothing is written.
   */
  applyPage(reply: PullReply, sentCursor: string | null, now = new Date()): PageResult {
    const tables = new Set<string>()
    let bootstrapStarted = false
    let indexesRebuilt = false
    let lastTable: string | null = null
    // leaving the snapshot: the indexes come back before the log replay (which updates lines by account)
    if (!reply.reset && sentCursor !== null && (reply.phase === 'log' || !reply.has_more)) indexesRebuilt = this.rebuildIndexes()
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved while this page was in flight (another puller?); the page was not applied')
      if (reply.reset) {
        for (const t of SYNCED_TABLES) this.db.exec(`DELETE FROM ${q(t)}`)
        for (const k of [META.cursor, META.phase, META.horizon, META.bootstrapRows, META.bootstrapStartedAt, META.bulkPlan, META.bulkLanes, META.bulkLanesMoved]) this.setMeta(k, null)
        SYNCED_TABLES.forEach((t) => tables.add(t))
        return
      }
      if (sentCursor === null) {
        // bootstrap start: an empty replica without secondary indexes
        bootstrapStarted = true
        const already = this.savedIndexes()
        const dropped = dropSecondaryIndexes(this.db, SYNCED_TABLES)
        for (const t of SYNCED_TABLES) this.db.exec(`DELETE FROM ${q(t)}`)
        const byName = new Map([...already, ...dropped].map((ix) => [ix.name, ix]))
        this.setMeta(META.savedIndexes, JSON.stringify([...byName.values()]))
        this.setMeta(META.bootstrapRows, '0')
        this.setMeta(META.bootstrapStartedAt, now.toISOString())
        SYNCED_TABLES.forEach((t) => tables.add(t))
      }
      const inSnapshot = reply.phase === 'snapshot'
      for (const c of reply.changes as Change[]) {
        const table = c.table as SyncedTable
        if (c.op === 'upsert') {
          this.upsert(table, c.row)
          // during the snapshot no line exists yet for an account being paged (accounts come before lines)
          if (table === 'accounts' && !inSnapshot) this.refreshAccountOnLines(c.row)
        } else {
          this.remove(table, c.pk)
        }
        tables.add(table)
        lastTable = table
      }
      this.setMeta(META.cursor, reply.cursor ?? '')
      this.setMeta(META.phase, reply.phase)
      if (reply.horizon != null) this.setMeta(META.horizon, reply.horizon)
      this.setMeta(META.lastPullAt, now.toISOString())
      if (inSnapshot || this.meta(META.bootstrapRows) !== null) {
        const n = Number(this.meta(META.bootstrapRows) ?? '0') + reply.changes.length
        this.setMeta(META.bootstrapRows, String(n))
      }
      if (!reply.has_more) {
        this.setMeta(META.dataAsOf, now.toISOString())
        this.setMeta(META.bootstrapRows, null)
        this.setMeta(META.bootstrapStartedAt, null)
      }
    })()
    if (bootstrapStarted && (reply.phase === 'log' || !reply.has_more)) indexesRebuilt = this.rebuildIndexes()
    return { changes: reply.changes.length, tables: [...tables], phase: reply.reset ? 'snapshot' : reply.phase, bootstrapStarted, indexesRebuilt, lastTable }
  }
}
