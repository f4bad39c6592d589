// Release hardening (issue 11): electron-updater's AppImage updater, set up by our configureUpdater, reads
// latest-linux.yml from a local feed and is checked on what an update is trusted on: the file's sha512, and the staged
// rollout (stagingPercentage against the per-install id in userData/.updaterId). Plain Node: no Electron.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppImageUpdater } from 'electron-updater'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configureUpdater, feedPolicy } from './update-feed'
import { latestYml, listLogger, LocalFeed, NodeLoopbackExecutor, sha512, stagingIdAt, updaterSandbox, type UpdaterSandbox } from './test-update-feed'

const APP_UPDATE_YML = 'provider: generic\nurl: https://updates.wingtel.example/ops/latest\nupdaterCacheDirName: wingtel-ops-updater\n'
const FILE = 'Wingtel-Ops-0.2.0-x86_64.AppImage'
const NEW_BUILD = Buffer.from('#!/bin/sh\n# the signed 0.2.0 AppImage\n'.repeat(64))

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

function appImageUpdater(): { updater: AppImageUpdater; log: ReturnType<typeof listLogger> } {
  const updater = new AppImageUpdater(undefined, box.app)
  // what Electron's net module is in the app
  ;(updater as unknown as { httpExecutor: NodeLoopbackExecutor }).httpExecutor = new NodeLoopbackExecutor()
  updater.forceDevUpdateConfig = true
  const log = listLogger()
  configureUpdater(updater, { feed: feed.url, policy: feedPolicy({ packaged: false, allowLoopbackHttp: true }), logger: log })
  updater.autoDownload = false // each test downloads when it means to
  return { updater, log }
}

function downloadedFiles(): string[] {
  const cache = join(box.dir, 'cache', 'wingtel-ops-updater', 'pending')
  return existsSync(cache) ? readdirSync(cache).filter((f) => !f.endsWith('.json')) : []
}

describe('the AppImage updater against a local latest-linux.yml', () => {
  it('refuses a download whose bytes do not match the sha512 the feed states, and keeps none of it', async () => {
    feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: FILE, bytes: NEW_BUILD }))
    // the file on the feed was swapped after the yml was published: one byte differs
    const tampered = Buffer.from(NEW_BUILD)
    tampered[10] ^= 1
    feed.set(`/${FILE}`, tampered)
    const { updater } = appImageUpdater()
    const downloaded: unknown[] = []
    updater.on('update-downloaded', (info) => downloaded.push(info))
    const check = await updater.checkForUpdates()
    expect(check?.isUpdateAvailable).toBe(true)
    await expect(updater.downloadUpdate()).rejects.toThrow(/sha512 checksum mismatch/)
    expect(feed.requests).toContain(`/${FILE}`)
    expect(downloaded).toEqual([])
    expect(downloadedFiles()).toEqual([])
  })

  it('accepts a download whose bytes match the sha512', async () => {
    feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: FILE, bytes: NEW_BUILD }))
    feed.set(`/${FILE}`, NEW_BUILD)
    const { updater } = appImageUpdater()
    const downloaded: string[] = []
    updater.on('update-downloaded', (info: { version: string }) => downloaded.push(info.version))
    await updater.checkForUpdates()
    const [file] = await updater.downloadUpdate()
    expect(downloaded).toEqual(['0.2.0'])
    expect(sha512(readFileSync(file))).toBe(sha512(NEW_BUILD))
  })

  it('offers a staged release only to the installs inside its stagingPercentage', async () => {
    feed.set(`/${FILE}`, NEW_BUILD)
    // this install's id falls at 50 % of the id space: in a rollout to 60 %, not in one to 40 %
    box.setStagingId(stagingIdAt(0.5))
    const offered = async (stagingPercentage: number) => {
      feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: FILE, bytes: NEW_BUILD, stagingPercentage }))
      const { updater } = appImageUpdater()
      const result = await updater.checkForUpdates()
      return result?.isUpdateAvailable
    }
    expect(await offered(0)).toBe(false)
    expect(await offered(40)).toBe(false)
    expect(await offered(60)).toBe(true)
    expect(await offered(100)).toBe(true)
    // the id is the install's own: electron-updater kept the one we wrote and sent it to the feed
    expect(readFileSync(join(box.dir, 'userData', '.updaterId'), 'utf8')).toBe(stagingIdAt(0.5))
  })

  it('keeps a new install out of a rollout at 0 %: its fresh staging id is written to userData', async () => {
    feed.set('/latest-linux.yml', latestYml({ version: '0.2.0', file: FILE, bytes: NEW_BUILD, stagingPercentage: 0 }))
    const { updater } = appImageUpdater()
    expect((await updater.checkForUpdates())?.isUpdateAvailable).toBe(false)
    expect(readFileSync(join(box.dir, 'userData', '.updaterId'), 'utf8')).toMatch(/^[0-9a-f-]{36}$/)
    expect(feed.requests).not.toContain(`/${FILE}`)
  })
})
