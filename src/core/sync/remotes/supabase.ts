// Supabase through supabase-js: email/password sign-in with Supabase Auth, the two RPCs through PostgREST, and Realtime
// only as a "pull now" signal (its payload is never used as data; Realtime may drop messages, so a slow poll backs it up).
//
// Tokens: this remote holds the session itself (no supabase-js persistence, no auto-refresh timers) and hands every new
// session to `onSession`, which the engine stores in the secret store. An RPC answered 401 / "JWT expired" refreshes the
// session once and retries; if that fails the caller gets a clear "session expired, sign in again" error and nothing
// queued is touched.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import {
  parseLedgerPage,
  parseLedgerVerify,
  parsePullReply,
  parsePushReply,
  parseSnapshotPlan,
  type LedgerPageReply,
  type LedgerVerifyReply,
  type PullReply,
  type PushBatch,
  type PushReply,
  type SnapshotChunk,
  type SnapshotPlan,
  type SnapshotTable,
} from '../../../shared/sync/protocol'
import { parsed, protocolToRemote, RemoteError } from '../errors'
import { rpcSnapshotRows, type Remote, type Session } from './remote'
import { POKE_CHANNEL, pokeXid } from './sql'
import { rootLogger } from '../../log'

interface RpcOutcome {
  data: unknown
  error: { message?: string; code?: string; details?: string | null; hint?: string | null } | null
  status: number
}

const CLIENT_OPTS = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }

function isExpired(o: RpcOutcome): boolean {
  const msg = `${o.error?.message ?? ''} ${o.error?.code ?? ''}`
  return o.status === 401 || /PGRST30[0-3]|JWT expired|jwt expired|invalid jwt/i.test(msg)
}

/** Maps a PostgREST failure to what the engine does with it (see errors.ts). */
export function classifyRpc(o: RpcOutcome, what: string): RemoteError {
  const code = o.error?.code ?? ''
  const msg = o.error?.message ?? 'unknown error'
  if (o.status === 0) return new RemoteError('network', `${what}: the server is unreachable (${msg})`, undefined, 0)
  if (o.status >= 200 && o.status < 300) {
    return new RemoteError('protocol', `The server sent a malformed ${what} reply (not JSON: ${msg.slice(0, 60)}). Nothing was applied.`, undefined, o.status)
  }
  if (code === '42501') return new RemoteError('forbidden', `${what} refused: ${msg}`, code, o.status)
  if (o.status >= 500 || o.status === 408 || o.status === 429) return new RemoteError('server', `${what} failed on the server (${o.status}): ${msg}`, code, o.status)
  // PGRST2xx: the schema cache lacks the function; a server problem, not the op's fault
  if (/^PGRST2/.test(code) || o.status === 404) return new RemoteError('server', `${what}: the server lacks the sync functions (${msg})`, code, o.status)
  return new RemoteError('client', msg, code, o.status)
}

export class SupabaseRemote implements Remote {
  readonly kind = 'supabase' as const
  readonly label: string
  private auth: SupabaseClient
  private data: SupabaseClient
  private pokeListeners = new Set<(xid: string | null) => void>()
  private channel: ReturnType<SupabaseClient['channel']> | null = null
  private pollTimer: ReturnType<typeof setInterval> | null = null

  constructor(
    private url: string,
    private anonKey: string,
    private session: Session | null,
    private onSession?: (s: Session | null) => void,
    private pollMs = 30_000,
  ) {
    this.label = url
    this.auth = createClient(url, anonKey, { auth: CLIENT_OPTS })
    this.data = this.dataClient()
  }

  private dataClient(): SupabaseClient {
    const headers: Record<string, string> = {}
    if (this.session) headers.Authorization = `Bearer ${this.session.accessToken}`
    const c = createClient(this.url, this.anonKey, { auth: CLIENT_OPTS, global: { headers } })
    if (this.session) c.realtime.setAuth(this.session.accessToken)
    return c
  }

  private setSession(s: Session | null): void {
    const hadChannel = this.channel !== null
    this.unsubscribeRealtime()
    this.session = s
    this.data = this.dataClient()
    if (hadChannel) this.subscribeRealtime()
    this.onSession?.(s)
  }

  async signIn(email: string, password: string): Promise<Session> {
    let res
    try {
      res = await this.auth.auth.signInWithPassword({ email, password })
    } catch (e) {
      throw new RemoteError('network', `sign-in: the server is unreachable (${(e as Error).message})`)
    }
    if (res.error || !res.data.session) {
      const status = (res.error as { status?: number } | null)?.status ?? 0
      if (status === 0 || status >= 500) throw new RemoteError('network', `sign-in: the server is unreachable (${res.error?.message ?? 'no session'})`, undefined, status)
      throw new RemoteError('auth', `Sign-in failed: ${res.error?.message ?? 'no session returned'}`, undefined, status)
    }
    const s = toSession(res.data.session)
    this.setSession(s)
    return s
  }

