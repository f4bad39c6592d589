// Applies sync_pull pages to the local store. Generic per synced table (upsert by primary key, delete tombstones),
// plus the lines denormalization of docs/SYNC-PROTOCOL.md: a line upsert fills the account columns from the local
// `accounts`; an account upsert refreshes them on its lines.
//
// Durability: each page is written in ONE SQLite transaction together with its cursor (meta `sync.cursor`), so a
// process killed at any instant resumes exactly after the last page it committed. A null cursor starts a bootstrap:
// the synced tables are cleared and their secondary indexes dropped in the same transaction as the first page; the
// indexes are rebuilt in the transaction of the first `log` page (or the last page, whichever comes first). That index
// bookkeeping is the bootstrap's (bootstrap/indexes.ts), shared with the bulk bootstrap, which writes its own rows.
import type Database from 'better-sqlite3'
import type { Db } from '../../store'
import { LINE_ACCOUNT_COLUMNS, SYNCED_TABLES, TABLE_PKS, type Change, type PullReply, type SyncedTable } from '../../../shared/sync/protocol'
import { forgetReplica } from '../bootstrap/bulk-state'
import { BootstrapIndexes } from '../bootstrap/indexes'
import { ACCOUNT_COLS, ACCOUNT_VALUES, META, q, ReplicaMeta, storedColumns, type ColumnInfo } from '../replica'

export interface PageResult {
  changes: number
  tables: string[]
  /** the phase the local store is in after this page */
  phase: 'snapshot' | 'log'
  bootstrapStarted: boolean
  indexesRebuilt: boolean
  lastTable: string | null
}

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

export class Applier extends ReplicaMeta {
  readonly indexes = new BootstrapIndexes(this)
  private columns: Map<string, Map<string, ColumnInfo>>
  private plans = new Map<string, UpsertPlan>()
  private lastPlan = new Map<string, UpsertPlan>()
  private stmts = new Map<string, Database.Statement<unknown[]>>()

  constructor(db: Db) {
    super(db)
    this.columns = storedColumns(db)
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
      const all = [...names, ...ACCOUNT_COLS]
      sql = `INSERT INTO lines (${all.map(q).join(',')})
          SELECT ${names.map(() => '?').join(',')}, ${ACCOUNT_VALUES.join(',')} FROM (SELECT ? AS aid) x LEFT JOIN accounts a ON a.id = x.aid WHERE true
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
    if (!reply.reset && sentCursor !== null && (reply.phase === 'log' || !reply.has_more)) indexesRebuilt = this.indexes.rebuild()
    this.db.transaction(() => {
      if (this.cursor !== sentCursor) throw new Error('the sync cursor moved while this page was in flight (another puller?); the page was not applied')
      if (reply.reset) {
        forgetReplica(this)
        SYNCED_TABLES.forEach((t) => tables.add(t))
        return
      }
      if (sentCursor === null) {
        // bootstrap start: an empty replica without secondary indexes
        bootstrapStarted = true
        this.indexes.dropAndEmpty()
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
    if (bootstrapStarted && (reply.phase === 'log' || !reply.has_more)) indexesRebuilt = this.indexes.rebuild()
    return { changes: reply.changes.length, tables: [...tables], phase: reply.reset ? 'snapshot' : reply.phase, bootstrapStarted, indexesRebuilt, lastTable }
  }
}
