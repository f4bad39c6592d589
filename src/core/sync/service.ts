// One SyncService per workspace: the settings (which remote), the secret store, the sync client (worker), and the
// status the Sync screen and the status bar show. It turns engine events into AppEvents (`sync-status`,
// `data-changed`).
import { basename, dirname, extname, join } from 'node:path'
import { AppError } from '../../shared/api/errors'
import { redactText } from '../../shared/domain/redact'
import { ledgerVerifyOf, type BootstrapProgress, type LedgerVerify, type SettingsInput, type SyncRole, type SyncSettings, type SyncSource, type SyncStatus } from '../../shared/api/sync'
import type { LedgerKey } from '../../central/ledger'
import type { Workspace } from '../store'
import { META } from './replica'
import type { BootstrapOptions } from './bootstrap/lane'
import type { EngineEvent } from './engine'
import { InlineSyncClient, WorkerSyncClient, type SyncClient } from './host'
import { claimsFor, type RemoteConfig } from './remotes/remote'
import { redactUrl } from './remotes/pg'
import { fileSecretStoreFor, type SecretStore } from './secrets'
import { Identity, SECRETS, urlWithLogin } from './identity'
import type { AuthClient } from '../../adapters/supabase-auth'

export const SETTINGS = {
  source: 'sync.source',
  supabaseUrl: 'sync.supabase_url',
  supabaseAnonKey: 'sync.supabase_anon_key',
  postgresUrlShown: 'sync.postgres_url',
  actAsRole: 'sync.act_as_role',
} as const
const SECRET_PG_URL = SECRETS.pgUrl
const SECRET_SESSION = SECRETS.session

/** The sandbox's PGlite folder: next to the workspace file (`<name>.sandbox-central/`) unless the config names one. */
export function sandboxDirFor(dbPath: string, dir?: string | null): string {
  return dir || join(dirname(dbPath), `${basename(dbPath, extname(dbPath))}.sandbox-central`)
}

/** The embedded sandbox backend (the core's config, docs/CONFIG.md). */
export interface SandboxOptions {
  /** its PGlite folder; null: next to the workspace */
  dir: string | null
  /** the size of the demo it is filled with */
  lines: number
  months: number
}

export interface SyncServiceOptions {
  secrets?: SecretStore
  /** force a remote (CLI --url, tests) instead of the stored settings */
  remoteOverride?: RemoteConfig
  /** run the engine in process instead of a worker thread */
  inline?: boolean
  /** subscribe to pokes and pull on each (the app) */
  live?: boolean
  /** every engine event, raw (the CLI's --progress) */
  onEngineEvent?: (e: EngineEvent) => void
  /** the embedded sandbox's folder and demo size (default: next to the workspace, the first-start demo's size) */
  sandbox?: Partial<SandboxOptions>
  /** how a bulk bootstrap runs (lanes, trace, the tests' fault hook) */
  bootstrap?: BootstrapOptions
  /** the ledger signing keys this workstation trusts (CoreConfig.ledgerKeys, WINGTEL_LEDGER_KEYS) */
  ledgerKeys?: LedgerKey[]
  /** the Supabase Auth client for a project (default: supabase-js) */
  authFactory?: (url: string, anonKey: string) => AuthClient
}

const services = new WeakMap<Workspace, SyncService>()
export function syncService(ws: Workspace, opts: SyncServiceOptions = {}): SyncService {
  let s = services.get(ws)
  if (!s) {
    s = new SyncService(ws, opts)
    services.set(ws, s)
  }
  return s
}

export class SyncService {
  readonly secrets: SecretStore
  /** who this workstation acts as on its backend (identity.ts) */
  readonly identity: Identity
  private client: SyncClient | null = null
  private activity: SyncStatus['activity'] = 'idle'
  private online = true
  private lastError: string | null = null
  private bootstrap: BootstrapProgress | null = null
  private statusTimer: ReturnType<typeof setTimeout> | null = null
  private pendingStatus: SyncStatus | null = null
  private emittingChange = false
  private pushSoon: ReturnType<typeof setTimeout> | null = null
  private offData: (() => void) | null = null