  /** One refresh attempt with the stored refresh token. */
  private async refresh(): Promise<boolean> {
    if (!this.session?.refreshToken) return false
    try {
      const res = await this.auth.auth.refreshSession({ refresh_token: this.session.refreshToken })
      if (res.error || !res.data.session) return false
      this.setSession(toSession(res.data.session))
      return true
    } catch (e) {
      // not refreshed: the caller treats the session as expired
      rootLogger().child({ domain: 'sync' }).info({ err: e }, 'refreshing the Supabase session failed')
      return false
    }
  }

  private async rpc(fn: string, args: Record<string, unknown>): Promise<unknown> {
    if (!this.session) throw new RemoteError('auth', 'Not signed in to Supabase: sign in (Settings → Sync) first. Queued operations are kept.')
    const call = async (): Promise<RpcOutcome> => {
      const r = (await this.data.rpc(fn, args)) as unknown as RpcOutcome
      return { data: r.data, error: r.error, status: r.status }
    }
    let out = await call()
    if (out.error && isExpired(out)) {
      if (await this.refresh()) out = await call()
      if (out.error && isExpired(out)) {
        throw new RemoteError('auth', 'Your Supabase session expired: sign in again. Queued operations are kept and will be pushed after sign-in.', out.error.code, 401)
      }
    }
    if (out.error) throw classifyRpc(out, fn)
    return out.data
  }

  async pull(cursor: string | null, limit: number): Promise<PullReply> {
    const data = await this.rpc('sync_pull', { p_cursor: cursor, p_limit: limit })
    return parsed(() => parsePullReply(data))
  }

  async snapshotBegin(): Promise<SnapshotPlan> {
    const data = await this.rpc('sync_snapshot_begin', {})
    return parsed(() => parseSnapshotPlan(data))
  }

  async *snapshotRows(table: SnapshotTable, columns: readonly string[], after: readonly unknown[] | null, chunkRows: number): AsyncGenerator<SnapshotChunk> {
    const call = (k: Record<string, unknown> | null, limit: number) => this.rpc('sync_snapshot_chunk', { p_table: table.table, p_after: k, p_limit: limit })
    try {
      yield* rpcSnapshotRows(call, table, columns, after, chunkRows)
    } catch (e) {
      throw protocolToRemote(e)
    }
  }

  async push(batch: PushBatch): Promise<PushReply> {
    const data = await this.rpc('push_operations', { p_batch: batch })
    return parsed(() => parsePushReply(data, batch))
  }

  async ledgerVerify(): Promise<LedgerVerifyReply> {
    const data = await this.rpc('ledger_verify', {})
    return parsed(() => parseLedgerVerify(data))
  }

  async ledgerPage(after: string, limit: number): Promise<LedgerPageReply> {
    const data = await this.rpc('ledger_page', { p_after: after, p_limit: limit })
    return parsed(() => parseLedgerPage(data))
  }

  private fire = (xid: string | null = null) => {
    for (const l of this.pokeListeners) l(xid)
  }

  private subscribeRealtime(): void {
    // The central side broadcasts one `poke` per transaction that wrote the change log (migration 8: realtime.send on
    // the private topic `sync_changes`, payload {"xid": "..."}; joining needs the signed-in user's JWT, set on the
    // client). No postgres_changes: the log is never streamed row by row.
    this.channel = this.data
      .channel(POKE_CHANNEL, { config: { private: true } })
      .on('broadcast', { event: 'poke' }, (m: { payload?: { xid?: unknown } }) => this.fire(pokeXid(m.payload?.xid)))
      .subscribe()
  }

  private unsubscribeRealtime(): void {
    if (this.channel) {
      void this.data.removeChannel(this.channel).catch(() => {}) // unsubscribing from a channel that is already gone
      this.channel = null
    }
  }

  onPoke(cb: (xid: string | null) => void): () => void {
    this.pokeListeners.add(cb)
    if (this.pokeListeners.size === 1) {
      this.subscribeRealtime()
      if (this.pollMs > 0) {
        this.pollTimer = setInterval(() => this.fire(null), this.pollMs)
        this.pollTimer.unref?.()
      }
    }
    return () => {
      this.pokeListeners.delete(cb)
      if (this.pokeListeners.size === 0) {
        this.unsubscribeRealtime()
        if (this.pollTimer) clearInterval(this.pollTimer)
        this.pollTimer = null
      }
    }
  }

  async close(): Promise<void> {
    this.pokeListeners.clear()
    if (this.pollTimer) clearInterval(this.pollTimer)
    this.unsubscribeRealtime()
    await this.data.realtime.disconnect()
    await this.auth.realtime.disconnect()
  }
}

function toSession(s: { access_token: string; refresh_token: string; expires_at?: number; user?: { id?: string; email?: string } }): Session {
  return {
    accessToken: s.access_token,
    refreshToken: s.refresh_token,
    expiresAt: s.expires_at ?? null,
    email: s.user?.email ?? '',
    userId: s.user?.id ?? '',
  }
}
