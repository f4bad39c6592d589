// The bulk bootstrap's second lane (docs/SYNC-PROTOCOL.md "Bulk bootstrap"). One thread cannot both parse a million
// lines' worth of COPY and write it: the write, the commit and the 25 indexes of `lines` kept one core busy while the
// other mostly waited. So a worker thread (lane.worker.ts) with its own remote connection copies some tables into a
// scratch replica next to the store and builds their indexes there, while the sync thread copies the other tables
// into the store and builds theirs; at the end the sync thread moves the indexed tables in with SQLite's transfer
// optimisation (rows and index entries copied as they are, no re-sort).
//
// Only for a remote that can be opened again from its configuration in another thread (direct Postgres), a store on
// disk, and a worker script to run; otherwise the sync thread copies every table itself.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { SnapshotPlan } from '../../../shared/sync/protocol'
import { findEntry, startWorkerEntry, type ResolvedEntry } from '../../runtime'
import { openSqlite, type SavedIndex, type Db } from '../../store'
import type { BulkStats } from './stats'
import { removeLaneStore } from './lane-files'
import { reviveError, type SerializedError } from '../errors'
import type { RemoteConfig } from '../remotes/remote'
import { BULK_META } from '../replica'

/**
 * The tables each worker lane copies, the sync thread copying the rest: `lines` (25 secondary indexes, the costliest
 * build) with `accounts`, whose columns its rows take on the way in, then `usage_daily` and `invoice_items`, the biggest
 * tables with few or no secondary indexes (their copy costs far more than moving them in). On two cores one lane: at 1M
 * lines, 3 months (bench sync), lines + accounts + usage_daily took 50-57 s; two lanes (lines + accounts, usage_daily +
 * invoice_items) 62 s, three threads and the server sharing two cores; adding line_events to the one lane 58 s. Two
 * lanes from four cores up (not measured here: this machine has two).
 */
const ONE_LANE: ReadonlyArray<readonly string[]> = [['accounts', 'lines', 'usage_daily']]
const TWO_LANES: ReadonlyArray<readonly string[]> = [
  ['accounts', 'lines'],
  ['usage_daily', 'invoice_items'],
]

/** How a bulk bootstrap runs (the core's config, docs/CONFIG.md); every field optional. */
export interface BootstrapOptions {
  /** the worker lanes' tables, overriding the layout by core count; [] = the sync thread copies everything */
  lanes?: ReadonlyArray<readonly string[]>
  /** print each bulk bootstrap's statistics on stderr */
  trace?: boolean
  /** tests: every lane fails after this many chunks, as a lost connection would (the scratch replica is kept) */
  laneFailAfter?: number
}

/** The lanes of a new bulk bootstrap: `override` (BootstrapOptions.lanes), else by core count. */
export function laneLayout(override?: ReadonlyArray<readonly string[]>): ReadonlyArray<readonly string[]> {
  return override ?? (availableParallelism() >= 4 ? TWO_LANES : ONE_LANE)
}

/**
 * A lane layout written as WINGTEL_BOOTSTRAP_LANES is: lanes separated by `;`, tables by `,`
 * (`accounts,lines;usage_daily,invoice_items`); empty = no lane.
 */
export function parseLaneLayout(text: string): string[][] {
  return text
    .split(';')
    .map((l) => l.split(',').map((t) => t.trim()).filter(Boolean))
    .filter((l) => l.length > 0)
}

/** Keys of the scratch replica's own meta table (its cursor and plan use the store's keys: replica.ts META, bulk-state.ts BULK_META). */
export const LANE_META = {
  /** the lane's tables are copied and indexed: ready to be moved in */
  indexed: 'sync.lane_indexed',
  /** the table definitions it was made with (an app updated between two runs may have migrated the store's) */
  ddl: 'sync.lane_ddl',
} as const

