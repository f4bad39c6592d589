// Bulk loading helpers for the local store (demo generator, sync bootstrap): drop the secondary indexes of the tables
// being filled and rebuild them afterwards (one sorted build is far cheaper than a million random B-tree inserts), and
// relax durability while the load runs. Generic: the index definitions are read from sqlite_master, not hard-coded.
import { rmSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { findEntry, startWorkerEntry } from '../runtime'
import { attachStore } from './cipher'
import { openSqlite, type Db } from './open'
import { rootLogger } from '../log'

export interface SavedIndex {
  name: string
  table: string
  sql: string
}

/**
 * Drops every explicitly created index (not the automatic PRIMARY KEY / UNIQUE ones, which cannot be dropped) of the
 * given tables and returns their definitions for `recreateIndexes`. Runs in one transaction.
 */
export function dropSecondaryIndexes(db: Db, tables: readonly string[]): SavedIndex[] {
  if (tables.length === 0) return []
  const rows = db
    .prepare(
      `SELECT name, tbl_name AS "table", sql FROM sqlite_master
       WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})
       ORDER BY tbl_name, name`,
    )
    .all(...tables) as SavedIndex[]
  db.transaction(() => {
    for (const r of rows) db.exec(`DROP INDEX IF EXISTS "${r.name.replace(/"/g, '""')}"`)
  })()
  return rows
}

/**
 * Recreates indexes saved by `dropSecondaryIndexes`. Uses SQLite's worker threads for the sorts (PRAGMA threads).
 * `onIndex` is called after each one (progress).
 */
export function recreateIndexes(db: Db, saved: readonly SavedIndex[], onIndex?: (done: number, total: number, name: string) => void): void {
  const prevThreads = db.pragma('threads', { simple: true }) as number
  const prevCache = db.pragma('cache_size', { simple: true }) as number
  const prevMmap = db.pragma('mmap_size', { simple: true }) as number
  // A moderate cache makes the sorter spill into several in-memory runs that its helper threads sort in parallel;
  // with a huge cache every index is one single-threaded in-memory sort.
  db.pragma('threads = 4')
  db.pragma('cache_size = -65536')
  // every CREATE INDEX scans its whole table: reading it through a memory map saves copying each page (system time)
  db.pragma('mmap_size = 8589934592')
  try {
    saved.forEach((ix, i) => {
      db.exec(ix.sql)
      onIndex?.(i + 1, saved.length, ix.name)
    })
  } finally {
    db.pragma(`threads = ${Number(prevThreads) || 0}`)
    db.pragma(`cache_size = ${prevCache}`)
    db.pragma(`mmap_size = ${Number(prevMmap) || 0}`)
  }
}

/**
 * Creates those of `saved` that do not exist yet, each in its own short transaction: a killed build keeps the ones
 * done, and no transaction holds the write lock for the whole build (the console's writes would time out).
 */
export function buildMissingIndexes(db: Db, saved: readonly SavedIndex[], onIndex?: (done: number, total: number, name: string) => void): void {
  const existing = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{ name: string }>).map((r) => r.name))
  const todo = saved.filter((ix) => !existing.has(ix.name))
  todo.forEach((ix, i) => {
    db.transaction(() => recreateIndexes(db, [ix]))()
    onIndex?.(i + 1, todo.length, ix.name)
  })
}

/** The CREATE TABLE statements of `tables` (those that exist). */
export function tableDdl(db: Db, tables: readonly string[]): string[] {
  return (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(',')})`).all(...tables) as Array<{ sql: string }>).map((r) => r.sql)
}

export interface SavedTrigger {
  name: string
  table: string
  sql: string
}

/** Drops the triggers of the given tables (a bulk load that maintains their effect itself) and returns them. */
export function dropTriggers(db: Db, tables: readonly string[]): SavedTrigger[] {
  if (tables.length === 0) return []
  const rows = db
    .prepare(
      `SELECT name, tbl_name AS "table", sql FROM sqlite_master
       WHERE type = 'trigger' AND tbl_name IN (${tables.map(() => '?').join(',')}) ORDER BY name`,
    )
    .all(...tables) as SavedTrigger[]
  db.transaction(() => {
    for (const r of rows) db.exec(`DROP TRIGGER IF EXISTS "${r.name.replace(/"/g, '""')}"`)
  })()
  return rows
}

