// Bulk loading helpers for the local store (demo generator, sync bootstrap): drop the secondary indexes of the tables
// being filled and rebuild them afterwards (one sorted build is far cheaper than a million random B-tree inserts), and
// relax durability while the load runs. Generic: the index definitions are read from sqlite_master, not hard-coded.
import type { Db } from './open'

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
