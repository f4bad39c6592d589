// The SQL runner: user SQL runs in a child process on its own read-only connection to the workspace file, with a time
// limit and a cancel that kill the process (see sql.process.ts for why not a worker thread). One warm child is kept
// idle between runs; concurrent runs get their own child, up to `concurrency` at once: more wait in line for up to
// `queueMs`, then are refused as busy (503 in web mode). A result is capped in bytes as well as rows: the child stops
// reading at the cap and the result says so, so one wide query cannot take the process's memory (issue 11, attack 10).
import type { ChildProcess } from 'node:child_process'
import { AppError } from '../../shared/api/errors'
import type { Cell, SqlResult } from '../../shared/api/reports'
import { forkEntry, resolveEntry } from '../runtime'
import { currentStoreKey } from '../store'
import type { RunReply, RunRequest } from './sql.process'

export interface RunOptions {
  maxRows: number
  timeoutMs: number
  runId?: string
}

/** The runner's resource caps (the core's `limits`, docs/CONFIG.md). */
export interface SqlLimits {
  /** children running statements at once */
  concurrency: number
  /** how long a run waits for a free child before it is refused as busy (0: refused at once) */
  queueMs: number
  /** the most result bytes (JSON-sized) a run returns; the child stops reading there */
  maxResultBytes: number
}

export const DEFAULT_SQL_LIMITS: SqlLimits = { concurrency: 2, queueMs: 5_000, maxResultBytes: 50 * 1024 * 1024 }

