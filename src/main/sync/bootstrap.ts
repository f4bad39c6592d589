// The bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): instead of sync_pull's JSON snapshot (one object per row),
// ask the server for the plan (H0 noted first, the caller's readable tables), copy each table by primary key in a
// compact form (COPY text for direct Postgres, JSON arrays for PostgREST / the sandbox), write each chunk with plain
// multi-row INSERTs into the replica whose secondary indexes were dropped, rebuild the indexes, then hand over to
// sync_pull's log replay from H0. Every chunk is committed in one SQLite transaction together with the position (table
// + last key), so a killed app resumes after the last chunk it stored.
import type { SnapshotPlan } from '../../shared/sync/protocol'
import { bulkCursor, META, type AsideTimings, parseBulkCursor, type Applier, type BulkPiece, type BulkPosition } from './apply'
import type { IndexesAside } from '../db/bulk'
import { RemoteError } from './errors'
import type { Remote } from './remote'

export interface BulkStats {
  /** this run started the bootstrap (false: it resumed one) */
  started: boolean
  rows: number
  chunks: number
  /** waiting for the next chunk: server, network and (COPY) parsing, which happens as the stream is read */
  waitMs: number
  /** writing chunks to SQLite */
  applyMs: number
  /** rebuilding the secondary indexes */
  indexMs: number
  /** lines' indexes built aside by a worker thread: its copy-out and index build, ms (null: built in place) */
  aside?: AsideTimings
  /** per table copied by this run: rows, wait and write milliseconds */
  tables: Record<string, { rows: number; waitMs: number; applyMs: number }>
}

export interface BulkProgress {
  table: string
  /** rows stored by this bootstrap so far (a resumed one counts the earlier runs too) */
  rows: number
  /** rows this run stored */
  runRows: number
  remaining: number
  chunks: number
}

/** Tables whose indexes are built in a worker thread at the end of the copy (see Applier.rebuildIndexesAside). */
const ASIDE_TABLES = ['lines']

/** The server has no bulk snapshot functions (an older central schema): use sync_pull's JSON snapshot. */
export function lacksBulkSnapshot(e: unknown): boolean {
  return e instanceof RemoteError && (e.sqlstate === '42883' || e.sqlstate === 'PGRST202')
}

type BulkOptions = { chunkRows: number; onChunk?: (p: BulkProgress) => void; onIndexes?: () => void }

/**
 * Runs (or resumes, when the stored cursor is a bulk cursor) a bulk bootstrap to the point where the stored cursor is
 * the plan's log cursor. Returns null when the remote cannot do it (the caller bootstraps with sync_pull).
 */
