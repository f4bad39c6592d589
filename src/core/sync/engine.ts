// The sync engine: owns one better-sqlite3 connection to the workspace file and one remote. It runs inside the sync
// worker thread in the app (see host.ts) and in process for tools that want it. Everything it reports goes out through
// `onEvent` (progress, tables changed, session, online state); the host turns those into AppEvents.
import type { BootstrapProgress, PullSummary, PushSummary } from '../../shared/api/sync'
import { SYNCED_TABLES, type LedgerVerifyReply, type PullReply } from '../../shared/sync/protocol'
import type { LedgerKey } from '../../central/ledger'
import { openDatabase, type Db } from '../store'
import { runBulkBootstrap } from './bootstrap/bootstrap'
import { BulkState, parseBulkCursor } from './bootstrap/bulk-state'
import type { BulkProgress, BulkStats } from './bootstrap/stats'
import { Applier } from './pull/apply'
import type { BootstrapOptions } from './bootstrap/lane'
import { RemoteError } from './errors'
import { ensureClientIdentity } from './push/client-id'
import { Outbox } from './push/outbox'
import { createRemote } from './remotes/create'
import type { Remote, RemoteConfig, Session } from './remotes/remote'
import { verifyLedgerHere } from './ledger-check'
import { META } from './replica'
import { PokeGate } from './poke-gate'

export const DEFAULT_PAGE = 5000
/**
 * The bulk bootstrap's index build (and the second lane's move), seconds per million rows: local work, so it follows the
 * row count rather than the copy's speed (which is the server's or the network's when they are slow). Measured: 20 s
 * for 17.3M rows at 1M lines (bench sync), by COPY and by sync_snapshot_chunk alike. Only for the ETA.
 */
const BULK_INDEX_S_PER_M_ROWS = 1.2
/**
 * live: a poke that arrives during a push waits for the push, but at most about this long (checked between batches).
 * Most pokes then come from the push itself, and pulling them into a large replica costs more than the push.
 */
const POKE_DURING_PUSH_MS = 5000

export type EngineEvent =
  | { type: 'activity'; activity: 'idle' | 'pulling' | 'bootstrapping' | 'pushing' }
  | { type: 'progress'; bootstrap: BootstrapProgress | null; phase: 'snapshot' | 'log'; changes: number; pages: number }
  | { type: 'changed'; tables: string[] }
  | { type: 'online'; online: boolean; error: string | null }
  | { type: 'session'; session: Session | null }
  | { type: 'pushed'; applied: number; rejected: number; conflict: number; pending: number }

export interface EngineOptions {
  dbPath: string
  remote: RemoteConfig
  onEvent?: (e: EngineEvent) => void
  /** an already open connection (tests); otherwise the engine opens its own */
  db?: Db
  /** a ready remote (tests); otherwise built from `remote` */
  remoteImpl?: Remote
  /** how a bulk bootstrap runs (lanes, trace, the tests' fault hook) */
  bootstrap?: BootstrapOptions
}

/** The workspace's current client id (a copied or restored workspace gets a new one: push/client-id.ts). */
export function clientIdOf(db: Db): string {
  return ensureClientIdentity(db).current
}

/** A stable identity of the remote, so a workspace switched to another server bootstraps instead of resuming. */
export function remoteIdOf(cfg: RemoteConfig): string {
  switch (cfg.kind) {
    case 'sandbox':
      return `sandbox:${cfg.dir}`
    case 'postgres': {
      try {
        const u = new URL(cfg.url)
        return `postgres:${u.host}${u.pathname}:${String(cfg.claims.sub)}`
      } catch {
        // not a URL: the raw text still names the server
        return `postgres:${cfg.url}`
      }
    }
    case 'supabase':
      return `supabase:${cfg.url}`
  }
}

/**
 * A bulk bootstrap's report as the UI shows it: the rate over this run (started at `t0`; the copy's only, once this
 * thread's tables are copied at `indexingAt`) and the time left, copy then index build.
 */
function bulkProgress(p: BulkProgress, t0: number, now: number, indexingAt: number | null): BootstrapProgress {
  const secs = (now - t0) / 1000
  let etaSeconds: number | null
  let rate: number
  if (p.stage === 'indexing' && indexingAt !== null) {
    // this thread's rows are all copied (the second lane may still be copying): the indexes are being built;
    // nothing reports progress inside an index build
    const copySecs = (indexingAt - t0) / 1000
    rate = copySecs > 0 ? p.runRows / copySecs : 0
    etaSeconds = Math.max(0, Math.round(((BULK_INDEX_S_PER_M_ROWS * (p.rows + p.remaining)) / 1e6 - (now - indexingAt) / 1000) * 10) / 10)
  } else {
    rate = secs > 0 ? p.runRows / secs : 0
    const copyEta = rate > 0 ? p.remaining / rate : null
    // the copy, then the index build
    etaSeconds = copyEta === null ? null : Math.round((copyEta + (BULK_INDEX_S_PER_M_ROWS * (p.rows + p.remaining)) / 1e6) * 10) / 10
  }
  return {
    rows: p.rows,
    remaining: p.remaining,
    rowsPerSec: Math.round(rate),
    etaSeconds,
    table: p.stage === 'indexing' ? null : p.table,
    laneRows: p.laneRows,
    stage: p.stage,
  }
}

