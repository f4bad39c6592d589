/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Desktop smoke test: launch the built Electron app (electron-vite `npm run build` → out/), see the window, and the
// grid load over IPC. Skipped, with the reason printed, where there is no Electron binary or no build.
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { demoTemplate } from './fixture'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN = join(ROOT, 'out', 'main', 'index.js')

/** Where `require('electron')` would point, found without requiring it (that would try to download the binary). */
function electronBinary(): { path: string | null; reason: string | null } {
  const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile) && !process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return { path: null, reason: `no Electron binary on this machine (${pathFile} is missing: the electron postinstall download never ran)` }
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron'
  const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), name)
  try {
    accessSync(path, constants.X_OK)
  } catch {
    return { path: null, reason: `the Electron binary ${path} is missing or not executable` }
  }
  if (!existsSync(MAIN)) return { path: null, reason: `the desktop app is not built (${MAIN} missing): run \`npm run build\`` }
  return { path, reason: null }
}

const bin = electronBinary()

describe('desktop app (Electron)', () => {
  test('launches: the window appears and the subscriber grid loads over IPC', async (ctx) => {
    ctx.skip(!bin.path, `the Electron smoke test: ${bin.reason}`)
    const dir = mkdtempSync(join(tmpdir(), 'wingtel-electron-'))
    const db = join(dir, 'workspace.sqlite')
    copyFileSync(await demoTemplate(), db)
    const app = await electron.launch({ executablePath: bin.path!, args: [MAIN, '--no-sandbox'], env: { ...process.env, WINGTEL_DB: db } })
    try {
      const window = await app.firstWindow()
      await window.waitForFunction(() => document.body.dataset.appState === 'ready')
      await window.waitForFunction(() => document.body.dataset.gridState === 'loaded')
      expect(Number(await window.evaluate(() => document.body.dataset.gridRowCount))).toBeGreaterThan(0)
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
