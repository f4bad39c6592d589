// The bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): instead of sync_pull's JSON snapshot (one object per row),
// ask the server for the plan (H0 noted first, the caller's readable tables), copy each table by primary key in a
// compact form (COPY text for direct Postgres, JSON arrays for PostgREST / the sandbox), write each chunk with plain
// multi-row INSERTs into the replica whose secondary indexes were dropped, rebuild the indexes, then hand over to
// sync_pull's log replay from H0. Every chunk is committed in one SQLite transaction together with the position (table
// + last key), so a killed app resumes after the last chunk it stored. From a direct Postgres, worker lanes (lane.ts) copy
// and index some tables (lines and accounts; usage_daily and invoice_items) meanwhile; WAL checkpoints run on another worker.
import type { SnapshotPlan, SnapshotTable } from '../../../shared/sync/protocol'
import { startCheckpointer, type IndexesAside } from '../../store'
import { RemoteError } from '../errors'
import type { Remote } from '../remotes/remote'
import { META } from '../replica'
import type { BulkPiece } from './bulk-insert'
import { bulkCursor, parseBulkCursor, type BulkPosition, type BulkState } from './bulk-state'
import { laneAvailable, laneLayout, startLane, type BootstrapOptions, type LaneRun } from './lane'
import { removeLaneStore } from './lane-files'
import type { BulkProgress, BulkStats } from './stats'

/** Tables whose indexes are built in a worker thread at the end of the copy when there is no lane (see indexes.ts startAside). */
const ASIDE_TABLES = ['lines']

/** The server has no bulk snapshot functions (an older central schema): use sync_pull's JSON snapshot. */
export function lacksBulkSnapshot(e: unknown): boolean {
  return e instanceof RemoteError && (e.sqlstate === '42883' || e.sqlstate === 'PGRST202')
}

type BulkOptions = BootstrapOptions & { chunkRows: number; onBegin?: () => void; onChunk?: (p: BulkProgress) => void }

/**
 * Runs (or resumes, when the stored cursor is a bulk cursor) a bulk bootstrap to the point where the stored cursor is
 * the plan's log cursor. Returns null when the remote cannot do it (the caller bootstraps with sync_pull).
 */
export async function runBulkBootstrap(state: BulkState, remote: Remote, opts: BulkOptions): Promise<BulkStats | null> {
  if (!remote.snapshotBegin || !remote.snapshotRows) return null
  const stats: BulkStats = { started: false, rows: 0, chunks: 0, waitMs: 0, applyMs: 0, indexMs: 0, tables: {} }
  let cursor = state.cursor
  let plan: SnapshotPlan | null = cursor === null ? null : state.bulkPlan()
  if (cursor !== null && (!plan || !parseBulkCursor(cursor))) {
    // a bulk cursor without its plan (should not happen): start over
    state.resetReplica()
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
    // the other lanes (lane.ts) where they can run: a remote another thread can open, a store on disk, a worker script
    const canLane = Boolean(remote.laneConfig) && !state.db.memory && laneAvailable()
    const lanes = canLane ? laneLayout(opts.lanes).map((l) => plan!.tables.filter((t) => l.includes(t.table)).map((t) => t.table)).filter((l) => l.length > 0) : []
    state.beginBulk(plan, lanes)
    stats.started = true
    opts.onBegin?.()
  }
  // the WAL checkpoints of the whole copy, index build and move on another thread
  const checkpointer = startCheckpointer(state.db)
  try {
    return await bulkFromPlan(state, remote, plan, stats, opts)
  } finally {
    checkpointer?.stop()
  }
}

