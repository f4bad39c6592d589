// The dashboard summaries: what the four prebuilt dashboards read instead of scanning a million lines per view.
//
// They live in a sidecar SQLite file next to the workspace (`<workspace>.dashboards`), not in the workspace itself:
// they are derived and can be deleted at any time; building them writes only there, so the workspace's write lock (sync
// apply, console commits) is never held by a 20-second build; and no migration touches user data.
//
// Staleness: the sidecar keeps a data generation (`dirty_gen`) that this module bumps on every `data-changed` event
// touching a table the dashboards read, and each build records the generation it started from plus a fingerprint of
// the data (summary-build.ts). A build is fresh when both still match. After a change the summaries are refreshed in a
// child process (dashboards.process.ts) a moment later; until then a view either rebuilds first (the
// synchronous callers: CLI, benches, tests) or answers from the previous build flagged `stale` + `refreshing` (the
// API handlers, so the main thread never computes a summary).
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import type Database from 'better-sqlite3'
import type { DashboardFreshness } from '../../../shared/api/reports'
import { currentStoreKey, type Workspace } from '../../store'
import type { DashboardsBuildReply } from '../dashboards.process'
import { forkEntry, resolveEntry } from '../../runtime'
import { isLogMessage, rootLogger } from '../../log'
import { asOfOf } from './clock'
import { builtState, buildSummaries, dirtyGeneration, fingerprint, openSummaries, type BuildStats, type BuiltState } from './summary-build'

export interface ReadOptions {
  /** answer from a stale build (flagged) and refresh in the background, instead of rebuilding before answering */
  allowStale?: boolean
}

/** What a dashboard reads: the open summaries file, the last build's state and how fresh it is. */
export interface SummaryView extends Pick<BuiltState, 'asOf' | 'growth' | 'waterfall' | 'churn'> {
  dash: Database.Database
  freshness: DashboardFreshness
  /** identifies the build and its freshness, for the per-version result cache */
  key: string
}

/** Tables whose changes cannot move a dashboard (the console's outbox, saved reports, the knowledge base). */
const UNRELATED = new Set(['operations', 'op_batches', 'saved_reports', 'knowledge', 'console_line_groups'])

/**
 * Refresh this long after the last change (each change restarts the wait), so a burst of sync pages or a bootstrap
 * costs one build at its end, not one per page. A view of a stale dashboard refreshes at once.
 */
const REFRESH_DELAY_MS = 3000

interface Entry {
  dash: Database.Database | null
  refreshing: Promise<BuildStats> | null
  /** an explicit refresh was asked for during a run: run again before settling */
  again: boolean
  /** data changed during a run: schedule another refresh when it ends */
  changedDuring: boolean
  timer: NodeJS.Timeout | null
  lastError: string | null
  closed: boolean
  /** the summaries file could not be opened (a read-only folder): summaries are kept in memory, built inline */
  memoryOnly: boolean
  /** generation bumps not yet written: the summaries file was locked by a build's write (never wait on the main thread) */
  pending: number
  /** the build's child process while one runs (closing the summaries kills it) */
  child: ChildProcess | null
}

const entries = new WeakMap<Workspace, Entry>()

export function summariesPath(ws: Workspace): string {
  return ws.opts.dbPath === ':memory:' ? ':memory:' : `${ws.opts.dbPath}.dashboards`
}

export function affectsDashboards(tables: string[]): boolean {
  return tables.length === 0 || tables.some((t) => !UNRELATED.has(t))
}

function entry(ws: Workspace): Entry {
  let e = entries.get(ws)
  if (e) return e
  const created: Entry = { dash: null, refreshing: null, again: false, changedDuring: false, timer: null, lastError: null, closed: false, memoryOnly: false, pending: 0, child: null }
  entries.set(ws, created)
  ws.events.on((ev) => {
    if (created.closed || ev.type !== 'data-changed' || !affectsDashboards(ev.tables)) return
    // Nothing built yet (no file): nothing to mark stale, and no build to keep current until a dashboard is opened.
    if (!created.dash && !existsSync(summariesPath(ws))) return
    created.pending++
    flushBumps(ws)
    if (created.refreshing) created.changedDuring = true
    else scheduleRefresh(ws)
  })
  e = created
  return e
}

