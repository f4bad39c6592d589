// Auto-update through electron-updater: a configurable generic feed (the config's updateUrl, WINGTEL_UPDATE_URL, or
// resources/app-update.yml),
// checked at start and every few hours; when an update is downloaded the UI offers "restart to update".
import { app } from 'electron'
import electronUpdater from 'electron-updater'
import type { EventBus } from '../../core/store'

const CHECK_EVERY_MS = 4 * 60 * 60 * 1000

export function startUpdater(events: EventBus, feed: string | null): { restartToUpdate(): void } {
  const { autoUpdater } = electronUpdater
  autoUpdater.autoDownload = true
  autoUpdater.autoInstallOnAppQuit = true
  if (feed) autoUpdater.setFeedURL({ provider: 'generic', url: feed })
  autoUpdater.on('update-available', (info) => events.emit({ type: 'update-available', version: info.version }))
  autoUpdater.on('update-downloaded', (info) => events.emit({ type: 'update-downloaded', version: info.version }))
  autoUpdater.on('error', (e) => console.warn('update check failed:', e.message))
  const check = () => {
    if (!app.isPackaged && !feed) return // dev builds have no feed
    autoUpdater.checkForUpdates().catch((e: Error) => console.warn('update check failed:', e.message))
  }
  check()
  setInterval(check, CHECK_EVERY_MS).unref()
  return { restartToUpdate: () => autoUpdater.quitAndInstall() }
}
