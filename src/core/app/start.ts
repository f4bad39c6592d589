// Starts the core the same way for every face of the app (Electron main, web mode, e2e): open the workspace, compose
// the API, and — on a first start with no backend configured — build the demo workspace in the background while
// reporting progress, so the UI can show it instead of a frozen window.
import type { ServerResponse } from 'node:http'
import type { Api } from '../../shared/api'
import type { LinesQueryParsed } from '../../shared/api/lines'
import { createApi } from './api'
import { withDefaults, type CoreInput, type DemoSize } from './config'
import { closeDashboardSummaries, closeSqlRunner, sqlRunnerFor } from '../reports'
import { SETTINGS, syncService } from '../sync'
import { writeLinesCsv } from '../lines'
import { headlessKeyProvider, setStoreKey, Workspace } from '../store'
import { createLogger, forwardWorkerLogs, setRootLogger, type Logger } from '../log'
import { DisposableStore } from '../runtime'

export interface Core {
  ws: Workspace
  api: Api
  exportLinesCsv: (query: LinesQueryParsed, out: NodeJS.WritableStream) => Promise<number>
  /** extra GET download routes for web mode, by path under /api/ */
  routes: Record<string, (url: URL, res: ServerResponse) => Promise<void>>
  /** resolves when the workspace is ready (immediately unless a first-start demo is being built) */
  ready: Promise<void>
  /** the root logger (web mode hands a child to its HTTP server) */
  log: Logger
  /** Stops every service (sync worker, SQL runner children, dashboard summaries build) and closes the workspace. */
  stop(): Promise<void>
}

/**
 * Starts the core on one configuration: loadConfig's (config.ts) at the front ends' start, or a workspace file and the
 * settings a test changes. Every service is built here from it, and stopped by `stop`.
 */
export async function startCore(input: CoreInput): Promise<Core> {
  const config = withDefaults(input)
  // the process's root logger: the domains' loggers, dispatch and the forwarded workers' records all write here
  const log = createLogger({ level: config.log.level, file: config.log.file ?? undefined })
  setRootLogger(log)
  // everything started below is added here as it starts; stop() ends it all, last first
  const services = new DisposableStore(() => log)
  services.add('log file', () => {
    log.info('core stopped')
    log.closeFile()
  })
  services.add('worker log forwarding', forwardWorkerLogs(log))
  // the store key before anything opens the store (every opener, thread and child of this process uses it)
  const keys = config.dbPath === ':memory:' ? null : (config.keyProvider ?? headlessKeyProvider(config.storeKey))
  setStoreKey(keys ? keys.keyFor(config.dbPath) : null)
  log.info({ encryption: keys?.kind ?? 'off' }, 'workspace key')
  const ws = new Workspace({ dbPath: config.dbPath, log: log.child({ domain: 'store' }), slowQueryMs: config.log.slowQueryMs })
  services.add('workspace', () => ws.close())
  services.add('dashboard summaries', () => closeDashboardSummaries(ws))
  services.add('SQL runner', () => closeSqlRunner(ws.opts.dbPath))
  const { sqlConcurrency, sqlQueueMs, sqlMaxResultBytes } = config.limits
  sqlRunnerFor(ws.opts.dbPath, { concurrency: sqlConcurrency, queueMs: sqlQueueMs, maxResultBytes: sqlMaxResultBytes })
  log.info({ dbPath: config.dbPath }, 'core started')
  // created first, so that every later syncService(ws) (the API handlers) gets this one
  const sync = syncService(ws, { secrets: config.secretStore?.(ws), sandbox: config.sandbox, bootstrap: config.bootstrap, ledgerKeys: config.ledgerKeys })
  services.add('sync', () => sync.close())
  const api = createApi(ws, { llm: config.llm, idleLock: { minutes: config.idleLockMinutes } })
  const ready = config.noDemo ? Promise.resolve() : ensureDemoWorkspace(ws, config.demo, config.demoGate)
  // With a real backend configured (Supabase or Postgres) the app syncs live: pull now, then on every poke, and push
  // ops as the console queues them. The embedded sandbox syncs on demand from the Sync screen instead, because filling
  // its in-process Postgres with the demo takes minutes of CPU that a first start should not spend unasked.
  const live = ready.then(() => {
    if (sync.source() !== 'sandbox') sync.start()
  })
  return {
    ws,
    api,
    log,
    exportLinesCsv: (query, out) => writeLinesCsv(ws, query, out),
    routes: {},
    ready,
    async stop() {
      // a failed first-start build or live start was reported (workspace-error, the sync status): stop anyway
      await ready.catch(() => undefined)
      await live.catch(() => undefined)
      await services.dispose()
    },
  }
}

/** Builds the demo MVNO into an empty workspace that has no backend configured; emits progress events. */
async function ensureDemoWorkspace(ws: Workspace, demo: DemoSize, gate?: Promise<void>): Promise<void> {
  const hasLines = ws.db.prepare('SELECT 1 FROM lines LIMIT 1').get()
  const configured = (ws.meta(SETTINGS.source) ?? 'sandbox') !== 'sandbox'
  if (hasLines || configured) {
    ws.events.emit({ type: 'workspace-ready', lines: hasLines ? -1 : 0 })
    return
  }
  ws.state = 'building'
  ws.progress = { phase: 'starting', done: 0, total: demo.lines }
  try {
    await gate
    const progress = (p: { phase: string; done: number; total: number }) => {
      ws.progress = p
      ws.events.emit({ type: 'workspace-progress', ...p })
    }
    const { buildDemoFile, generateDemo } = await import('../demo')
    if (ws.opts.dbPath === ':memory:') await generateDemo(ws.db, { ...demo }, progress)
    else {
      // built beside the workspace and put in its place only when complete (issue 11, attack 9): a build killed
      // halfway leaves the empty workspace, and the next start builds again
      const { file } = await buildDemoFile(ws.opts.dbPath, { ...demo }, progress)
      const kept = ws.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>
      ws.replaceWith(file)
      const keep = ws.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)')
      ws.db.transaction(() => kept.forEach((m) => keep.run(m.key, m.value)))()
    }
    ws.state = 'ready'
    ws.progress = null
    const n = (ws.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n
    ws.events.emit({ type: 'workspace-ready', lines: n })
  } catch (e) {
    ws.state = 'error'
    ws.error = `Building the demo workspace failed: ${(e as Error).message}`
    ws.events.emit({ type: 'workspace-error', message: ws.error })
    throw e
  }
}
