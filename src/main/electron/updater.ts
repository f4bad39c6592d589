// Auto-update through electron-updater: a generic feed over https (the config's updateUrl, WINGTEL_UPDATE_URL, or
// resources/app-update.yml baked in by electron-builder), checked at start and every few hours; when an update is
// downloaded the UI offers "restart to update". The policy (https only, signature and rollout left on) is
// update-feed.ts, which the tests drive without Electron.
import { app } from 'electron'
import electronUpdater from 'electron-updater'
import type { EventBus } from '../../core/store'
import { rootLogger } from '../../core/log'
import { configureUpdater, feedPolicy } from './update-feed'

const CHECK_EVERY_MS = 4 * 60 * 60 * 1000

export interface UpdaterOptions {
  /** config.updateUrl */
  feed: string | null
  /** config.updateAllowLoopbackHttp: ignored by a packaged app */
  allowLoopbackHttp: boolean
}

export function startUpdater(events: EventBus, opts: UpdaterOptions): { restartToUpdate(): void } {
  const { autoUpdater } = electronUpdater
  const log = rootLogger().child({ domain: 'updater' })
  const policy = feedPolicy({ packaged: app.isPackaged, allowLoopbackHttp: opts.allowLoopbackHttp })
  if (opts.allowLoopbackHttp && !policy.allowLoopbackHttp) log.warn('WINGTEL_UPDATE_ALLOW_LOOPBACK_HTTP is ignored by a packaged app')
  try {
    configureUpdater(autoUpdater, { feed: opts.feed, policy, logger: log })
  } catch (e) {
    // a refused feed: no update is better than one fetched over http; the app itself runs on
    log.error({ err: e, feed: opts.feed }, 'updates are off')
    return { restartToUpdate: () => log.warn('restart-to-update asked, but updates are off') }
  }
  autoUpdater.on('update-available', (info) => events.emit({ type: 'update-available', version: info.version }))
  autoUpdater.on('update-downloaded', (info) => events.emit({ type: 'update-downloaded', version: info.version }))
  autoUpdater.on('error', (e) => log.warn({ err: e }, 'update check failed'))
  const check = () => {
    if (!app.isPackaged && !opts.feed) return // dev builds have no feed
    autoUpdater.checkForUpdates().catch((e: Error) => log.warn({ err: e }, 'update check failed'))
  }
  check()
  setInterval(check, CHECK_EVERY_MS).unref()
  return { restartToUpdate: () => autoUpdater.quitAndInstall() }
}