/** Recreates triggers saved by `dropTriggers`. */
export function recreateTriggers(db: Db, saved: readonly SavedTrigger[]): void {
  db.transaction(() => {
    for (const t of saved) db.exec(t.sql)
  })()
}

export interface BulkSettings {
  journalMode: string
  synchronous: number
  cacheSize: number
}

/**
 * Relaxes durability for a bulk load: no rollback journal, no fsync, a big page cache. A crash during the load leaves
 * a damaged file, so use it only on a store that is being built from scratch (and is thrown away on failure).
 * Returns the previous settings for `endBulkLoad`. Must not be called inside a transaction.
 */
export function beginBulkLoad(db: Db, opts: { cacheMb?: number } = {}): BulkSettings {
  const prev: BulkSettings = {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    cacheSize: Number(db.pragma('cache_size', { simple: true })),
  }
  // WAL cannot switch straight to OFF: leave WAL (checkpointing it) first. better-sqlite3 opens connections in
  // defensive mode, which refuses journal_mode=OFF: lift it for the load (endBulkLoad restores it).
  if (prev.journalMode.toLowerCase() === 'wal') db.pragma('journal_mode = DELETE')
  db.unsafeMode(true)
  db.pragma('journal_mode = OFF')
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'off') db.pragma('journal_mode = MEMORY')
  db.pragma('synchronous = OFF')
  db.pragma(`cache_size = ${-1024 * (opts.cacheMb ?? 128)}`)
  return prev
}

/** Restores what `beginBulkLoad` changed (journal mode back to WAL etc.). */
export function endBulkLoad(db: Db, prev: BulkSettings): void {
  db.pragma(`cache_size = ${prev.cacheSize}`)
  db.pragma(`journal_mode = ${prev.journalMode}`)
  db.unsafeMode(false)
  db.pragma(`synchronous = ${prev.synchronous}`)
}

/** Runs `fn` with the indexes of `tables` dropped and durability relaxed; rebuilds and restores even if fn throws. */
export async function withBulkLoad<T>(
  db: Db,
  tables: readonly string[],
  fn: () => Promise<T> | T,
  onIndex?: (done: number, total: number, name: string) => void,
): Promise<T> {
  const prev = beginBulkLoad(db)
  let saved: SavedIndex[] = []
  try {
    saved = dropSecondaryIndexes(db, tables)
    return await fn()
  } finally {
    try {
      recreateIndexes(db, saved, onIndex)
    } finally {
      endBulkLoad(db, prev)
    }
  }
}

// ---- indexes built aside, in a worker thread ------------------------------------------------------------------------

/** Input of index-worker.ts. */
export interface AsideInput {
  srcPath: string
  scratchPath: string
  tables: string[]
  /** CREATE TABLE statements of `tables` */
  tableDdl: string[]
  indexes: SavedIndex[]
}

/** Opens a scratch file for a bulk load with the given CREATE TABLE statements: no journal, no fsync, no FK checks. */
export function openScratchStore(path: string, tableDdl: readonly string[]): Db {
  rmSync(path, { force: true })
  const db = openSqlite(path)
  db.unsafeMode(true)
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('foreign_keys = OFF')
  db.pragma('cache_size = -131072')
  for (const s of tableDdl) db.exec(s)
  return db
}

