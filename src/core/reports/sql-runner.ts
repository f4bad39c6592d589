// The SQL runner: user SQL runs in a child process on its own read-only connection to the workspace file, with a time
// limit and a cancel that kill the process (see sql-process.ts for why not a worker thread). One warm child is kept
// idle between runs; concurrent runs get their own child.
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { AppError } from '../../shared/api/errors'
import type { Cell, SqlResult } from '../../shared/api/reports'
import type { RunReply, RunRequest } from './sql.process'

/**
 * Where the child's entry module lives. From source (tsx, vitest) it is the sibling .ts, run with `--import tsx`; a
 * bundle (electron-vite) must emit sql-process as its own entry and point this seam at the built .js.
 */
export type EntryResolver = () => { path: string; execArgv: string[] }

let resolveEntry: EntryResolver = () => {
  const ts = fileURLToPath(new URL('./sql.process.ts', import.meta.url))
  if (existsSync(ts)) return { path: ts, execArgv: ['--import', 'tsx'] }
  return { path: fileURLToPath(new URL('./sql-process.js', import.meta.url)), execArgv: [] }
}

export function setSqlProcessEntry(fn: EntryResolver): void {
  resolveEntry = fn
}

/** The child's entry module (the dashboard summaries build runs in the same entry, see sql-process.ts). */
export function sqlProcessEntry(): { path: string; execArgv: string[] } {
  return resolveEntry()
}

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

  constructor(private readonly dbPath: string) {}

  private spawn(): Child {
    const entry = resolveEntry()
    const env: NodeJS.ProcessEnv = { ...process.env, WINGTEL_SQL_CHILD: '1' }
    // Inside Electron, process.execPath is the Electron binary: run it as plain Node (same ABI for better-sqlite3).
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1'
    const proc = fork(entry.path, [], { execArgv: entry.execArgv, env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' })
    const child: Child = { proc, busy: false }
    proc.on('exit', () => {
      if (this.idle === child) this.idle = null
    })
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
      const req: RunRequest = { id, dbPath: this.dbPath, sql, maxRows: opts.maxRows }
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

  close(): void {
    for (const kill of this.running.values()) kill()
    this.idle?.proc.kill('SIGKILL')
    this.idle = null
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

export function closeSqlRunners(): void {
  for (const r of runners.values()) r.close()
  runners.clear()
}