export async function runBulkBootstrap(applier: Applier, remote: Remote, opts: BulkOptions): Promise<BulkStats | null> {
  if (!remote.snapshotBegin || !remote.snapshotRows) return null
  const stats: BulkStats = { started: false, rows: 0, chunks: 0, waitMs: 0, applyMs: 0, indexMs: 0, tables: {} }
  let cursor = applier.cursor
  let plan: SnapshotPlan | null = cursor === null ? null : applier.bulkPlan()
  if (cursor !== null && (!plan || !parseBulkCursor(cursor))) {
    // a bulk cursor without its plan (should not happen): start over
    applier.resetReplica()
    cursor = null
  }
  if (cursor === null || !plan) {
    const w0 = performance.now()
    try {
      plan = await remote.snapshotBegin()
    } catch (e) {
      if (lacksBulkSnapshot(e)) return null
      throw e
    }
    stats.waitMs += performance.now() - w0
    cursor = applier.beginBulk(plan)
    stats.started = true
  }
  const pos = parseBulkCursor(cursor)!
  const total = plan.tables.reduce((n, t) => n + t.estimate, 0)
  let ti = pos.t === null ? plan.tables.length : plan.tables.findIndex((t) => t.table === pos.t)
  if (ti < 0) throw new Error(`the stored bootstrap position names an unknown table (${String(pos.t)})`)
  // Chunks are written in transactions of at least chunkRows rows, filled across tables like sync_pull's pages (the
  // small tables share one), each with the position after its last row.
  let pending: BulkPiece[] = []
  let pendingRows = 0
  let pendingPos: BulkPosition = pos
  const flush = (table: string) => {
    if (pendingRows === 0) return
    const next = bulkCursor(pendingPos)
    const a0 = performance.now()
    applier.applyBulkChunks(pending, cursor!, next)
    const ms = performance.now() - a0
    stats.applyMs += ms
    for (const p of pending) tableStats(p.table).applyMs += (ms * p.rows.length) / pendingRows
    cursor = next
    stats.rows += pendingRows
    stats.chunks++
    pending = []
    pendingRows = 0
    const rows = Number(applier.meta(META.bootstrapRows) ?? stats.rows)
    opts.onChunk?.({ table, rows, runRows: stats.rows, remaining: Math.max(0, total - rows), chunks: stats.chunks })
  }
  const tableStats = (t: string) => (stats.tables[t] ??= { rows: 0, waitMs: 0, applyMs: 0 })
  // the tables indexed aside, once copied (the last of them before plan index `ti`)
  const asideFrom = Math.max(...ASIDE_TABLES.map((t) => plan!.tables.findIndex((p) => p.table === t))) + 1
  let asideStarted: IndexesAside | null = null
  try {
    for (; ti < plan.tables.length; ti++) {
      const table = plan.tables[ti]
      if (!asideStarted && asideFrom > 0 && ti >= asideFrom) {
        flush(plan.tables[ti - 1].table)
        asideStarted = applier.startIndexesAside(ASIDE_TABLES)
      }
      const ts = tableStats(table.table)
      const cols = applier.bulkColumns(table)
      const after = pos.t === table.table ? pos.k : null
      const it = remote.snapshotRows(table, cols, after, opts.chunkRows)[Symbol.asyncIterator]()
      try {
        for (;;) {
          const w0 = performance.now()
          const r = await it.next()
          const wait = performance.now() - w0
          stats.waitMs += wait
          ts.waitMs += wait
          if (r.done) break
          const chunk = r.value
          if (chunk.rows.length === 0) continue
          pending.push({ table: table.table, columns: cols, rows: chunk.rows })
          pendingRows += chunk.rows.length
          ts.rows += chunk.rows.length
          pendingPos = { t: table.table, k: chunk.last }
          if (pendingRows >= opts.chunkRows) flush(table.table)
        }
      } finally {
        // stops a COPY mid-stream when the write failed (the generator's cleanup drops its connection)
        await it.return?.(undefined)
      }
    }
    flush(plan.tables[plan.tables.length - 1]?.table ?? '')
  } catch (e) {
    asideStarted?.cancel()
    throw e
  }
  if (parseBulkCursor(cursor)?.t !== null) {
    const done = bulkCursor({ t: null, k: null })
    applier.moveBulkCursor(cursor, done)
    cursor = done
  }
  opts.onIndexes?.()
  const i0 = performance.now()
  // lines' 25 indexes are built by a worker thread (scratch file) while this thread copies and indexes the others
  asideStarted ??= applier.startIndexesAside(ASIDE_TABLES)
  const aside = asideStarted ? await applier.finishIndexesAside(asideStarted) : null
  stats.indexMs = performance.now() - i0 + applier.finishBulk(cursor, plan)
  if (aside) stats.aside = Object.fromEntries(Object.entries(aside).map(([k, v]) => [k, Math.round(v)])) as unknown as AsideTimings
  for (const t of Object.values(stats.tables)) {
    t.waitMs = Math.round(t.waitMs)
    t.applyMs = Math.round(t.applyMs)
  }
  if (process.env.WINGTEL_SYNC_TRACE) process.stderr.write(`[sync] bulk bootstrap ${JSON.stringify(stats)}\n`)
  return stats
}