  constructor(
    readonly ws: Workspace,
    readonly opts: SyncServiceOptions = {},
  ) {
    this.secrets = opts.secrets ?? fileSecretStoreFor(ws.opts.dbPath)
    this.identity = new Identity(this, opts.authFactory)
    this.lastError = ws.meta(META.lastError)
    // live: ops the console queues (it announces them with ws.changed(['operations'])) are pushed right away
    this.offData = ws.events.on((e) => {
      if (!this.opts.live || this.emittingChange || e.type !== 'data-changed' || !e.tables.includes('operations')) return
      if (this.pushSoon) return
      this.pushSoon = setTimeout(() => {
        this.pushSoon = null
        this.getClient()
          .push()
          .catch(() => {}) // reported through the sync status; the outbox retries
      }, 50)
      this.pushSoon.unref?.()
    })
  }

  // ---- settings ---------------------------------------------------------------------------------------------------

  source(): SyncSource {
    if (this.opts.remoteOverride) return this.opts.remoteOverride.kind
    return (this.ws.meta(SETTINGS.source) as SyncSource | null) ?? 'sandbox'
  }

  supabaseProject(): { url: string; anonKey: string } | null {
    const url = this.ws.meta(SETTINGS.supabaseUrl)
    const anonKey = this.ws.meta(SETTINGS.supabaseAnonKey)
    return url && anonKey ? { url, anonKey } : null
  }

  /** The role in effect: the server's for a Supabase or Postgres sign-in; the picked demo role in the sandbox. */
  private role(): SyncRole {
    if (this.source() !== 'sandbox') return this.identity.current().role ?? 'operator'
    return (this.ws.meta(SETTINGS.actAsRole) as SyncRole | null) ?? 'operator'
  }

  private sandboxDemo(): { demo?: { lines: number; months: number } } {
    const s = this.opts.sandbox
    return s?.lines !== undefined && s.months !== undefined ? { demo: { lines: s.lines, months: s.months } } : {}
  }

  remoteConfig(): RemoteConfig {
    if (this.opts.remoteOverride) return this.opts.remoteOverride
    const source = this.source()
    switch (source) {
      case 'sandbox':
        return { kind: 'sandbox', dir: sandboxDirFor(this.ws.opts.dbPath, this.opts.sandbox?.dir), claims: claimsFor(this.role()), ...this.sandboxDemo() }
      case 'postgres': {
        // the person's own login; the role the server gave it (identity.ts), never one chosen here
        const url = this.secrets.get(SECRET_PG_URL)
        if (!url) throw new AppError('BAD_INPUT', 'No Postgres URL is set: choose a source in Settings → Sync.')
        const login = this.identity.pgLogin()
        const claims = this.identity.pgClaims()
        if (!login || !claims) throw new AppError('FORBIDDEN', 'Sign in with your own Postgres login first (Settings → Sync).')
        return { kind: 'postgres', url: urlWithLogin(url, login), claims }
      }
      case 'supabase': {
        const p = this.supabaseProject()
        if (!p) throw new AppError('BAD_INPUT', 'No Supabase project is set: enter its URL and anon key in Settings → Sync.')
        if (this.identity.current().state === 'mfa-required') {
          throw new AppError('FORBIDDEN', 'Your role requires two-step verification: enter the code from your authenticator app.')
        }
        return { kind: 'supabase', url: p.url, anonKey: p.anonKey, session: this.identity.supabaseSession() }
      }
    }
  }

  private remoteLabel(): string {
    try {
      const cfg = this.remoteConfig()
      return cfg.kind === 'sandbox' ? 'Sandbox (embedded)' : cfg.kind === 'postgres' ? redactUrl(cfg.url) : cfg.url
    } catch {
      // a direct Postgres not signed in yet still shows which server (its URL without the password); a malformed saved
      // backend shows as not configured, for the Sync screen to fix
      const shown = this.source() === 'postgres' ? this.ws.meta(SETTINGS.postgresUrlShown) : null
      return shown ?? 'not configured'
    }
  }

