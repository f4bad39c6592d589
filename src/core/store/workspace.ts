// A workspace is one local store and everything that serves it: the database, the write queue, the event bus.
// It runs the same in the Electron main process, the web-mode server, the CLI and tests.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { WorkspaceStatus } from '../../shared/api/workspace'
import { openDatabase, type Db } from './open'
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
}

export class Workspace {
  readonly db: Db
  readonly queue = new WriteQueue()
  readonly events = new EventBus()
  state: WorkspaceStatus['state'] = 'ready'
  progress: WorkspaceStatus['progress'] = null
  error: string | null = null
  /** bumped on every committed write that changes what queries return; caches key on it */
  dataVersion = 0

  constructor(readonly opts: WorkspaceOptions) {
    if (opts.dbPath !== ':memory:' && !opts.readonly) mkdirSync(dirname(opts.dbPath), { recursive: true })
    this.db = openDatabase(opts.dbPath, { readonly: opts.readonly })
    watchSlowQueries(this.db, { log: opts.log ? () => opts.log! : storeLog, thresholdMs: opts.slowQueryMs })
    this.events.on((e) => {
      if (e.type === 'data-changed' || e.type === 'workspace-ready') this.dataVersion++
    })
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
    this.db.close()
  }
}