export class SyncEngine {
  readonly db: Db
  readonly applier: Applier
  /** the bulk bootstrap's state (bootstrap/bulk-state.ts) in the same store */
  readonly bulk: BulkState
  readonly outbox: Outbox
  private pulling: Promise<PullSummary> | null = null
  private pushing: Promise<PushSummary> | null = null
  private livePull = false
  private repull = false
  private stopLive: (() => void) | null = null
  private pushTimer: ReturnType<typeof setTimeout> | null = null
  /** live: what a poke leads to (poke-gate.ts: a hint, rate-limited, its claimed xid followed only while plausible) */
  private pokes: PokeGate | null = null
  /** the server's next xid as of the last pull (remotes that can tell), for the poke gate */
  private lastNextXid: string | null = null
  /** live: when the first poke that arrived during a push did (the push pulls between batches once it is old) */
  private pokedDuringPushAt: number | null = null
  private ownsDb: boolean

  private constructor(
    readonly opts: EngineOptions,
    readonly remote: Remote,
    db: Db,
    ownsDb: boolean,
  ) {
    this.db = db
    this.ownsDb = ownsDb
    this.applier = new Applier(db)
    this.bulk = new BulkState(db)
    this.outbox = new Outbox(db, ensureClientIdentity(db))
    // a workspace pointed at another remote forgets its cursor (the next pull bootstraps and drops the old replica)
    const id = remoteIdOf(opts.remote)
    const prev = this.applier.meta(META.remoteId)
    if (prev !== id) {
      db.transaction(() => {
        if (prev !== null) {
          this.applier.setMeta(META.cursor, null)
          this.applier.setMeta(META.phase, null)
        }
        this.applier.setMeta(META.remoteId, id)
      })()
    }
  }

  static async open(opts: EngineOptions): Promise<SyncEngine> {
    const db = opts.db ?? openDatabase(opts.dbPath)
    try {
      const remote = opts.remoteImpl ?? (await createRemote(opts.remote, { onSession: (s) => opts.onEvent?.({ type: 'session', session: s }) }))
      return new SyncEngine(opts, remote, db, !opts.db)
    } catch (e) {
      if (!opts.db) db.close()
      throw e
    }
  }

  private emit(e: EngineEvent): void {
    this.opts.onEvent?.(e)
  }

  /** The workspace's data now comes from this backend, not the first-start demo (the workspace indicator shows it). */
  private markSource(): void {
    this.applier.setMeta('source', this.remote.kind)
  }

  private online(ok: boolean, err: unknown): void {
    const message = err ? (err as Error).message : null
    this.applier.setMeta(META.lastError, message)
    this.emit({ type: 'online', online: ok, error: message })
  }

  async signIn(email: string, password: string): Promise<Session> {
    if (!this.remote.signIn) throw new RemoteError('client', `the ${this.remote.kind} remote has no sign-in (it acts under the configured role)`)
    const s = await this.remote.signIn(email, password)
    this.emit({ type: 'session', session: s })
    return s
  }

  /** Pulls until up to date. Concurrent calls share one run; a call during a run asks for one more pass. */
  pull(opts: { limit?: number } = {}): Promise<PullSummary> {
    if (this.pulling) {
      this.repull = true
      return this.pulling
    }
    const run = async (): Promise<PullSummary> => {
      let last: PullSummary
      do {
        this.repull = false
        last = await this.pullOnce(opts.limit ?? DEFAULT_PAGE)
      } while (this.repull)
      return last
    }
    this.pulling = run().finally(() => {
      this.pulling = null
      this.emit({ type: 'activity', activity: 'idle' })
    })
    return this.pulling
  }

