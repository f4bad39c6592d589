// Release hardening (issue 11): our own check of the window's webPreferences and handlers, because Electronegativity
// misses some combinations (it does not report nodeIntegration: true for Electron 45: scripts/electronegativity.test.ts).
// Electron's binary is not here, so `electron` is a stand-in that records what security.ts asks of it.
import { EventEmitter } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => {
  const windows: { options: Record<string, unknown> }[] = []
  const appHandlers = new Map<string, (...args: unknown[]) => void>()
  const sessionHandlers: Record<string, (...args: unknown[]) => unknown> = {}
  return {
    windows,
    appHandlers,
    sessionHandlers,
    module: {
      BrowserWindow: class {
        constructor(readonly options: Record<string, unknown>) {
          windows.push(this)
        }
      },
      app: {
        on: (event: string, fn: (...args: unknown[]) => void) => appHandlers.set(event, fn),
        whenReady: () => Promise.resolve(),
      },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (fn: (...args: unknown[]) => unknown) => (sessionHandlers.request = fn),
          setPermissionCheckHandler: (fn: (...args: unknown[]) => unknown) => (sessionHandlers.check = fn),
          setDevicePermissionHandler: (fn: (...args: unknown[]) => unknown) => (sessionHandlers.device = fn),
        },
      },
    },
  }
})
vi.mock('electron', () => electron.module)

const { createSecureWindow, hardenApp, hardenContents, isTrustedSender, setTrustedRendererUrl } = await import('./security')

/** A WebContents stand-in: its events, and the window-open handler set on it. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => unknown) | null = null
  setWindowOpenHandler(fn: (details: { url: string }) => unknown): void {
    this.openHandler = fn
  }
  /** Emits `event` as Electron would and says whether a handler prevented it. */
  prevented(event: string, ...args: unknown[]): boolean {
    let prevented = false
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

beforeEach(() => {
  electron.windows.length = 0
})

describe('the window (webPreferences)', () => {
  it('is sandboxed and context-isolated with Node, webviews, insecure content and experiments off', () => {
    createSecureWindow({ width: 1440, height: 900, title: 'Wingtel Ops' }, '/app/out/preload/index.cjs')
    const [win] = electron.windows
    expect(win.options).toMatchObject({ width: 1440, height: 900, title: 'Wingtel Ops' })
    expect(win.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    })
  })

  it('cannot be loosened by the caller: webPreferences passed in are replaced', () => {
    const loose = { width: 10, webPreferences: { nodeIntegration: true, sandbox: false, contextIsolation: false } }
    createSecureWindow(loose as Parameters<typeof createSecureWindow>[0], '/p.cjs')
    expect(electron.windows[0].options.webPreferences).toMatchObject({ nodeIntegration: false, sandbox: true, contextIsolation: true })
  })

  it('is the only way src/main makes a window or sets webPreferences', () => {
    const root = join(__dirname, '..')
    const sources = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|(^|[\\/])test-[^\\/]*\.ts$/.test(f))
      .map((f) => ({ file: relative(root, join(root, f)).split('\\').join('/'), text: readFileSync(join(root, f), 'utf8') }))
    const makers = sources.filter((s) => /new BrowserWindow\(|webPreferences\s*:/.test(s.text)).map((s) => s.file)
    expect(makers).toEqual(['electron/security.ts'])
    expect(sources.find((s) => s.file === 'index.ts')?.text).toContain('createSecureWindow(')
  })
})

describe('navigation, new windows, webviews and permissions', () => {
  it('prevents every navigation, redirect and webview, and denies every new window', () => {
    const contents = new FakeContents()
    hardenContents(contents as unknown as Parameters<typeof hardenContents>[0])
    expect(contents.prevented('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.prevented('will-frame-navigate')).toBe(true)
    expect(contents.prevented('will-redirect', 'https://evil.example/')).toBe(true)
    expect(contents.prevented('will-attach-webview', {}, {})).toBe(true)
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
  })

  it('hardens every web contents the app creates and denies every permission', async () => {
    hardenApp()
    const contents = new FakeContents()
    electron.appHandlers.get('web-contents-created')?.({}, contents)
    expect(contents.prevented('will-navigate', 'https://evil.example/')).toBe(true)
    await Promise.resolve() // after whenReady
    const granted: boolean[] = []
    electron.sessionHandlers.request({}, 'media', (ok: boolean) => granted.push(ok))
    electron.sessionHandlers.request({}, 'openExternal', (ok: boolean) => granted.push(ok))
    expect(granted).toEqual([false, false])
    expect(electron.sessionHandlers.check({}, 'clipboard-read')).toBe(false)
    expect(electron.sessionHandlers.device({ deviceType: 'usb' })).toBe(false)
  })
})

describe('IPC senders', () => {
  const event = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as Parameters<typeof isTrustedSender>[0]

  it('accepts only our own top-level page', () => {
    setTrustedRendererUrl('file:///app/out/renderer/index.html')
    expect(isTrustedSender(event('file:///app/out/renderer/index.html'))).toBe(true)
    expect(isTrustedSender(event('https://evil.example/'))).toBe(false)
    expect(isTrustedSender(event('file:///app/out/renderer/index.html', {}))).toBe(false) // a subframe
    setTrustedRendererUrl('http://localhost:5173/')
    expect(isTrustedSender(event('http://localhost:5173/index.html'))).toBe(true)
    expect(isTrustedSender(event('http://localhost:5174/'))).toBe(false)
    expect(isTrustedSender(event('not a url'))).toBe(false)
    expect(isTrustedSender({ senderFrame: null } as unknown as Parameters<typeof isTrustedSender>[0])).toBe(false)
  })
})
