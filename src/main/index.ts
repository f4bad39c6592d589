// The desktop shell, kept thin: window, menu, updater and the IPC binding. Everything else is the plain-Node core
// (src/core/app/start.ts) that web mode and the CLI run too.
import { createWriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, utilityProcess, type IpcMainInvokeEvent } from 'electron'
import { linesQuery } from '../shared/api/lines'
import { desktopKeyProvider } from '../core/store'
import { loadConfig, startCore, type Core, dispatch } from '../core/app'
import { createSecureWindow, hardenApp, isTrustedSender, setTrustedRendererUrl } from './electron/security'
import { installMenu } from './electron/menu'
import { startUpdater } from './electron/updater'
import { EncryptedFileSecretStore, fileSecretStoreFor } from '../core/sync'
import { rootLogger } from '../core/log'
import { setChildLauncher } from '../core/runtime'
import { utilityLauncher } from './electron/utility-launcher'

const here = fileURLToPath(new URL('.', import.meta.url))
let core: Core | null = null

hardenApp()
// the core's child processes run as utility processes: with the RunAsNode fuse off, fork would start the app again
setChildLauncher(utilityLauncher(utilityProcess.fork, join(here, 'utility-entry.js')))

async function createWindow(): Promise<void> {
  const win = createSecureWindow({ width: 1440, height: 900, show: false, title: 'Wingtel Ops' }, join(here, '../preload/index.cjs'))
  win.once('ready-to-show', () => win.show())
  installMenu(win)
  const devUrl = process.env.ELECTRON_RENDERER_URL
  const url = devUrl ?? `file://${join(here, '../renderer/index.html')}`
  setTrustedRendererUrl(url)
  const off = core!.ws.events.on((e) => {
    if (!win.isDestroyed()) win.webContents.send('wingtel:event', e)
  })
  win.on('closed', off)
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadFile(join(here, '../renderer/index.html'))
}

/**
 * One IPC channel: the sender checked (only our own renderer), and an error that crosses back to the page logged with
 * its stack first (dispatch logs the API's own; these are the desktop-only channels' and a refused sender).
 */
function handle(channel: string, fn: (event: IpcMainInvokeEvent, raw: unknown) => unknown): void {
  ipcMain.handle(channel, async (event, raw: unknown) => {
    const log = rootLogger().child({ domain: 'ipc' })
    if (!isTrustedSender(event)) {
      log.warn({ channel, url: event.senderFrame?.url }, 'IPC call refused: untrusted sender')
      throw new Error('refused: untrusted sender')
    }
    try {
      return await fn(event, raw)
    } catch (e) {
      log.error({ err: e, channel }, 'IPC call failed')
      throw e
    }
  })
}

app.whenReady().then(async () => {
  const config = loadConfig(process.env, { dbPath: join(app.getPath('userData'), 'workspace.sqlite') })
  const { dbPath } = config
  try {
    // The workspace key: random, sealed by the OS keychain beside the workspace; basic_text on Linux is refused with
    // what to do (a keyring, or the opt-in passphrase WINGTEL_DB_PASSPHRASE). core/store/key-provider.ts.
    const keyProvider = desktopKeyProvider(config.storeKey, {
      available: safeStorage.isEncryptionAvailable(),
      backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
      vault: { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (sealed) => safeStorage.decryptString(sealed) },
    })
    core = await startCore({
      ...config,
      keyProvider: keyProvider ?? undefined,
      // Session tokens and backend URLs are kept encrypted with the OS keychain (safeStorage) where it is available.
      secretStore: (ws) =>
        safeStorage.isEncryptionAvailable()
          ? new EncryptedFileSecretStore(`${ws.opts.dbPath}.secrets.safe.json`, {
              encrypt: (plain) => safeStorage.encryptString(plain),
              decrypt: (data) => safeStorage.decryptString(data),
            })
          : fileSecretStoreFor(ws.opts.dbPath),
    })
  } catch (e) {
    // A damaged workspace or one from a newer version: say so and leave the file exactly as it is.
    rootLogger().error({ err: e, dbPath }, 'cannot open the workspace')
    dialog.showErrorBox('Wingtel Ops cannot open its workspace', `${(e as Error).message}\n\nWorkspace: ${dbPath}`)
    app.quit()
    return
  }
  core.ready.catch(() => undefined) // shown in the UI through workspace-error
  const updater = startUpdater(core.ws.events, { feed: config.updateUrl, allowLoopbackHttp: config.updateAllowLoopbackHttp })

  handle('wingtel:invoke', (_event, req) => dispatch(core!.api, req, 'ipc'))
  handle('wingtel:export-lines-csv', async (event, raw) => {
    const query = linesQuery.parse(raw)
    const win = BrowserWindow.fromWebContents(event.sender)
    const choice = await dialog.showSaveDialog(win!, { defaultPath: 'subscribers.csv', filters: [{ name: 'CSV', extensions: ['csv'] }] })
    if (choice.canceled || !choice.filePath) return null
    const out = createWriteStream(choice.filePath)
    const rows = await core!.exportLinesCsv(query, out)
    await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())))
    return { rows, path: choice.filePath }
  })
  handle('wingtel:save-file', async (event, input) => {
    const raw = input as { name?: unknown; base64?: unknown } | undefined
    if (typeof raw?.name !== 'string' || typeof raw?.base64 !== 'string') throw new Error('save-file: expected {name, base64}')
    const win = BrowserWindow.fromWebContents(event.sender)
    const choice = await dialog.showSaveDialog(win!, { defaultPath: raw.name.replace(/[\\/]/g, '_') })
    if (choice.canceled || !choice.filePath) return null
    await writeFile(choice.filePath, Buffer.from(raw.base64, 'base64'))
    return choice.filePath
  })
  handle('wingtel:restart-to-update', () => updater.restartToUpdate())

  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', () => {
  void core?.stop()
})
