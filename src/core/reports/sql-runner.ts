// The SQL runner: user SQL runs in a child process on its own read-only connection to the workspace file, with a time
// limit and a cancel that kill the process (see sql.process.ts for why not a worker thread). One warm child is kept
// idle between runs; concurrent runs get their own child.
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

  constructor(private readonly dbPath: string) {}

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

  async run(sql: string, opts: RunOptions): Promise<SqlResult> {
    if (this.dbPath === ':memory:') throw new AppError('UNAVAILABLE', 'the SQL runner needs a workspace file (this one is in memory)')
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
      const req: RunRequest = { id, dbPath: this.dbPath, key: currentStoreKey(), sql, maxRows: opts.maxRows }
      child.proc.send(req)
    })
    this.park(child)
    if (!reply.ok) {
      const prefix = reply.reason === 'refused' ? 'Refused' : reply.reason === 'malformed' ? 'Malformed SQL' : 'SQL error'
      throw new AppError('BAD_INPUT', `${prefix}: ${reply.message}`, { reason: reply.reason })
    }
    return {
      columns: reply.columns,
      rows: reply.rows as Cell[][],
      rowCount: reply.rowCount,
      truncated: reply.rowCount > reply.rows.length,
      maxRows: opts.maxRows,
      elapsedMs: performance.now() - t0,
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

const runners = new Map<string, SqlRunner>()

/** One runner per workspace file. */
export function sqlRunnerFor(dbPath: string): SqlRunner {
  let r = runners.get(dbPath)
  if (!r) {
    r = new SqlRunner(dbPath)
    runners.set(dbPath, r)
  }
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