  private async pullOnce(limit: number): Promise<PullSummary> {
    const t0 = performance.now()
    let cursor = this.applier.cursor
    let pages = 0
    let changes = 0
    let reset = false
    let bootstrapped = false
    let phase: 'snapshot' | 'log' = (this.applier.meta(META.phase) as 'snapshot' | 'log' | null) ?? 'snapshot'
    this.emit({ type: 'activity', activity: cursor === null || phase === 'snapshot' ? 'bootstrapping' : 'pulling' })
    // rows/s over this run (a resumed bootstrap counts from where it resumed)
    const startRows = Number(this.applier.meta(META.bootstrapRows) ?? '0')
    const fetchPage = (c: string | null): Promise<PullReply> => this.remote.pull(c, limit)
    let inflight: Promise<PullReply> | null = null
    let horizon: string | null = null
    let waitMs = 0
    let applyMs = 0
    let bulk: BulkStats | null = null
    // the bulk bootstrap (bootstrap.ts) from a null or bulk cursor; false when the remote only has the JSON snapshot
    const bulkBootstrap = async (): Promise<boolean> => {
      let indexingAt: number | null = null
      const b = await runBulkBootstrap(this.bulk, this.remote, {
        ...this.opts.bootstrap,
        chunkRows: limit,
        // the replica is emptied for this backend's data from now on
        onBegin: () => this.markSource(),
        onChunk: (p) => {
          const now = performance.now()
          if (p.stage === 'indexing') indexingAt ??= now
          const bootstrap = bulkProgress(p, t0, now, indexingAt)
          this.emit({ type: 'progress', bootstrap, phase: 'snapshot', changes: changes + p.runRows, pages: pages + p.chunks })
        },
      })
      if (!b) return false
      bulk = b
      bootstrapped ||= b.started
      pages += b.chunks
      changes += b.rows
      waitMs += b.waitMs
      applyMs += b.applyMs + b.indexMs
      cursor = this.applier.cursor
      phase = 'log'
      this.emit({ type: 'changed', tables: [...SYNCED_TABLES] })
      return true
    }
    try {
      if (cursor === null || parseBulkCursor(cursor)) await bulkBootstrap()
      inflight = fetchPage(cursor)
      while (inflight) {
        const w0 = performance.now()
        const reply: PullReply = await inflight
        waitMs += performance.now() - w0
        inflight = null
        // Prefetch the next page while this one is written: the server works while SQLite does.
        if (reply.has_more && !reply.reset && reply.cursor) {
          inflight = fetchPage(reply.cursor)
          inflight.catch(() => {}) // thrown where it is awaited, on the next page
        }
        const a0 = performance.now()
        const r = this.applier.applyPage(reply, cursor)
        applyMs += performance.now() - a0
        pages++
        changes += reply.changes.length
        horizon = reply.horizon ?? horizon
        if (reply.reset) {
          reset = true
          cursor = null
          this.emit({ type: 'changed', tables: r.tables })
          this.emit({ type: 'activity', activity: 'bootstrapping' })
          await bulkBootstrap()
          inflight = fetchPage(cursor)
          continue
        }
        if (r.bootstrapStarted) {
          bootstrapped = true
          this.markSource()
        }
        cursor = reply.cursor
        phase = reply.phase
        if (r.tables.length) this.emit({ type: 'changed', tables: r.tables })
        const inBootstrap = this.applier.meta(META.bootstrapRows) !== null
        let bootstrap: BootstrapProgress | null = null
        if (inBootstrap) {
          const rows = Number(this.applier.meta(META.bootstrapRows))
          const secs = (performance.now() - t0) / 1000
          const rate = secs > 0 ? (rows - startRows) / secs : 0
          const remaining = reply.remaining_estimate ?? null
          bootstrap = {
            rows,
            remaining,
            rowsPerSec: Math.round(rate),
            etaSeconds: remaining !== null && rate > 0 ? Math.round((remaining / rate) * 10) / 10 : null,
            table: r.lastTable,
          }
        }
        this.emit({ type: 'progress', bootstrap, phase, changes, pages })
      }
      this.online(true, null)
      if (horizon !== null) await this.recordHorizonLag(horizon)
    } catch (e) {
      if (inflight) (inflight as Promise<PullReply>).catch(() => {}) // this page's error is the one rethrown below
      this.online(!(e instanceof RemoteError && e.retryable), e)
      throw e
    }
    const summary: PullSummary & { bulk?: BulkStats } = {
      pages,
      changes,
      reset,
      bootstrapped,
      phase,
      upToDate: true,
      horizon,
      ms: Math.round(performance.now() - t0),
      waitMs: Math.round(waitMs),
      applyMs: Math.round(applyMs),
    }
    // where a bulk bootstrap's time went (bench/sync.ts reports it)
    if (bulk) summary.bulk = bulk
    return summary
  }

  /** How many transactions the pulled horizon is behind the server's next xid (the status shows it). */
  private async recordHorizonLag(horizon: string): Promise<void> {
    if (!this.remote.nextXid) return
    const next = await this.remote.nextXid()
    this.lastNextXid = next
    if (next !== null && /^\d+$/.test(horizon) && /^\d+$/.test(next)) {
      this.applier.setMeta(META.horizonLag, String(Math.max(0, Number(BigInt(next) - BigInt(horizon)))))
    }
  }

