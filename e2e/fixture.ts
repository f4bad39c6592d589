/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// End-to-end fixture for web mode: a temp workspace with a small demo, the core and the loopback web server in this
// process, and Debian Chromium driven by playwright-core. Every test gets its own workspace copy and browser profile.
// Tests wait on app markers (document.body.dataset.appState / gridState / detailState), never on time.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { createCaller } from '../src/core/app/api'
import { startCore, type Core, type CoreInput } from '../src/core/app'
import { generateDemo } from '../src/core/demo'
import { startWebServer, type WebServer } from '../src/web/server'
import { Workspace } from '../src/core/store/workspace'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const STATIC_DIR = join(ROOT, 'dist-web')
export const SHOTS_DIR = join(ROOT, 'test-results')
export const DEMO = { lines: 3000, months: 3, seed: 7, asOf: '2026-11-20' }

export interface App {
  page: Page
  core: Core
  server: WebServer
  /** the same API the page talks to, in process (for expected values) */
  caller: ReturnType<typeof createCaller>
  /** opens a hash route ("/subscribers") and waits until the app is ready */
  goto(route: string): Promise<void>
  shot(name: string): Promise<void>
  close(): Promise<void>
}

let template: string | null = null

/** Builds the demo workspace once per test file; tests copy it. */
export async function demoTemplate(): Promise<string> {
  if (template) return template
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-e2e-template-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'demo.sqlite')
  const ws = new Workspace({ dbPath: path })
  await generateDemo(ws.db, DEMO)
  ws.db.pragma('wal_checkpoint(TRUNCATE)')
  ws.close()
  template = path
  return path
}

export interface OpenOptions {
  /** 'demo': a filled workspace (default); 'empty': a fresh store the core builds at first start */
  workspace?: 'demo' | 'empty'
  /** use this existing workspace file as is (scale tests on the shared bench workspace) */
  dbPath?: string
  core?: Partial<CoreInput>
  theme?: 'light' | 'dark'
  /** don't navigate yet (tests that must watch the first start) */
  noGoto?: boolean
}

export async function openApp(opts: OpenOptions = {}): Promise<App> {
  if (!existsSync(join(STATIC_DIR, 'index.html'))) throw new Error('dist-web is not built: run `npm run build:web` (npm run test:e2e does)')
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-e2e-'))
  const dbPath = opts.dbPath ?? join(dir, 'workspace.sqlite')
  if (!opts.dbPath && (opts.workspace ?? 'demo') === 'demo') copyFileSync(await demoTemplate(), dbPath)
  const core = await startCore({ dbPath, noDemo: opts.workspace !== 'empty', ...opts.core })
  const server = await startWebServer({ api: core.api, events: core.ws.events, log: core.log.child({ domain: 'web' }), staticDir: STATIC_DIR, exportLinesCsv: core.exportLinesCsv, routes: core.routes })
  const context: BrowserContext = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    colorScheme: opts.theme ?? 'light',
    acceptDownloads: true,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  if (opts.theme) await page.addInitScript((t) => localStorage.setItem('wingtel.color-scheme', t), opts.theme)

  const base = server.url.split('?')[0]
  const app: App = {
    page,
    core,
    server,
    caller: createCaller(core.api),
    async goto(route) {
      await page.goto(`${base}?token=${server.token}#${route}`)
      await page.waitForFunction(() => document.body.dataset.appState === 'ready')
    },
    async shot(name) {
      mkdirSync(SHOTS_DIR, { recursive: true })
      await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) })
    },
    async close() {
      await context.close().catch(() => undefined)
      await server.close()
      await core.stop()
      rmSync(dir, { recursive: true, force: true })
      if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`)
    },
  }
  if (!opts.noGoto) await app.goto('/subscribers')
  return app
}

/** Waits until the grid has finished a load that shows `rowCount` rows in total. */
export async function gridShows(page: Page, rowCount: number): Promise<void> {
  await page.waitForFunction((n) => document.body.dataset.gridState === 'loaded' && document.body.dataset.gridRowCount === String(n), rowCount)
}

/** The text of one column's cells in the rendered rows, top to bottom. */
export async function columnValues(page: Page, colId: string): Promise<string[]> {
  return page.$$eval(`[data-testid=subscriber-grid] .ag-row`, (rows, col) => {
    const byIndex = new Map<number, string>()
    for (const r of rows) {
      const cell = r.querySelector(`[col-id="${col}"]`)
      if (cell) byIndex.set(Number(r.getAttribute('row-index')), cell.textContent ?? '')
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])
  }, colId)
}
