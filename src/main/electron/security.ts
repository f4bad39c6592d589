// Window hardening (after VS Code's ipcMain.ts and Actual's security.ts): one way to make a window, with the
// webPreferences below; no navigation, no new windows, no webviews, no permission grants, and IPC accepted only from
// our own top-level frame. security.test.ts checks each preference (Electronegativity misses some combinations) and
// each handler against a stand-in for Electron.
import { app, BrowserWindow, session, type BrowserWindowConstructorOptions, type IpcMainInvokeEvent, type WebContents } from 'electron'

let trustedOrigin = ''

/** The origin the renderer is served from: the dev server in `npm run dev`, else file://. */
export function setTrustedRendererUrl(url: string): void {
  trustedOrigin = url.startsWith('file:') ? 'file://' : new URL(url).origin
}

export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false // top-level frames only
  const url = frame.url
  if (trustedOrigin === 'file://') return url.startsWith('file://')
  try {
    return new URL(url).origin === trustedOrigin
  } catch {
    // not a URL: not our renderer
    return false
  }
}

/**
 * Our windows: the page is a sandboxed, context-isolated renderer that reaches the app only through the preload's
 * invoke/subscribe. Every preference is spelled out, even where Electron's default agrees, so that a default that
 * changes (or a copied option) cannot loosen it.
 */
export function createSecureWindow(options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>, preload: string): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      preload,
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
      // a middle click would open a link in a new window (Electronegativity AUXCLICK_JS_CHECK)
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  })
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-frame-navigate', (e) => e.preventDefault())
  contents.on('will-redirect', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents) => hardenContents(contents))
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    session.defaultSession.setPermissionCheckHandler(() => false)
    session.defaultSession.setDevicePermissionHandler(() => false)
  })
}
