// A workspace is one local store and everything that serves it: the database, the write queue, the event bus.
// It runs the same in the Electron main process, the web-mode server, the CLI and tests.
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import { dirname } from 'node:path'
import type { WorkspaceStatus } from '../../shared/api/workspace'
import { openDatabase, openSqlite, type Db } from './open'
import { damagedError, quickCheck, startIntegrityWorker, SYNC_CHECK_MAX_BYTES, type IntegrityMode } from './integrity'
import { WriteQueue } from './write-queue'
import { EventBus } from './events'
import { watchSlowQueries } from './slow-query'
import { domainLogger, type Logger } from '../log'

const storeLog = domainLogger('store')

export interface WorkspaceOptions {
  dbPath: string
  readonly?: boolean
  /** receives the slow-query log (default: the root logger's 'store' child) */
  log?: Logger
  /** statements slower than this are logged (default 50 ms) */
  slowQueryMs?: number
  /** quick_check at open (integrity.ts): 'auto' (default) checks a small file before the open returns, a big one in a
   * worker right after */
  integrity?: IntegrityMode
}

export class Workspace {
  private current: Db
  readonly queue = new WriteQueue()
  readonly events = new EventBus()
  state: WorkspaceStatus['state'] = 'ready'
  progress: WorkspaceStatus['progress'] = null
  error: string | null = null
  /** bumped on every committed write that changes what queries return; caches key on it */
  dataVersion = 0
  /** settles when the integrity check started at open has answered (at once when it ran before the open returned) */
  readonly integrity: Promise<void>
  private checker: Worker | null = null

  constructor(readonly opts: WorkspaceOptions) {
    if (opts.dbPath !== ':memory:' && !opts.readonly) mkdirSync(dirname(opts.dbPath), { recursive: true })
    this.current = openDatabase(opts.dbPath, { readonly: opts.readonly })
    this.watch()
    this.events.on((e) => {
      if (e.type === 'data-changed' || e.type === 'workspace-ready') this.dataVersion++
    })
    try {
      this.integrity = this.checkIntegrity(opts.integrity ?? 'auto')
    } catch (e) {
      this.current.close()
      throw e
    }
  }

  get db(): Db {
    return this.current
  }

  private watch(): void {
    watchSlowQueries(this.current, { log: this.opts.log ? () => this.opts.log! : storeLog, thresholdMs: this.opts.slowQueryMs })
  }

  private checkIntegrity(mode: IntegrityMode): Promise<void> {
    const path = this.opts.dbPath
    if (mode === 'off' || path === ':memory:') return Promise.resolve()
    const size = statSync(path).size
    if (mode === 'sync' || (mode === 'auto' && size <= SYNC_CHECK_MAX_BYTES)) {
      // on a connection of its own: a quick_check statement left on the store's connection holds its tables, and a
      // later wal_checkpoint(TRUNCATE) on it fails with "database table is locked"
      const db = openSqlite(path, { readonly: true })
      let problems: string[] | null
      try {
        problems = quickCheck(db)
      } finally {
        db.close()
      }
      if (problems) throw damagedError(path, problems)
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.checker = startIntegrityWorker(path, (r) => {
        this.checker = null
        if (r.ok === false) this.markDamaged(damagedError(path, r.problems).message)
        else if (r.ok === 'unknown') storeLog().warn({ path, reason: r.message }, 'the integrity check did not finish')
        else storeLog().info({ path, ms: r.ms }, 'integrity check passed')
        resolve()
      })
      if (!this.checker) {
        storeLog().warn({ path }, 'no integrity worker entry: the workspace was not checked')
        resolve()
      }
    })
  }

  /** A damage found after the open: say so, and write nothing more to the file. */
  private markDamaged(message: string): void {
    storeLog().error({ path: this.opts.dbPath }, message)
    this.state = 'error'
    this.error = message
    this.queue.refuse(message)
    if (this.current.open) this.current.pragma('query_only = ON')
    this.events.emit({ type: 'workspace-error', message })
  }

  /**
   * Puts a complete store file built beside this one (same folder) in this one's place and reopens: the first-start
   * demo build writes to a temporary file and only a finished build becomes the workspace (issue 11, attack 9).
   */
  replaceWith(builtPath: string): void {
    const path = this.opts.dbPath
    this.current.close()
    for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true })
    renameSync(builtPath, path)
    this.current = openDatabase(path, { readonly: this.opts.readonly })
    this.watch()
  }

  meta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    return row?.value ?? null
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  /** Called after writes that change query results. */
  changed(tables: string[]): void {
    this.events.emit({ type: 'data-changed', tables })
  }

  close(): void {
    void this.checker?.terminate()
    this.checker = null
    this.current.close()
  }
}