  async getSettings(): Promise<SyncSettings> {
    const source = this.source()
    return {
      source,
      supabaseUrl: this.ws.meta(SETTINGS.supabaseUrl),
      supabaseAnonKey: this.ws.meta(SETTINGS.supabaseAnonKey),
      postgresUrl: this.ws.meta(SETTINGS.postgresUrlShown),
      actAsRole: this.role(),
      signedInAs: this.signedInAs(),
      secretStore: this.secrets.kind,
    }
  }

  private signedInAs(): string | null {
    const source = this.source()
    if (source === 'sandbox') return `${this.role()} (sandbox demo)`
    const id = this.identity.current()
    if (id.state === 'signed-out') return null
    return source === 'supabase' ? id.email || null : `${id.email} (${id.role}, direct)`
  }

  async setSettings(input: SettingsInput): Promise<SyncSettings> {
    // attack 7: a direct-Postgres workstation declared its own role; the server's answer for the login decides it now
    if (input.source === 'postgres' && input.actAsRole) {
      throw new AppError('BAD_INPUT', 'The role of a direct-Postgres connection comes from the server (your own login): it cannot be chosen here.')
    }
    await this.ws.queue.run(() => {
      this.ws.db.transaction(() => {
        this.ws.setMeta(SETTINGS.source, input.source)
        if (input.source === 'supabase') {
          const prev = this.ws.meta(SETTINGS.supabaseUrl)
          this.ws.setMeta(SETTINGS.supabaseUrl, input.supabaseUrl.replace(/\/+$/, ''))
          this.ws.setMeta(SETTINGS.supabaseAnonKey, input.supabaseAnonKey)
          if (prev !== input.supabaseUrl) this.secrets.delete(SECRET_SESSION)
        }
        if (input.source === 'postgres') {
          if (this.secrets.get(SECRET_PG_URL) !== input.postgresUrl) for (const k of [SECRETS.pgLogin, SECRETS.pgClaims]) this.secrets.delete(k)
          this.secrets.set(SECRET_PG_URL, input.postgresUrl)
          this.ws.setMeta(SETTINGS.postgresUrlShown, redactUrl(input.postgresUrl))
        }
        if (input.source === 'sandbox' && input.actAsRole) this.ws.setMeta(SETTINGS.actAsRole, input.actAsRole)
      })()
    })
    await this.restart()
    this.emitStatus()
    return this.getSettings()
  }

  async signIn(email: string, password: string): Promise<{ signedInAs: string }> {
    if (this.source() !== 'supabase') throw new AppError('BAD_INPUT', 'Sign-in is for a Supabase project here; a direct Postgres signs in with your own login (auth.signInPassword).')
    await this.identity.signInPassword(email, password)
    return { signedInAs: this.identity.current().email }
  }

  async signOut(): Promise<void> {
    await this.identity.signOut()
  }

  /** The ledger checked on this workstation against its trusted keys and its anchor (engine.ts ledgerVerify). */
  async ledgerVerify(): Promise<LedgerVerify> {
    return ledgerVerifyOf(await this.getClient().ledgerVerify({ keys: this.opts.ledgerKeys ?? [] }))
  }

  // ---- the engine -------------------------------------------------------------------------------------------------

  getClient(): SyncClient {
    if (!this.client) {
      const opts = { dbPath: this.ws.opts.dbPath, remote: this.remoteConfig(), onEvent: (e: EngineEvent) => this.onEvent(e), live: this.opts.live, bootstrap: this.opts.bootstrap }
      this.client = this.opts.inline || this.ws.opts.dbPath === ':memory:' ? new InlineSyncClient(opts) : new WorkerSyncClient(opts)
    }
    return this.client
  }

  async restart(): Promise<void> {
    const c = this.client
    this.client = null
    if (c) await c.close()
    if (this.opts.live) this.getClient()
  }

  /** The app calls this once at start: pull now, then keep pulling on pokes and pushing as ops arrive. */
  start(): void {
    this.opts.live = true
    this.getClient()
      .pull()
      .then(() => this.getClient().push())
      .catch(() => {}) // reported through the sync status; the next poke retries
  }