async function bulkFromPlan(state: BulkState, remote: Remote, plan: SnapshotPlan, stats: BulkStats, opts: BulkOptions): Promise<BulkStats> {
  const lanes = state.bulkLanes()
  const moved = state.bulkLanesMoved()
  const total = plan.tables.reduce((n, t) => n + t.estimate, 0)
  let mainTable = ''
  let stage: BulkProgress['stage'] = 'copying'
  const running: Array<{ n: number; tables: string[]; run: LaneRun }> = []
  const report = () => {
    const lane = running.reduce((a, l) => ({ rows: a.rows + l.run.progress.rows, runRows: a.runRows + l.run.progress.runRows }), { rows: 0, runRows: 0 })
    const rows = Number(state.meta(META.bootstrapRows) ?? stats.rows) + lane.rows
    opts.onChunk?.({ table: mainTable, rows, runRows: stats.rows + lane.runRows, remaining: Math.max(0, total - rows), chunks: stats.chunks, laneRows: running.length ? lane.rows : undefined, stage })
  }
  // without its worker (it could run when the bootstrap began, not now), this thread copies a lane's tables last
  const fallback: string[] = []
  lanes.forEach((tables, n) => {
    // (moved in: a run killed before it deleted the scratch replica leaves it behind)
    if (moved.includes(n)) return removeLaneStore(state.laneScratch(n))
    const run = remote.laneConfig ? startLane({ ...state.laneInput(plan, n, tables, remote.laneConfig(), opts.chunkRows), failAfter: opts.laneFailAfter }, report) : null
    if (run) running.push({ n, tables, run })
    else {
      removeLaneStore(state.laneScratch(n))
      fallback.push(...tables)
    }
  })
  const elsewhere = lanes.flat()
  const mine = [...plan.tables.filter((t) => !elsewhere.includes(t.table)), ...plan.tables.filter((t) => fallback.includes(t.table))]
  // lines copied here and no lane running: its 25 indexes are built aside by a worker thread once it is copied
  const asideFrom = running.length ? 0 : Math.max(...ASIDE_TABLES.map((t) => mine.findIndex((p) => p.table === t))) + 1
  let asideStarted: IndexesAside | null = null
  try {
    await copyTables(state, remote, mine, stats, {
      chunkRows: opts.chunkRows,
      onChunk: (table) => {
        mainTable = table
        report()
      },
      beforeTable: (i, flush) => {
        if (!asideStarted && asideFrom > 0 && i >= asideFrom) {
          flush()
          asideStarted = state.indexes.startAside(ASIDE_TABLES)
        }
      },
    })
  } catch (e) {
    ;(asideStarted as IndexesAside | null)?.cancel()
    await Promise.all(running.map((l) => l.run.stop()))
    throw e
  }
  const cursor = state.cursor!
  stage = 'indexing'
  report()
  const i0 = performance.now()
  if (running.length) {
    stats.lanes = []
    let pending = running.map((l) => ({ ...l, done: l.run.done.then(() => l) }))
    // (the race below hears a failure; a lane failing after another one did must not be an unhandled rejection)
    for (const p of pending) p.done.catch(() => undefined)
    try {
      // this thread's tables' indexes while the lanes finish, then each lane's tables moved in as soon as it is done
      state.indexes.buildOf(mine.map((t) => t.table))
      const ownIndexMs = performance.now() - i0
      while (pending.length) {
        const w0 = performance.now()
        const l = await Promise.race(pending.map((p) => p.done))
        const res = await l.run.done
        const w1 = performance.now()
        const moveMs = state.moveLaneIn(l.n, l.tables, res.rows, cursor)
        pending = pending.filter((p) => p.n !== l.n)
        stats.rows += res.stats.rows
        stats.chunks += res.stats.chunks
        for (const [t, v] of Object.entries(res.stats.tables)) stats.tables[t] = v
        stats.lanes.push({ tables: l.tables, loadMs: res.stats.loadMs, indexMs: res.stats.indexMs, othersIndexMs: ownIndexMs, waitMs: w1 - w0, moveMs })
      }
    } catch (e) {
      await Promise.all(pending.map((p) => p.run.stop()))
      throw e
    }
  } else {
    // lines' 25 indexes are built by a worker thread (scratch file) while this thread copies and indexes the others
    asideStarted ??= state.indexes.startAside(ASIDE_TABLES)
    const aside = asideStarted ? await state.indexes.finishAside(asideStarted) : null
    if (aside) stats.aside = aside
  }
  stats.indexMs = performance.now() - i0 + state.finishBulk(cursor, plan)
  if (stats.aside) stats.aside = roundAll(stats.aside)
  if (stats.lanes) stats.lanes = stats.lanes.map((l) => roundAll(l))
  for (const t of Object.values(stats.tables)) {
    t.waitMs = Math.round(t.waitMs)
    t.applyMs = Math.round(t.applyMs)
  }
  if (opts.trace) process.stderr.write(`[sync] bulk bootstrap ${JSON.stringify(stats)}\n`)
  return stats
}

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v])) as T
}

type CopyOptions = {
  chunkRows: number
  /** after each stored chunk, with the table it ended in */
  onChunk?: (table: string) => void
  /** before copying tables[i] (`flush` stores what is pending first) */
  beforeTable?: (i: number, flush: () => void) => void
  /** true: stop before the next chunk (the lane worker was asked to stop) */
  stopped?: () => boolean
}

/**
 * Copies `tables` (in this order) from the stored bulk cursor to the end, in transactions of at least chunkRows
 * rows, filled across tables like sync_pull's pages (the small tables share one), each with the position after its
 * last row; then moves the cursor to "all copied". Adds to `stats`.
 */
export async function copyTables(state: BulkState, remote: Remote, tables: readonly SnapshotTable[], stats: BulkStats, opts: CopyOptions): Promise<void> {
  let cursor = state.cursor
  const pos = cursor === null ? null : parseBulkCursor(cursor)
  if (!pos) throw new Error('the bulk bootstrap has no stored position')
  let ti = pos.t === null ? tables.length : tables.findIndex((t) => t.table === pos.t)
  if (ti < 0) throw new Error(`the stored bootstrap position names an unknown table (${String(pos.t)})`)
  let pending: BulkPiece[] = []
  let pendingRows = 0
  let pendingPos: BulkPosition = pos
  const tableStats = (t: string) => (stats.tables[t] ??= { rows: 0, waitMs: 0, applyMs: 0 })
  const flush = () => {
    if (pendingRows === 0) return
    const next = bulkCursor(pendingPos)
    const a0 = performance.now()
    state.applyBulkChunks(pending, cursor!, next)
    const ms = performance.now() - a0
    stats.applyMs += ms
    for (const p of pending) tableStats(p.table).applyMs += (ms * p.rows.length) / pendingRows
    cursor = next
    stats.rows += pendingRows
    stats.chunks++
    const table = pending[pending.length - 1].table
    pending = []
    pendingRows = 0
    opts.onChunk?.(table)
  }
  for (; ti < tables.length; ti++) {
    const table = tables[ti]
    opts.beforeTable?.(ti, flush)
    const ts = tableStats(table.table)
    const cols = state.bulkColumns(table)
    const after = pos.t === table.table ? pos.k : null
    const it = remote.snapshotRows!(table, cols, after, opts.chunkRows)[Symbol.asyncIterator]()
    try {
      for (;;) {
        if (opts.stopped?.()) throw new Error('the bootstrap lane was stopped')
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
        if (pendingRows >= opts.chunkRows) flush()
      }
    } finally {
      // stops a COPY mid-stream when the write failed (the generator's cleanup drops its connection)
      await it.return?.(undefined)
    }
  }
  flush()
  if (parseBulkCursor(cursor)?.t !== null) {
    const done = bulkCursor({ t: null, k: null })
    state.moveBulkCursor(cursor!, done)
  }
}