/** setTimeout's longest delay: beyond it Node fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1

interface Waiter {
  go(): void
  fail(e: AppError): void
}

interface Child {
  proc: ChildProcess
  busy: boolean
}

let nextId = 1

export class SqlRunner {
  private idle: Child | null = null
  private running = new Map<string, () => void>()
  /** every child not yet exited, with the promise of its exit (close waits for them) */
  private live = new Map<Child, Promise<void>>()
  private active = 0
  private waiting: Waiter[] = []

  constructor(
    private readonly dbPath: string,
    private limits: SqlLimits = DEFAULT_SQL_LIMITS,
  ) {}

  configure(limits: SqlLimits): void {
    this.limits = limits
  }

  /** runs waiting for a free child */
  get queued(): number {
    return this.waiting.length
  }

  /** Waits in line for a run slot for up to queueMs; refused as busy when the line is not allowed or the wait ends. */
  private wait(runId: string | undefined): Promise<void> {
    const busy = () =>
      new AppError('UNAVAILABLE', `busy: ${this.limits.concurrency} SQL ${this.limits.concurrency === 1 ? 'query is' : 'queries are'} already running; try again when one has finished`, { reason: 'busy' })
    if (this.limits.queueMs <= 0) return Promise.reject(busy())
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer)
        this.waiting = this.waiting.filter((w) => w !== waiter)
        if (runId) this.running.delete(runId)
      }
      const waiter: Waiter = {
        // release() hands its slot over: `active` already counts this run
        go: () => {
          leave()
          resolve()
        },
        fail: (e) => {
          leave()
          reject(e)
        },
      }
      const timer = setTimeout(() => waiter.fail(busy()), Math.min(this.limits.queueMs, MAX_TIMER_MS))
      this.waiting.push(waiter)
      if (runId) this.running.set(runId, () => waiter.fail(new AppError('BAD_INPUT', 'the query was cancelled', { reason: 'cancelled' })))
    })
  }

  private release(): void {
    const next = this.waiting[0]
    if (next) next.go()
    else this.active--
  }

  private spawn(): Child {
    const proc = forkEntry(resolveEntry('sql-process'))
    const child: Child = { proc, busy: false }
    this.live.set(
      child,
      new Promise<void>((exited) =>
        proc.once('exit', () => {
          if (this.idle === child) this.idle = null
          this.live.delete(child)
          exited()
        }),
      ),
    )
    return child
  }

  private park(child: Child): void {
    child.busy = false
    if (this.idle && this.idle !== child) {
      child.proc.kill('SIGKILL')
      return
    }
    this.idle = child
    child.proc.unref()
    child.proc.channel?.unref()
  }

  /** Runs one statement; a run is registered for cancel (runId) before this returns, running or waiting in line. */
  run(sql: string, opts: RunOptions): Promise<SqlResult> {
    if (this.dbPath === ':memory:') return Promise.reject(new AppError('UNAVAILABLE', 'the SQL runner needs a workspace file (this one is in memory)'))
    if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1 || opts.timeoutMs > MAX_TIMER_MS) {
      return Promise.reject(new AppError('BAD_INPUT', `the time limit must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS} (got ${opts.timeoutMs})`))
    }
    const go = () => this.runInChild(sql, opts).finally(() => this.release())
    if (this.active < this.limits.concurrency) {
      this.active++
      return go()
    }
    return this.wait(opts.runId).then(go)
  }

  private async runInChild(sql: string, opts: RunOptions): Promise<SqlResult> {
    const child = this.idle && !this.idle.busy ? this.idle : this.spawn()
    if (this.idle === child) this.idle = null
    child.busy = true
    child.proc.ref()
    child.proc.channel?.ref()
    const id = nextId++
    const t0 = performance.now()
    const reply = await new Promise<RunReply>((resolve, reject) => {
      let settled = false
      const finish = (fn: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        child.proc.off('message', onMessage)
        child.proc.off('exit', onExit)
        if (opts.runId) this.running.delete(opts.runId)
        fn()
      }
      const kill = (reason: 'timeout' | 'cancelled', message: string) =>
        finish(() => {
          child.proc.kill('SIGKILL')
          reject(new AppError('BAD_INPUT', message, { reason }))
        })
      const timer = setTimeout(() => kill('timeout', `the query was stopped at the ${fmtMs(opts.timeoutMs)} time limit`), opts.timeoutMs)
      const onMessage = (m: RunReply) => {
        if (m.id === id) finish(() => resolve(m))
      }
      const onExit = (code: number | null, signal: string | null) =>
        finish(() => reject(new AppError('INTERNAL', `the SQL runner process exited unexpectedly (${signal ?? code})`)))
      child.proc.on('message', onMessage)
      child.proc.on('exit', onExit)
      if (opts.runId) this.running.set(opts.runId, () => kill('cancelled', 'the query was cancelled'))
      const req: RunRequest = { id, dbPath: this.dbPath, key: currentStoreKey(), sql, maxRows: opts.maxRows, maxBytes: this.limits.maxResultBytes }
      child.proc.send(req)
    })
    this.park(child)
    if (!reply.ok) {
      const prefix = reply.reason === 'refused' ? 'Refused' : reply.reason === 'malformed' ? 'Malformed SQL' : 'SQL error'
      throw new AppError('BAD_INPUT', `${prefix}: ${reply.message}`, { reason: reply.reason })
    }
    const byBytes = reply.truncatedBy === 'bytes'
    return {
      columns: reply.columns,
      rows: reply.rows as Cell[][],
      rowCount: reply.rowCount,
      truncated: byBytes || reply.rowCount > reply.rows.length,
      maxRows: opts.maxRows,
      elapsedMs: performance.now() - t0,
      ...(byBytes
        ? {
            truncatedBy: 'bytes' as const,
            notice: `result truncated at ${fmtBytes(this.limits.maxResultBytes)}: narrow the query (fewer columns, a WHERE or a LIMIT)`,
          }
        : {}),
    }
  }

  cancel(runId: string): boolean {
    const kill = this.running.get(runId)
    if (!kill) return false
    kill()
    return true
  }

  /** Kills the running and the warm child; settles when every child has exited. */
  async close(): Promise<void> {
    for (const w of [...this.waiting]) w.fail(new AppError('UNAVAILABLE', 'the SQL runner was closed'))
    for (const kill of this.running.values()) kill()
    // runs without a runId have no cancel: their child is killed here too (their callers get "exited unexpectedly")
    for (const child of this.live.keys()) child.proc.kill('SIGKILL')
    this.idle = null
    await Promise.all(this.live.values())
  }
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`
}

function fmtBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`
}

const runners = new Map<string, SqlRunner>()

/** One runner per workspace file; `limits` (the core's config, at start) sets its caps. */
export function sqlRunnerFor(dbPath: string, limits?: SqlLimits): SqlRunner {
  let r = runners.get(dbPath)
  if (!r) {
    r = new SqlRunner(dbPath, limits)
    runners.set(dbPath, r)
  } else if (limits) r.configure(limits)
  return r
}

/** Closes the runner of one workspace file (the core's stop), if it was started. */
export async function closeSqlRunner(dbPath: string): Promise<void> {
  const r = runners.get(dbPath)
  runners.delete(dbPath)
  await r?.close()
}

export async function closeSqlRunners(): Promise<void> {
  const all = [...runners.values()]
  runners.clear()
  await Promise.all(all.map((r) => r.close()))
}