  private onEvent(e: EngineEvent): void {
    this.opts.onEngineEvent?.(e)
    switch (e.type) {
      case 'activity':
        this.activity = e.activity
        if (e.activity === 'idle') this.bootstrap = null
        break
      case 'progress':
        this.bootstrap = e.bootstrap
        break
      case 'changed':
        this.emittingChange = true
        try {
          this.ws.changed(e.tables)
        } finally {
          this.emittingChange = false
        }
        break
      case 'online':
        this.online = e.online
        this.lastError = e.error
        break
      case 'session':
        if (e.session) this.secrets.set(SECRET_SESSION, JSON.stringify(e.session))
        else this.secrets.delete(SECRET_SESSION)
        break
      case 'pushed':
        break
    }
    this.emitStatus(e.type === 'activity')
  }

  /**
   * Emits `sync-status`: at once for state changes; progress at most every 200 ms (first one at once, last one kept).
   * A progress status held back by the throttle is a snapshot taken when it happened, and it is flushed before any
   * state change, so a fast bootstrap never loses its last progress report to the "idle" that follows it.
   */
  emitStatus(now = true): void {
    const emit = (status: SyncStatus) => {
      try {
        this.ws.events.emit({ type: 'sync-status', status })
      } catch {
        /* workspace closed */
      }
    }
    if (now) {
      if (this.statusTimer) clearTimeout(this.statusTimer)
      this.statusTimer = null
      if (this.pendingStatus) emit(this.pendingStatus)
      this.pendingStatus = null
      emit(this.statusSync())
      return
    }
    if (this.statusTimer) {
      this.pendingStatus = this.statusSync()
      return
    }
    emit(this.statusSync())
    const tick = () => {
      if (this.pendingStatus) {
        emit(this.pendingStatus)
        this.pendingStatus = null
        this.statusTimer = setTimeout(tick, 200)
        this.statusTimer.unref?.()
      } else this.statusTimer = null
    }
    this.statusTimer = setTimeout(tick, 200)
    this.statusTimer.unref?.()
  }

  statusSync(): SyncStatus {
    const m = (k: string) => this.ws.meta(k)
    const counts = this.ws.db
      .prepare("SELECT status, count(*) AS n FROM operations WHERE status IN ('pending','rejected','conflict') GROUP BY status")
      .all() as Array<{ status: string; n: number }>
    const by = Object.fromEntries(counts.map((r) => [r.status, r.n])) as Record<string, number>
    const cursor = m(META.cursor)
    const phase = (m(META.phase) as 'snapshot' | 'log' | null) ?? 'none'
    let bootstrap = this.bootstrap
    if (!bootstrap && m(META.bootstrapRows) !== null) {
      bootstrap = { rows: Number(m(META.bootstrapRows)), remaining: null, rowsPerSec: 0, etaSeconds: null, table: null }
    }
    const lag = m(META.horizonLag)
    return {
      source: this.source(),
      remoteLabel: this.remoteLabel(),
      online: this.online,
      signedInAs: this.signedInAs(),
      activity: this.activity,
      phase: cursor === null ? 'none' : phase,
      dataAsOf: m(META.dataAsOf),
      horizon: m(META.horizon),
      horizonLag: lag === null ? null : Number(lag),
      pending: by.pending ?? 0,
      rejected: by.rejected ?? 0,
      conflict: by.conflict ?? 0,
      bootstrap,
      // a driver's message may quote the connection string
      lastError: this.lastError && redactText(this.lastError),
      lastPullAt: m(META.lastPullAt),
      lastPushAt: m(META.lastPushAt),
    }
  }

  async close(): Promise<void> {
    if (this.statusTimer) clearTimeout(this.statusTimer)
    if (this.pushSoon) clearTimeout(this.pushSoon)
    this.offData?.()
    const c = this.client
    this.client = null
    if (c) await c.close()
    services.delete(this.ws)
  }
}