function open(ws: Workspace): Database.Database {
  const e = entry(ws)
  if (!e.dash) {
    try {
      e.dash = openSummaries(summariesPath(ws))
    } catch (err) {
      rootLogger().child({ domain: 'reports' }).warn({ err }, 'cannot open the dashboards sidecar: summaries kept in memory')
      e.memoryOnly = true
      e.dash = openSummaries(':memory:')
    }
    // The main thread only reads (WAL readers never wait) and bumps the generation; a bump that finds the file locked
    // by a build's write is kept in memory and retried, instead of blocking the event loop for the build's write.
    e.dash.pragma('busy_timeout = 0')
  }
  return e.dash
}

const RETRY_BUMP_MS = 200

function flushBumps(ws: Workspace): void {
  const e = entry(ws)
  if (!e.pending || e.closed) return
  try {
    open(ws).prepare("UPDATE state SET value = CAST(value AS INTEGER) + ? WHERE key = 'dirty_gen'").run(e.pending)
    e.pending = 0
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    setTimeout(() => flushBumps(ws), RETRY_BUMP_MS).unref()
  }
}

/** Starts listening for data changes (the API handlers call this when the workspace opens). */
export function watchDashboardSummaries(ws: Workspace): void {
  entry(ws)
}

function scheduleRefresh(ws: Workspace): void {
  const e = entry(ws)
  if (e.timer) clearTimeout(e.timer)
  e.timer = setTimeout(() => {
    e.timer = null
    refreshDashboardSummaries(ws).catch(() => undefined) // recorded in lastError; the next view retries
  }, REFRESH_DELAY_MS)
  e.timer.unref()
}

export interface SummaryStatus {
  state: BuiltState | null
  fresh: boolean
  generation: number
}

export function summaryStatus(ws: Workspace): SummaryStatus {
  const dash = open(ws)
  flushBumps(ws)
  const generation = dirtyGeneration(dash) + entry(ws).pending
  const state = builtState(dash)
  const fresh = !!state && state.generation === generation && state.fingerprint === fingerprint(ws)
  return { state, fresh, generation }
}

/**
 * Rebuilds the summaries off the main thread (a child process; inline for an in-memory workspace). A call during a run
 * makes it go again before settling, so the promise settles on a build that started after the call; a change announced
 * during a run schedules the next refresh instead (see REFRESH_DELAY_MS).
 */
export function refreshDashboardSummaries(ws: Workspace): Promise<BuildStats> {
  const e = entry(ws)
  if (e.timer) {
    clearTimeout(e.timer)
    e.timer = null
  }
  if (e.refreshing) {
    e.again = true
    return e.refreshing
  }
  const run = async (): Promise<BuildStats> => {
    let stats: BuildStats
    do {
      e.again = false
      e.changedDuring = false
      open(ws)
      stats =
        ws.opts.dbPath === ':memory:' || e.memoryOnly
          ? buildDashboardSummariesInline(ws)
          : await buildInChild(ws.opts.dbPath, summariesPath(ws), (child) => (e.child = child)).finally(() => (e.child = null))
    } while (e.again && !e.closed)
    return stats
  }
  e.refreshing = run().then(
    (s) => {
      e.refreshing = null
      e.lastError = null
      if (e.changedDuring && !e.closed) scheduleRefresh(ws)
      return s
    },
    (err: Error) => {
      e.refreshing = null
      e.lastError = err.message
      throw err
    },
  )
  return e.refreshing
}

/** Builds in place on the calling thread: for the synchronous callers (CLI, benches, tests) and as a fallback. */
export function buildDashboardSummariesInline(ws: Workspace): BuildStats {
  const dash = open(ws)
  flushBumps(ws)
  dash.pragma('busy_timeout = 5000')
  try {
    return buildSummaries(ws, dash)
  } finally {
    dash.pragma('busy_timeout = 0')
  }
}

export interface ChildBuildStats extends BuildStats {
  /** CPU time (user + system) the child spent, in ms */
  cpuMs: number
}