export interface LaneInput {
  scratchPath: string
  remote: RemoteConfig
  /** the bootstrap's plan narrowed to the lane's tables (its horizon identifies the bootstrap a scratch file belongs to) */
  plan: SnapshotPlan
  /** CREATE TABLE statements of the store's synced tables and its meta table */
  ddl: string[]
  /** the saved secondary indexes of the lane's tables */
  indexes: SavedIndex[]
  chunkRows: number
  /** BootstrapOptions.laneFailAfter */
  failAfter?: number
}

export type LaneRequest = { type: 'stop' }
export type LaneStats = BulkStats & { loadMs: number }
export type LaneMessage =
  | { type: 'progress'; rows: number; runRows: number }
  | { type: 'done'; rows: number; stats: LaneStats }
  | { type: 'error'; error: SerializedError; stopped: boolean }

function openScratch(path: string): Db {
  const db = openSqlite(path)
  // A rollback journal, not WAL: pages appended to the file (nearly all of a bulk copy) are written once and never
  // journaled, and a killed run is rolled back to its last chunk when the file is opened again. No fsync: only a
  // crash of the whole machine could lose what a killed process wrote, and then the lane starts over.
  db.pragma('journal_mode = TRUNCATE')
  db.pragma('synchronous = OFF')
  db.pragma('foreign_keys = OFF')
  db.pragma('cache_size = -262144')
  db.pragma('temp_store = MEMORY')
  return db
}

/**
 * The lane's scratch replica: the one a killed run left, when it belongs to the same bootstrap (same plan) and the
 * store's table definitions have not changed since, else a new one with them (no indexes: they are built after the copy).
 */
export function openLaneStore(input: LaneInput): Db {
  const path = input.scratchPath
  if (existsSync(path)) {
    try {
      const db = openScratch(path)
      const meta = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value
      if (meta(BULK_META.plan) === JSON.stringify(input.plan) && meta(LANE_META.ddl) === JSON.stringify(input.ddl)) return db
      db.close()
    } catch {
      // unreadable or from another schema: start over
    }
  }
  removeLaneStore(path)
  const db = openScratch(path)
  db.transaction(() => {
    for (const s of input.ddl) db.exec(s)
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(LANE_META.ddl, JSON.stringify(input.ddl))
  })()
  return db
}

function laneWorker(): ResolvedEntry | null {
  return findEntry('sync-lane-worker')
}

export function laneAvailable(): boolean {
  return laneWorker() !== null
}

export interface LaneRun {
  /** rows in the scratch replica (an earlier, killed run's included) and rows this run stored there */
  progress: { rows: number; runRows: number }
  /** settles when the lane's tables are copied and indexed (the worker has closed the scratch file) */
  done: Promise<{ rows: number; stats: LaneStats }>
  /** asks the worker to stop after its current chunk (the scratch replica is kept for the next run); settles once it has exited */
  stop: () => Promise<void>
  /** settles when the worker has exited */
  exited: Promise<void>
}

export function startLane(input: LaneInput, onProgress?: () => void): LaneRun | null {
  const script = laneWorker()
  if (!script) return null
  const w = startWorkerEntry(script, input)
  const exited = new Promise<void>((ok) => w.once('exit', () => ok()))
  const run: LaneRun = {
    progress: { rows: 0, runRows: 0 },
    exited,
    done: null as unknown as LaneRun['done'],
    stop: async () => {
      w.postMessage({ type: 'stop' } satisfies LaneRequest)
      // a worker stuck in a long statement: terminated after a while (its SQLite connection is closed as it exits)
      const timer = setTimeout(() => void w.terminate(), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  run.done = new Promise((ok, fail) => {
    w.on('message', (m: LaneMessage) => {
      if (m.type === 'progress') {
        run.progress = { rows: m.rows, runRows: m.runRows }
        onProgress?.()
        return
      }
      if (m.type === 'done') ok({ rows: m.rows, stats: m.stats })
      else fail(reviveError(m.error))
      // its scratch file is closed: the worker (kept alive by its message port) is done
      void w.terminate()
    })
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`the bootstrap lane's worker exited with code ${code}`)))
  })
  run.done.catch(() => undefined) // the caller awaits done: this only keeps an early failure from being unhandled
  return run
}
