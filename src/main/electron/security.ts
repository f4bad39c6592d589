// Window hardening (after VS Code's ipcMain.ts and Actual's security.ts): no navigation, no new windows, no webviews,
// no permission grants, and IPC accepted only from our own top-level frame.
import { app, session, type IpcMainInvokeEvent, type WebContents } from 'electron'

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

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-redirect', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents) => hardenContents(contents))
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    session.defaultSession.setPermissionCheckHandler(() => false)
  })
}