export interface IndexesAside {
  tables: string[]
  /** the worker's copy and index build, ms */
  done: Promise<{ copyMs: number; indexMs: number }>
  /** stops the worker and deletes the scratch file (the bootstrap failed; the next run starts a new one) */
  cancel: () => void
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`

/**
 * Starts building the saved indexes of `tables` aside (the secondary-index build that costs most, e.g. lines' 25):
 * a worker thread copies those tables of the store into `scratchPath` and builds their indexes there, while the
 * caller builds the other tables' indexes on its own connection; `finishIndexesAside` then moves the indexed tables
 * back in one transaction. Returns null when it cannot run here (in-memory store, no worker script in a bundle, not
 * in WAL mode): the caller builds those indexes itself.
 */
export function startIndexesAside(db: Db, tables: readonly string[], saved: readonly SavedIndex[], scratchPath: string): IndexesAside | null {
  const script = findEntry('index-worker')
  if (!script || db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null
  const mine = saved.filter((ix) => tables.includes(ix.table))
  if (mine.length === 0) return null
  const input: AsideInput = { srcPath: db.name, scratchPath, tables: [...tables], tableDdl: tableDdl(db, tables), indexes: mine }
  // data_version moves when another connection commits: a local write to these tables while the worker copies them
  // means the copy is stale (finishIndexesAside then gives up and the caller builds the indexes itself)
  const version = Number(db.pragma('data_version', { simple: true }))
  versions.set(scratchPath, version)
  const w = startWorkerEntry(script, input)
  const done = new Promise<{ copyMs: number; indexMs: number }>((ok, fail) => {
    w.on('message', (m: { type: string; copyMs?: number; indexMs?: number; message?: string }) => {
      if (m.type === 'done') ok({ copyMs: m.copyMs!, indexMs: m.indexMs! })
      else fail(new Error(`index worker failed: ${m.message}`))
    })
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`index worker exited with code ${code}`)))
  })
  done.catch(() => undefined) // the caller awaits done: this only keeps an early failure from being unhandled
  const cancel = () => {
    versions.delete(scratchPath)
    void w.terminate().finally(() => rmSync(scratchPath, { force: true }))
  }
  return { tables: [...tables], done: done.finally(() => void w.terminate()), cancel }
}
const versions = new Map<string, number>()

/**
 * Waits for the worker, then moves its indexed tables in (moveTablesIn). Returns false — and leaves the store
 * untouched — when the worker failed or another connection wrote to the store meanwhile. The scratch file is deleted
 * either way.
 */
export async function finishIndexesAside(db: Db, aside: IndexesAside, saved: readonly SavedIndex[], scratchPath: string): Promise<boolean> {
  try {
    try {
      await aside.done
    } catch (e) {
      // the caller builds these indexes on its own connection instead
      rootLogger().child({ domain: 'store' }).warn({ err: e }, 'building indexes aside failed')
      return false
    }
    return moveTablesIn(db, scratchPath, aside.tables, saved, () => Number(db.pragma('data_version', { simple: true })) === versions.get(scratchPath))
  } finally {
    versions.delete(scratchPath)
    // (unlinking a gigabyte file takes a while: off this thread)
    await rm(scratchPath, { force: true }).catch(() => undefined) // a scratch file left behind is overwritten by the next build
  }
}

/**
 * Moves whole tables with their indexes from a scratch file into the store, in one transaction: the store's tables
 * emptied, their saved indexes created (on no rows), then `INSERT ... SELECT *` from the scratch file, which SQLite's
 * transfer optimisation turns into a raw copy of the rows and index entries, in order (the scratch tables must have
 * the same definitions and exactly the saved indexes; triggers and FK checks are off for it). `within` runs first in
 * the transaction: false rolls back and returns false; it may also write its own bookkeeping.
 */
export function moveTablesIn(db: Db, scratchPath: string, tables: readonly string[], saved: readonly SavedIndex[], within: () => boolean = () => true): boolean {
  const fk = Number(db.pragma('foreign_keys', { simple: true }))
  db.pragma('foreign_keys = OFF')
  attachStore(db, scratchPath, 'aside')
  try {
    db.exec('BEGIN IMMEDIATE')
    try {
      if (!within()) {
        db.exec('ROLLBACK')
        return false
      }
      const triggers = dropTriggers(db, tables)
      for (const t of tables) {
        db.exec(`DELETE FROM main.${qi(t)}`)
        for (const ix of saved) {
          if (ix.table !== t) continue
          // (one built by an earlier, interrupted rebuild: the copy's must match the set exactly)
          db.exec(`DROP INDEX IF EXISTS main.${qi(ix.name)}`)
          db.exec(ix.sql)
        }
        db.exec(`INSERT INTO main.${qi(t)} SELECT * FROM aside.${qi(t)}`)
      }
      recreateTriggers(db, triggers)
      db.exec('COMMIT')
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK')
      throw e
    }
  } finally {
    db.exec('DETACH DATABASE aside')
    db.pragma(`foreign_keys = ${fk}`)
  }
  return true
}

// ---- WAL checkpoints off the writer's thread -------------------------------------------------------------------------

/** Input of checkpoint-worker.ts. */
export interface CheckpointerInput {
  path: string
  /** [0]: 1 = stop; [1]: never set (the worker sleeps on it) */
  flags: Int32Array
}

export interface Checkpointer {
  /** the writer's automatic checkpoints come back; the worker catches up and exits by itself */
  stop: () => void
  /** settles when the worker has exited */
  exited: Promise<void>
}

/**
 * For a long bulk write into a store in WAL mode: the writer's automatic checkpoints (copying the WAL into the
 * database file, about as much work again as writing it) are turned off, and a worker thread with its own connection
 * checkpoints instead, as the WAL grows: PASSIVE only, never taking the write lock, so the writer never waits for it
 * (a blocking checkpoint at the end held the lock for seconds and failed the next pull's write). Null (nothing changed)
 * for an in-memory store, one not in WAL mode, or without the worker's script.
 */
export function startCheckpointer(db: Db): Checkpointer | null {
  const script = findEntry('checkpoint-worker')
  if (!script || db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null
  const prev = Number(db.pragma('wal_autocheckpoint', { simple: true }))
  const flags = new Int32Array(new SharedArrayBuffer(8))
  const w = startWorkerEntry(script, { path: db.name, flags } satisfies CheckpointerInput)
  // a checkpoint that fails is only a checkpoint not done: the writer's own ones resume at stop
  w.on('error', () => undefined)
  db.pragma('wal_autocheckpoint = 0')
  let stopped = false
  const exited = new Promise<void>((ok) => w.once('exit', () => ok()))
  return {
    exited,
    stop: () => {
      if (stopped) return
      stopped = true
      db.pragma(`wal_autocheckpoint = ${prev > 0 ? prev : 1000}`)
      Atomics.store(flags, 0, 1)
      Atomics.notify(flags, 0)
      // (the process may exit before it has caught up: the next checkpoint, or the last connection's close, does it)
      w.unref()
    },
  }
}

/**
 * Planner statistics after a bulk load: a sampled ANALYZE (at most 1,000 rows per index, well under a second at a
 * million lines). The grid's and the console's plans rely on sqlite_stat1; a store built or replaced in bulk has none.
 */
export function analyzeSampled(db: Db): void {
  db.pragma('analysis_limit = 1000')
  db.exec('ANALYZE')
}

/**
 * Rebuilds `console_line_groups` from `lines` in one pass: what its triggers (migration 0004) maintain row by row,
 * which the load skips (the triggers are dropped while it runs). No-op in a store without that table.
 */
export function rebuildConsoleLineGroups(db: Db): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'console_line_groups'").get()
  if (!has) return
  db.transaction(() => {
    db.exec('DELETE FROM console_line_groups')
    db.exec(`INSERT INTO console_line_groups (status, plan_code, cycle_day, plan_changes_month, addons, tags, n, fp)
      SELECT status, plan_code, cycle_day, plan_changes_month, addons, tags, count(*), sum(id * 4096 + row_version)
      FROM lines GROUP BY status, plan_code, cycle_day, plan_changes_month, addons, tags`)
  })()
}