/**
 * One child process per build: a 20-second build must not share the SQL runner's child (its time limit kills it).
 * `onStart` is handed the child (closeDashboardSummaries kills it).
 */
export function buildInChild(dbPath: string, path: string, onStart?: (child: ChildProcess) => void): Promise<ChildBuildStats> {
  const proc = forkEntry(resolveEntry('dashboards-process'))
  onStart?.(proc)
  return new Promise<ChildBuildStats>((resolve, reject) => {
    // The answer is kept until the child has exited, so that a settled build leaves no process behind.
    let outcome: (() => void) | null = null
    let settled = false
    const settle = () => {
      if (settled || !outcome) return
      settled = true
      outcome()
    }
    const done = (f: () => void) => {
      if (outcome) return
      outcome = f
      proc.kill()
    }
    proc.on('message', (m: DashboardsBuildReply) => isLogMessage(m) || done(() => (m.ok ? resolve({ ...m.stats, cpuMs: m.cpuMs }) : reject(new Error(`building the dashboard summaries failed: ${m.message}`)))))
    // a child that could not be started may never emit 'exit'
    proc.on('error', (err) => {
      done(() => reject(err))
      settle()
    })
    proc.on('exit', (code) => {
      done(() => reject(new Error(`the dashboard summaries process exited (${code}) before it finished`)))
      settle()
    })
    proc.send({ dbPath, summariesPath: path, key: currentStoreKey() })
  })
}

/**
 * The summaries a dashboard reads. Fresh ones as they are. Missing or stale ones: rebuilt first, inline, unless
 * `allowStale` (then a stale build is returned flagged and a refresh is started; a missing one must have been built by
 * `ensureDashboardSummaries` beforehand, else it is built inline).
 */
export function dashboardSummaries(ws: Workspace, opts: ReadOptions = {}): SummaryView {
  const e = entry(ws)
  let st = summaryStatus(ws)
  if (!st.state || (!st.fresh && !opts.allowStale)) {
    buildDashboardSummariesInline(ws)
    st = summaryStatus(ws)
  } else if (!st.fresh && !e.refreshing) {
    refreshDashboardSummaries(ws).catch(() => undefined) // recorded in lastError; the next view retries
  }
  const state = st.state!
  const freshness: DashboardFreshness = {
    builtAt: state.builtAt,
    generation: state.generation,
    currentGeneration: st.generation,
    stale: !st.fresh,
    refreshing: !st.fresh && !!e.refreshing,
    ...(!st.fresh && e.lastError ? { refreshError: e.lastError } : {}),
  }
  return {
    dash: open(ws),
    asOf: state.asOf,
    growth: state.growth,
    waterfall: state.waterfall,
    churn: state.churn,
    freshness,
    key: `${state.builtAt}:${freshness.stale}:${freshness.refreshing}`,
  }
}

/**
 * For the API handlers, before a view: makes sure there is a build to answer from without computing on the main
 * thread. No build yet: waits for one (off the main thread). A stale one: starts a refresh and returns at once.
 */
export async function ensureDashboardSummaries(ws: Workspace): Promise<void> {
  asOfOf(ws) // a workspace without an as-of date gets the dashboards' own clear error, not a build failure
  const st = summaryStatus(ws)
  if (st.state && st.fresh) return
  if (!st.state) {
    await refreshDashboardSummaries(ws)
    return
  }
  if (!entry(ws).refreshing) refreshDashboardSummaries(ws).catch(() => undefined) // recorded in lastError; the next view retries
}

/**
 * Closes the summaries file and kills a build's child process (tests; the core's stop); settles once a build that was
 * running has ended.
 */
export async function closeDashboardSummaries(ws: Workspace): Promise<void> {
  const e = entries.get(ws)
  if (!e) return
  e.closed = true
  if (e.timer) clearTimeout(e.timer)
  e.child?.kill('SIGKILL')
  e.dash?.close()
  entries.delete(ws)
  // the build's own failure ("exited before it finished") is expected here: it was stopped on purpose
  await e.refreshing?.catch(() => undefined)
}
