// Release hardening (issue 11): startUpdater, the Electron side of the updater, applies the feed policy of the packaged
// app it runs in: an http feed (WINGTEL_UPDATE_URL) turns updates off, even with the loopback override set. Electron
// and electron-updater's singleton are stand-ins here; update-feed.test.ts drives the real updaters.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EventBus } from '../../core/store'
import { memoryLogger, rootLogger, setRootLogger, type LogRecord } from '../../core/log'

const fake = vi.hoisted(() => {
  const calls = { setFeedURL: [] as unknown[], checks: 0, installs: 0, created: [] as string[] }
  const executor = {
    createRequest: (options: { protocol?: string; hostname?: string }) => {
      calls.created.push(`${options.protocol}//${options.hostname}`)
      return {}
    },
  }
  const autoUpdater = {
    httpExecutor: executor,
    autoDownload: false,
    autoInstallOnAppQuit: false,
    disableWebInstaller: false,
    logger: null as unknown,
    setFeedURL: (options: unknown) => void calls.setFeedURL.push(options),
    on: () => autoUpdater,
    checkForUpdates: () => {
      calls.checks++
      return Promise.resolve(null)
    },
    quitAndInstall: () => void calls.installs++,
  }
  return { calls, executor, autoUpdater, app: { isPackaged: true } }
})
vi.mock('electron', () => ({ app: fake.app }))
vi.mock('electron-updater', () => ({ default: { autoUpdater: fake.autoUpdater } }))

const { startUpdater } = await import('./updater')

let records: LogRecord[]
let saved: ReturnType<typeof rootLogger>

beforeEach(() => {
  saved = rootLogger()
  const mem = memoryLogger('info')
  records = mem.records
  setRootLogger(mem.log)
  Object.assign(fake.calls, { setFeedURL: [], checks: 0, installs: 0, created: [] })
  fake.autoUpdater.httpExecutor = { createRequest: fake.executor.createRequest }
})

afterEach(() => setRootLogger(saved))

describe('startUpdater in a packaged app', () => {
  it.each([
    ['an http feed', 'http://updates.wingtel.example/ops/latest', false],
    ['a loopback http feed, override set', 'http://127.0.0.1:8080/', true],
  ])('turns updates off for %s: no feed set, no check, no install', (_what, feed, allowLoopbackHttp) => {
    const updater = startUpdater(new EventBus(), { feed, allowLoopbackHttp })
    expect(fake.calls.setFeedURL).toEqual([])
    expect(fake.calls.checks).toBe(0)
    updater.restartToUpdate()
    expect(fake.calls.installs).toBe(0)
    expect(records.map((r) => r.msg)).toContain('updates are off')
    if (allowLoopbackHttp) expect(records.map((r) => r.msg)).toContain('WINGTEL_UPDATE_ALLOW_LOOPBACK_HTTP is ignored by a packaged app')
  })

  it('checks an https feed, with every request of the updater held to https', () => {
    startUpdater(new EventBus(), { feed: 'https://updates.wingtel.example/ops/beta', allowLoopbackHttp: false })
    expect(fake.calls.setFeedURL).toEqual([{ provider: 'generic', url: 'https://updates.wingtel.example/ops/beta' }])
    expect(fake.calls.checks).toBe(1)
    const executor = fake.autoUpdater.httpExecutor
    executor.createRequest({ protocol: 'https:', hostname: 'updates.wingtel.example' })
    expect(() => executor.createRequest({ protocol: 'http:', hostname: 'updates.wingtel.example' })).toThrow(/https only/)
    expect(fake.calls.created).toEqual(['https://updates.wingtel.example'])
  })
})
