// Release hardening (issue 11): the updater fetches over https only (an http feed, an http file named by the yml, a
// redirect to http: all refused before a byte is read), the loopback-http test override cannot be turned on in a
// packaged app, and on Windows the publisher check stays on. electron-updater's real updaters, in plain Node.
import { AppImageUpdater, NsisUpdater } from 'electron-updater'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkUpdateUrl, configureUpdater, feedPolicy, UpdateFeedRefused, type FeedPolicy } from './update-feed'
import { latestYml, listLogger, LocalFeed, NodeLoopbackExecutor, updaterSandbox, type UpdaterSandbox } from './test-update-feed'

const STRICT: FeedPolicy = feedPolicy({ packaged: true, allowLoopbackHttp: false })
const TEST_RUN: FeedPolicy = feedPolicy({ packaged: false, allowLoopbackHttp: true })
const APP_UPDATE_YML = 'provider: generic\nurl: https://updates.wingtel.example/ops/latest\nupdaterCacheDirName: wingtel-ops-updater\n'
const BUILD = Buffer.from('the 0.2.0 build')

describe('checkUpdateUrl and feedPolicy', () => {
  it('accepts an https feed and refuses http, other schemes and non-URLs', () => {
    expect(checkUpdateUrl('https://updates.wingtel.example/ops/latest', STRICT).host).toBe('updates.wingtel.example')
    expect(() => checkUpdateUrl('http://updates.wingtel.example/ops/latest', STRICT)).toThrow(
      'refused to fetch updates from http://updates.wingtel.example: updates are fetched over https only',
    )
    expect(() => checkUpdateUrl('file:///tmp/feed/', STRICT)).toThrow(UpdateFeedRefused)
    expect(() => checkUpdateUrl('ftp://updates.wingtel.example/', STRICT)).toThrow(UpdateFeedRefused)
    expect(() => checkUpdateUrl('updates.wingtel.example', STRICT)).toThrow("the update feed 'updates.wingtel.example' is not a URL")
  })

  it('lets plain http reach only this machine, and only when an unpackaged run asks for it', () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/feed/', 'http://[::1]:9/']) {
      expect(checkUpdateUrl(url, TEST_RUN).protocol).toBe('http:')
      expect(() => checkUpdateUrl(url, STRICT)).toThrow(UpdateFeedRefused)
    }
    expect(() => checkUpdateUrl('http://10.0.0.5/feed/', TEST_RUN)).toThrow(UpdateFeedRefused)
    expect(() => checkUpdateUrl('http://127.0.0.1.evil.example/', TEST_RUN)).toThrow(UpdateFeedRefused)
    // a packaged app ignores the override, whatever the configuration says
    expect(feedPolicy({ packaged: true, allowLoopbackHttp: true })).toEqual({ allowLoopbackHttp: false })
    expect(feedPolicy({ packaged: false, allowLoopbackHttp: false })).toEqual({ allowLoopbackHttp: false })
  })
})

