// How the updater may reach its feed, kept apart from Electron so that tests drive electron-updater's real updaters in
// plain Node (src/main/electron/update-feed.test.ts, appimage-update.test.ts).
//
// What an update is trusted on: the feed's latest*.yml names the file and its sha512, and electron-updater refuses a
// download whose bytes do not match; on Windows the installer must also be Authenticode-signed by a publisherName of
// electron-builder.yml (NsisUpdater.verifyUpdateCodeSignature, left as electron-updater ships it). Both only mean
// something if the yml itself cannot be swapped on the way: so every request the updater makes (the feed, the files,
// redirects, differential ranges) goes over https. The one exception, plain http to this machine for tests, is
// honoured only by an unpackaged run: a packaged app has no way to turn it on.
import type { AppUpdater, Logger } from 'electron-updater'

export class UpdateFeedRefused extends Error {
  override name = 'UpdateFeedRefused'
}

export interface FeedPolicy {
  /** plain http to 127.0.0.1 / localhost / [::1] is accepted (tests and local feeds of an unpackaged run only) */
  readonly allowLoopbackHttp: boolean
}

/** This run's policy: the loopback-http override is ignored by a packaged app, whatever the configuration says. */
export function feedPolicy(run: { packaged: boolean; allowLoopbackHttp: boolean }): FeedPolicy {
  return { allowLoopbackHttp: run.allowLoopbackHttp && !run.packaged }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The feed URL when the policy allows it; otherwise an UpdateFeedRefused that says why. */
export function checkUpdateUrl(raw: string | URL, policy: FeedPolicy): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UpdateFeedRefused(`the update feed '${String(raw)}' is not a URL`)
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return url
  throw new UpdateFeedRefused(`refused to fetch updates from ${url.protocol}//${url.host}: updates are fetched over https only`)
}

/** The request options builder-util-runtime's HttpExecutor hands to createRequest (configureRequestOptionsFromUrl). */
interface RequestOptionsLike {
  protocol?: string | null
  hostname?: string | null
  port?: string | number | null
}

interface HttpExecutorLike {
  createRequest(options: RequestOptionsLike, callback: (response: unknown) => void): unknown
}

/**
 * Every request the executor makes passes checkUpdateUrl first: a latest*.yml that points its files at an http URL, or
 * a redirect to one, fails like an http feed. (HttpExecutor calls createRequest inside a promise, so the throw becomes
 * that download's or check's rejection.)
 */
export function guardRequests(executor: HttpExecutorLike, policy: FeedPolicy): void {
  const createRequest = executor.createRequest.bind(executor)
  executor.createRequest = (options, callback) => {
    const port = options.port ? `:${options.port}` : ''
    // a missing protocol is https: ElectronHttpExecutor and HttpExecutor default to it
    checkUpdateUrl(`${options.protocol ?? 'https:'}//${options.hostname ?? ''}${port}/`, policy)
    return createRequest(options, callback)
  }
}

export interface UpdaterSetup {
  /** a feed that overrides the one electron-builder baked into app-update.yml (config.updateUrl), or null */
  feed: string | null
  policy: FeedPolicy
  logger: Logger
}

/**
 * Sets an electron-updater updater up under our policy. Throws UpdateFeedRefused for a feed the policy refuses.
 * Code-signature verification (Windows) and the staged rollout (`stagingPercentage` in latest*.yml, against the
 * per-install id electron-updater keeps in userData/.updaterId) are electron-updater's defaults and stay so.
 */
export function configureUpdater(updater: AppUpdater, setup: UpdaterSetup): void {
  // httpExecutor is electron-updater's internal field (ElectronHttpExecutor in the app); if a new version renames it,
  // https can no longer be enforced, so refuse to update at all rather than update over anything
  const executor = (updater as unknown as { httpExecutor?: HttpExecutorLike | null }).httpExecutor
  if (!executor || typeof executor.createRequest !== 'function') {
    throw new Error('electron-updater has no httpExecutor to guard: https cannot be enforced, so updates stay off')
  }
  guardRequests(executor, setup.policy)
  if (setup.feed !== null) updater.setFeedURL({ provider: 'generic', url: checkUpdateUrl(setup.feed, setup.policy).href })
  updater.logger = setup.logger
  updater.autoDownload = true
  updater.autoInstallOnAppQuit = true
  // we publish no web installer: an update is one signed file whose sha512 the yml states
  updater.disableWebInstaller = true
}
