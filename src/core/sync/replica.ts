// The local replica of the synced tables, as the log apply (pull/) and the bulk bootstrap (bootstrap/) both write it:
// the meta keys of the sync state, the columns this store keeps of each synced table, and the account columns of
// `lines`, denormalized from the local `accounts` (docs/SYNC-PROTOCOL.md). The keys of the saved indexes are
// bootstrap/indexes.ts's own.
import type Database from 'better-sqlite3'
import type { Db } from '../store'
import { LINE_ACCOUNT_COLUMNS, SYNCED_TABLES } from '../../shared/sync/protocol'

export const META = {
  cursor: 'sync.cursor',
  phase: 'sync.phase',
  horizon: 'sync.horizon',
  dataAsOf: 'sync.data_as_of',
  lastPullAt: 'sync.last_pull_at',
  bootstrapRows: 'sync.bootstrap_rows',
  bootstrapStartedAt: 'sync.bootstrap_started_at',
  remoteId: 'sync.remote_id',
  clientId: 'sync.client_id',
  lastError: 'sync.last_error',
  lastPushAt: 'sync.last_push_at',
  horizonLag: 'sync.horizon_lag',
  /** + ':' + the remote's id: the last ledger head this workstation verified (engine.ts ledgerVerify) */
  ledgerAnchor: 'ledger.anchor',
} as const

/** The bulk bootstrap's keys: written by the sync thread (bootstrap/bulk-state.ts) and read by a lane (bootstrap/lane.ts). */
export const BULK_META = {
  /** the bulk bootstrap's plan (sync_snapshot_begin's reply) while it runs */
  plan: 'sync.bulk_plan',
  /** the tables each of the bulk bootstrap's other lanes copies (lane.ts), a JSON list of lists; absent: none */
  lanes: 'sync.bulk_lanes',
  /** the lanes (their numbers, a JSON list) whose tables are moved into the store */
  lanesMoved: 'sync.bulk_lanes_moved',
} as const

/** Quotes an SQL identifier. */
export const q = (id: string) => `"${id.replace(/"/g, '""')}"`

export interface ColumnInfo {
  name: string
  type: string
}

/** The columns of each synced table in this store (a store without one of them cannot hold a replica). */
export function storedColumns(db: Db): Map<string, Map<string, ColumnInfo>> {
  const columns = new Map<string, Map<string, ColumnInfo>>()
  for (const t of SYNCED_TABLES) {
    const cols = db.prepare(`PRAGMA table_info(${q(t)})`).all() as ColumnInfo[]
    if (cols.length === 0) throw new Error(`the local store lacks the synced table ${t}`)
    columns.set(t, new Map(cols.map((c) => [c.name, c])))
  }
  return columns
}

/** The account columns of `lines`, filled from the local account (a line whose account is not there yet gets these defaults). */
export const ACCOUNT_COLS = Object.keys(LINE_ACCOUNT_COLUMNS) as Array<keyof typeof LINE_ACCOUNT_COLUMNS>
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
/** ACCOUNT_COLS' values, selected from `accounts` joined as `a`. */
export const ACCOUNT_VALUES = ACCOUNT_COLS.map((c) => `coalesce(a.${q(LINE_ACCOUNT_COLUMNS[c])}, ${ACCOUNT_DEFAULTS[c]})`)

/** Empties the synced tables (in the caller's transaction). */
export function emptySyncedTables(db: Db): void {
  for (const t of SYNCED_TABLES) db.exec(`DELETE FROM ${q(t)}`)
}

/** The store's `meta` table, the sync state's home: each value is written in the transaction of the change it describes. */
export class ReplicaMeta {
  private metaGet: Database.Statement<unknown[]>
  private metaSet: Database.Statement<unknown[]>
  private metaDel: Database.Statement<unknown[]>

  constructor(readonly db: Db) {
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
}
