// Test support for the updater tests: a local update feed (plain HTTP on 127.0.0.1), the AppAdapter electron-updater
// takes in place of Electron's `app`, and an HttpExecutor over Node's http module in place of Electron's `net`.
// With those, electron-updater's real AppImageUpdater and NsisUpdater run in plain Node: nothing needs Electron.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request, type ClientRequest, type IncomingMessage, type RequestOptions, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime'
import type { AppAdapter } from 'electron-updater/out/AppAdapter'
import type { Logger } from 'electron-updater'

/** What the updater would get from Electron's net module, over Node's http (the feed is loopback HTTP in tests). */
export class NodeLoopbackExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback)
  }

  /** As ElectronHttpExecutor.download: the updater's downloads go through doDownload, which checks the sha512. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined }
      configureRequestUrl(url, requestOptions)
      configureRequestOptions(requestOptions)
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error) => (error == null ? resolve(destination) : reject(error)), responseHandler: null },
        0,
      )
    })
  }
}

export interface FeedFile {
  status?: number
  headers?: Record<string, string>
  body: string | Buffer
}

/** A static update feed: path → response; it records every path asked for. */
export class LocalFeed {
  readonly requests: string[] = []
  private constructor(
    private readonly server: Server,
    readonly files: Map<string, FeedFile>,
  ) {}

  static async start(): Promise<LocalFeed> {
    const files = new Map<string, FeedFile>()
    let feed: LocalFeed | null = null
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://feed').pathname
      feed?.requests.push(path)
      const file = files.get(path)
      res.writeHead(file?.status ?? (file ? 200 : 404), file?.headers ?? {})
      res.end(file?.body ?? '')
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    feed = new LocalFeed(server, files)
    return feed
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`
  }

  set(path: string, file: FeedFile | string | Buffer): void {
    this.files.set(path, typeof file === 'string' || Buffer.isBuffer(file) ? { body: file } : file)
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((ok) => this.server.close(() => ok()))
  }
}

export function sha512(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('base64')
}

/** A latest*.yml as electron-builder writes it, for one file. */
export function latestYml(o: { version: string; file: string; bytes: Buffer; sha512?: string; stagingPercentage?: number }): string {
  const sum = o.sha512 ?? sha512(o.bytes)
  const lines = [
    `version: ${o.version}`,
    'files:',
    `  - url: ${o.file}`,
    `    sha512: ${sum}`,
    `    size: ${o.bytes.length}`,
    `path: ${o.file}`,
    `sha512: ${sum}`,
    "releaseDate: '2026-12-01T00:00:00.000Z'",
  ]
  if (o.stagingPercentage !== undefined) lines.push(`stagingPercentage: ${o.stagingPercentage}`)
  return `${lines.join('\n')}\n`
}

/**
 * A per-install staging id (userData/.updaterId) whose rollout bucket is `fraction`: electron-updater reads bytes
 * 12..15 of the UUID as a number over 0xffffffff and offers an update when that is below stagingPercentage / 100.
 */
export function stagingIdAt(fraction: number): string {
  const bucket = Math.floor(fraction * 0xffffffff).toString(16).padStart(8, '0')
  return `5f0c9a1e-7d2b-4c3e-9a41-0000${bucket}`
}

export interface UpdaterSandbox {
  dir: string
  app: AppAdapter
  /** the running app's own file, as the AppImage runtime names it in $APPIMAGE */
  appImage: string
  setStagingId(id: string): void
  cleanup(): void
}

/**
 * A temp folder with what an installed app has: resources/app-update.yml (as electron-builder bakes it), userData and
 * a cache folder, and the AppAdapter over them. `isPackaged` is false: the tests set forceDevUpdateConfig, as a
 * developer would, and run under the unpackaged policy that lets a loopback feed be plain HTTP.
 */
export function updaterSandbox(appUpdateYml: string): UpdaterSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'wingtel-updater-'))
  for (const sub of ['resources', 'userData', 'cache']) mkdirSync(join(dir, sub))
  writeFileSync(join(dir, 'resources', 'app-update.yml'), appUpdateYml)
  const appImage = join(dir, 'Wingtel Ops-0.1.0-x86_64.AppImage')
  writeFileSync(appImage, 'the installed AppImage')
  const app: AppAdapter = {
    version: '0.1.0',
    name: 'Wingtel Ops',
    isPackaged: false,
    appUpdateConfigPath: join(dir, 'resources', 'app-update.yml'),
    userDataPath: join(dir, 'userData'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  }
  return {
    dir,
    app,
    appImage,
    setStagingId: (id) => writeFileSync(join(dir, 'userData', '.updaterId'), id),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A logger that keeps what electron-updater says, for assertions and for a failing test's output. */
export function listLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep = (level: string) => (message?: unknown) => void lines.push(`${level}: ${String(message)}`)
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error'), debug: keep('debug') }
}