  /** Pushes the pending ops. A network failure schedules a retry at the backoff time. */
  push(opts: { batchSize?: number; ignoreBackoff?: boolean } = {}): Promise<PushSummary> {
    if (this.pushing) return this.pushing
    const run = async (): Promise<PushSummary> => {
      const t0 = performance.now()
      this.emit({ type: 'activity', activity: 'pushing' })
      const out = await this.outbox.pushAll((b) => this.remote.push(b), {
        batchSize: opts.batchSize,
        ignoreBackoff: opts.ignoreBackoff,
        onBatch: async (o) => {
          this.emit({ type: 'changed', tables: ['operations'] })
          this.emit({ type: 'pushed', applied: o.applied, rejected: o.rejected, conflict: o.conflict, pending: this.outbox.counts().pending })
          // a long push does not hold other workstations' changes back for long (most pokes now are this push's own)
          if (this.pokedDuringPushAt !== null && performance.now() - this.pokedDuringPushAt >= POKE_DURING_PUSH_MS) {
            this.pokedDuringPushAt = null
            await this.pull().catch(() => {}) // reported through the sync status by pull itself
          }
        },
      })
      this.applier.setMeta(META.lastPushAt, new Date().toISOString())
      this.emit({ type: 'changed', tables: ['operations'] })
      const counts = this.outbox.counts()
      if (out.nextAttemptAt && this.livePull) this.schedulePush(out.nextAttemptAt)
      // live: bring the applied ops' effects back right away, so their overlay gives way to the synced rows (and what
      // was poked meanwhile)
      const poked = this.pokedDuringPushAt !== null
      this.pokedDuringPushAt = null
      if (this.livePull && (out.applied > 0 || poked)) this.pokes?.pullNow()
      if (out.stoppedBy) {
        this.online(!out.stoppedBy.retryable, out.stoppedBy)
        // network trouble is not the caller's error: the ops wait for the retry; anything else is surfaced
        if (!out.stoppedBy.retryable) throw out.stoppedBy
      } else if (out.sent > 0) this.online(true, null)
      return {
        sent: out.sent,
        applied: out.applied,
        rejected: out.rejected,
        conflict: out.conflict,
        pending: counts.pending,
        ms: Math.round(performance.now() - t0),
      }
    }
    this.pushing = run().finally(() => {
      this.pushing = null
      this.emit({ type: 'activity', activity: 'idle' })
    })
    return this.pushing
  }

  private schedulePush(at: string): void {
    if (this.pushTimer) clearTimeout(this.pushTimer)
    const ms = Math.max(0, new Date(at).getTime() - Date.now())
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null
      this.push().catch(() => {}) // reported through the sync status by push itself; the outbox retries
    }, ms)
    this.pushTimer.unref?.()
  }

  /**
   * Live mode: pull on pokes (Realtime / NOTIFY / poll), push when asked or when backoff elapses. A poke is only a hint
   * (poke-gate.ts): pulls are rate-limited, and the transaction a poke names is pulled for again (until the horizon
   * passes it) only while it is one the server can have committed. During a push, pokes wait for it (the push pulls
   * when done, or between batches once a poke is POKE_DURING_PUSH_MS old): pulling our own push's effects batch by
   * batch would only slow the push down.
   */
  startLive(): void {
    if (this.stopLive) return
    this.livePull = true
    const gate = new PokeGate({
      pull: async () => {
        const s = await this.pull()
        return { horizon: s.horizon, changes: s.changes, nextXid: this.lastNextXid }
      },
      canPull: () => !this.pushing,
      deferred: () => {
        this.pokedDuringPushAt ??= performance.now()
      },
    })
    this.pokes = gate
    const off = this.remote.onPoke((xid) => gate.poke(xid))
    this.stopLive = () => {
      off()
      gate.stop()
    }
  }

  /** The central ledger verified on this workstation (ledger-check.ts; issue 11, attack 2). */
  async ledgerVerify(opts: { keys?: readonly LedgerKey[] } = {}): Promise<LedgerVerifyReply> {
    return verifyLedgerHere(this.remote, this.applier, remoteIdOf(this.opts.remote), opts.keys ?? [])
  }

  async close(): Promise<void> {
    this.stopLive?.()
    this.stopLive = null
    if (this.pushTimer) clearTimeout(this.pushTimer)
    await Promise.allSettled([this.pulling, this.pushing])
    await this.remote.close()
    if (this.ownsDb) this.db.close()
  }
}