describe('configureUpdater on the AppImage updater', () => {
  let feed: LocalFeed
  let box: UpdaterSandbox
  const savedAppImage = process.env.APPIMAGE

  beforeEach(async () => {
    feed = await LocalFeed.start()
    box = updaterSandbox(APP_UPDATE_YML)
    process.env.APPIMAGE = box.appImage
  })

  afterEach(async () => {
    await feed.close()
    box.cleanup()
    if (savedAppImage === undefined) delete process.env.APPIMAGE
    else process.env.APPIMAGE = savedAppImage
  })

  function updater(): AppImageUpdater {
    const u = new AppImageUpdater(undefined, box.app)
    ;(u as unknown as { httpExecutor: NodeLoopbackExecutor }).httpExecutor = new NodeLoopbackExecutor()
    u.forceDevUpdateConfig = true
    return u
  }

  it('refuses an http feed in a packaged app, even one on this machine and even with the override set', () => {
    const policy = feedPolicy({ packaged: true, allowLoopbackHttp: true })
    expect(() => configureUpdater(updater(), { feed: feed.url, policy, logger: listLogger() })).toThrow(UpdateFeedRefused)
    expect(() => configureUpdater(updater(), { feed: 'http://updates.wingtel.example/ops/latest', policy, logger: listLogger() })).toThrow(
      /updates are fetched over https only/,
    )
  })

  it('refuses the http feed a baked app-update.yml names, before any request leaves', async () => {
    // no feed override: electron-updater reads the feed from app-update.yml, which someone pointed at http
    box.cleanup()
    box = updaterSandbox(`provider: generic\nurl: ${feed.url}\nupdaterCacheDirName: wingtel-ops-updater\n`)
    process.env.APPIMAGE = box.appImage
    feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: 'new.AppImage', bytes: BUILD }))
    const u = updater()
    configureUpdater(u, { feed: null, policy: STRICT, logger: listLogger() })
    await expect(u.checkForUpdates()).rejects.toThrow(UpdateFeedRefused)
    expect(feed.requests).toEqual([])
  })

  it('refuses a file that the yml places on an http server elsewhere, even when loopback http is allowed', async () => {
    feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: 'http://mirror.wingtel.example/new.AppImage', bytes: BUILD }))
    const u = updater()
    configureUpdater(u, { feed: feed.url, policy: TEST_RUN, logger: listLogger() })
    u.autoDownload = false
    expect((await u.checkForUpdates())?.isUpdateAvailable).toBe(true)
    await expect(u.downloadUpdate()).rejects.toThrow('refused to fetch updates from http://mirror.wingtel.example')
  })

  it('refuses a redirect from the feed to plain http', async () => {
    feed.set('/latest-linux.yml', { status: 302, headers: { location: 'http://mirror.wingtel.example/latest-linux.yml' }, body: '' })
    const u = updater()
    configureUpdater(u, { feed: feed.url, policy: TEST_RUN, logger: listLogger() })
    await expect(u.checkForUpdates()).rejects.toThrow('refused to fetch updates from http://mirror.wingtel.example')
    expect(feed.requests).toEqual(['/latest-linux.yml'])
  })

  it('refuses to run at all when electron-updater has no request executor to guard', () => {
    const u = new AppImageUpdater(undefined, box.app) // httpExecutor null: nothing to enforce https on
    expect(() => configureUpdater(u, { feed: null, policy: STRICT, logger: listLogger() })).toThrow(/https cannot be enforced/)
  })
})

describe('configureUpdater on the Windows (NSIS) updater', () => {
  let feed: LocalFeed
  let box: UpdaterSandbox

  beforeEach(async () => {
    feed = await LocalFeed.start()
    // as electron-builder bakes it from win.signtoolOptions.publisherName
    box = updaterSandbox(`${APP_UPDATE_YML}publisherName:\n  - Wingtel\n`)
  })

  afterEach(async () => {
    await feed.close()
    box.cleanup()
  })

  it('leaves the publisher check on: an installer the verifier does not vouch for is not installed', async () => {
    const u = new NsisUpdater(undefined, box.app)
    ;(u as unknown as { httpExecutor: NodeLoopbackExecutor }).httpExecutor = new NodeLoopbackExecutor()
    // the Windows channel file; differential download needs a blockmap we do not serve
    ;(u as unknown as { _testOnlyOptions: object })._testOnlyOptions = { platform: 'win32', isUseDifferentialDownload: false }
    u.forceDevUpdateConfig = true
    const shipped = u.verifyUpdateCodeSignature
    configureUpdater(u, { feed: feed.url, policy: TEST_RUN, logger: listLogger() })
    expect(u.verifyUpdateCodeSignature).toBe(shipped)
    expect(u.disableWebInstaller).toBe(true)

    // PowerShell's Get-AuthenticodeSignature cannot run here: stand in for it, as an installer signed by someone else
    const asked: string[][] = []
    u.verifyUpdateCodeSignature = async (publishers) => {
      asked.push(publishers)
      return 'signed by CN=Someone Else'
    }
    feed.set('/latest.yml', latestYml({ version: '0.2.0', file: 'Wingtel-Ops-Setup-0.2.0.exe', bytes: BUILD }))
    feed.set('/Wingtel-Ops-Setup-0.2.0.exe', BUILD)
    u.autoDownload = false
    await u.checkForUpdates()
    await expect(u.downloadUpdate()).rejects.toThrow('New version 0.2.0 is not signed by the application owner: signed by CN=Someone Else')
    expect(asked).toEqual([['Wingtel']])
  })
})
