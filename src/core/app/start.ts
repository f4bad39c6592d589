// Starts the core the same way for every face of the app (Electron main, web mode, e2e): open the workspace, compose
// the API, and — on a first start with no backend configured — build the demo workspace in the background while
// reporting progress, so the UI can show it instead of a frozen window.
import type { ServerResponse } from 'node:http'
import type { Api } from '../../shared/api'
import type { LinesQueryParsed } from '../../shared/api/lines'
import { createApi } from './api'
import { SETTINGS, syncService } from '../sync'
import { Workspace } from '../store'

export interface Core {
  ws: Workspace
  api: Api
  exportLinesCsv: (query: LinesQueryParsed, out: NodeJS.WritableStream) => Promise<number>
  /** extra GET download routes for web mode, by path under /api/ */
  routes: Record<string, (url: URL, res: ServerResponse) => Promise<void>>
  /** resolves when the workspace is ready (immediately unless a first-start demo is being built) */
  ready: Promise<void>
  stop(): Promise<void>
}

export interface CoreOptions {
  dbPath: string
  /** first-start demo size (defaults: 25,000 lines, 24 months) */
  demo?: { lines: number; months: number; seed: number }
  /** skip the first-start demo build (tests that fill the store themselves) */
  noDemo?: boolean
  /** the first-start demo build waits for this after entering 'building' (e2e: open the page first, then let it run) */
  demoGate?: Promise<void>
}

export const FIRST_START_DEMO = { lines: 25_000, months: 24, seed: 20261122 }

export async function startCore(opts: CoreOptions): Promise<Core> {
  const ws = new Workspace({ dbPath: opts.dbPath })
  const api = createApi(ws)
  const { writeLinesCsv } = await import('../lines')
  const ready = opts.noDemo ? Promise.resolve() : ensureDemoWorkspace(ws, opts.demo ?? FIRST_START_DEMO, opts.demoGate)
  // With a real backend configured (Supabase or Postgres) the app syncs live: pull now, then on every poke, and push
  // ops as the console queues them. The embedded sandbox syncs on demand from the Sync screen instead, because filling
  // its in-process Postgres with the demo takes minutes of CPU that a first start should not spend unasked.
  const live = ready.then(() => {
    if (syncService(ws).source() !== 'sandbox') syncService(ws).start()
  })
  return {
    ws,
    api,
    exportLinesCsv: (query, out) => writeLinesCsv(ws, query, out),
    routes: {},
    ready,
    async stop() {
      // already reported: the demo build's failure as workspace-error, the live sync's through the sync status
      await ready.catch(() => undefined)
      await live.catch(() => undefined)
      await syncService(ws).close()
      ws.close()
    },
  }
}

/** Builds the demo MVNO into an empty workspace that has no backend configured; emits progress events. */
async function ensureDemoWorkspace(ws: Workspace, demo: { lines: number; months: number; seed: number }, gate?: Promise<void>): Promise<void> {
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
    const { generateDemo } = await import('../demo')
    await generateDemo(ws.db, { ...demo }, (p: { phase: string; done: number; total: number }) => {
      ws.progress = p
      ws.events.emit({ type: 'workspace-progress', ...p })
    })
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
