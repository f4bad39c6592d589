// The part of the direct-Postgres and sandbox remotes that is the same: each call runs in its own transaction under the
// caller's claims, exactly as PostgREST does (docs/SYNC-PROTOCOL.md "How the workstation calls them"), and the one jsonb
// reply is parsed by the protocol schemas.
import {
  parseLedgerPage,
  parseLedgerVerify,
  parsePullReply,
  parsePushReply,
  parseSnapshotPlan,
  ProtocolError,
  type LedgerPageReply,
  type LedgerVerifyReply,
  type PullReply,
  type PushBatch,
  type PushReply,
  type SnapshotChunk,
  type SnapshotPlan,
  type SnapshotTable,
} from '../../../shared/sync/protocol'
import { classifyPgError, RemoteError } from '../errors'
import { rpcSnapshotRows, type Claims, type Remote } from './remote'
import { rootLogger } from '../../log'

export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>

/**
 * The channel the central side NOTIFYs on, once per transaction that wrote sync_changes (migration 8). The payload is
 * that transaction's xid (a poke only, never data).
 */
export const POKE_CHANNEL = 'sync_changes'

/** The xid a poke carries, or null (anything that is not a plain xid8 number is ignored). */
export function pokeXid(payload: unknown): string | null {
  return typeof payload === 'string' && /^\d{1,20}$/.test(payload) ? payload : null
}

export function parseJsonText(what: string, text: unknown): unknown {
  if (typeof text !== 'string') {
    if (text !== null && typeof text === 'object') return text
    throw new ProtocolError('malformed', `The server sent a malformed ${what} reply (no JSON document). Nothing was applied.`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new ProtocolError('malformed', `The server sent a malformed ${what} reply (not JSON: ${text.slice(0, 60)}…). Nothing was applied.`)
  }
}

export abstract class SqlRemote implements Remote {
  abstract readonly kind: 'sandbox' | 'postgres'
  abstract readonly label: string
  private pokeTimer: ReturnType<typeof setInterval> | null = null
  private pokeListeners = new Set<(xid: string | null) => void>()

  constructor(
    protected claims: Claims,
    protected pollMs = 5000,
  ) {}

  /** Runs fn in one transaction on one connection. */
  protected abstract tx<T>(fn: (q: Query) => Promise<T>): Promise<T>
  /** Starts LISTEN on the poke channel (optional); calls fire(payload) on each notification. */
  protected abstract listen(fire: (payload: string | null) => void): Promise<void>
  protected abstract unlisten(): Promise<void>
  abstract close(): Promise<void>

  setClaims(claims: Claims): void {
    this.claims = claims
  }

  /** One RPC as the caller: SET LOCAL ROLE authenticated + the JWT claims, then the call. Returns column `r`. */
  protected async callAs(sql: string, params: unknown[], what: string): Promise<unknown> {
    try {
      return await this.tx(async (q) => {
        await q('SET LOCAL ROLE authenticated')
        await q("SELECT set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)", [JSON.stringify(this.claims), this.claims.sub])
        const rows = await q(sql, params)
        return rows[0]?.r
      })
    } catch (e) {
      throw classifyPgError(e, what)
    }
  }

  async pull(cursor: string | null, limit: number): Promise<PullReply> {
    const text = await this.callAs('SELECT sync_pull($1::text, $2::int)::text AS r', [cursor, limit], 'sync_pull')
    try {
      return parsePullReply(parseJsonText('sync_pull', text))
    } catch (e) {
      throw classifyPgError(e, 'sync_pull')
    }
  }

  async snapshotBegin(): Promise<SnapshotPlan> {
    const text = await this.callAs('SELECT sync_snapshot_begin()::text AS r', [], 'sync_snapshot_begin')
    try {
      return parseSnapshotPlan(parseJsonText('sync_snapshot_begin', text))
    } catch (e) {
      throw classifyPgError(e, 'sync_snapshot_begin')
    }
  }

  /** The RPC form (one keyset page per call); the direct-Postgres remote streams COPY instead. */
  async *snapshotRows(table: SnapshotTable, columns: readonly string[], after: readonly unknown[] | null, chunkRows: number): AsyncGenerator<SnapshotChunk> {
    const call = async (k: Record<string, unknown> | null, limit: number) =>
      parseJsonText(
        'sync_snapshot_chunk',
        await this.callAs('SELECT sync_snapshot_chunk($1::text, $2::jsonb, $3::int)::text AS r', [table.table, k === null ? null : JSON.stringify(k), limit], 'sync_snapshot_chunk'),
      )
    try {
      yield* rpcSnapshotRows(call, table, columns, after, chunkRows)
    } catch (e) {
      throw classifyPgError(e, 'sync_snapshot_chunk')
    }
  }

  async push(batch: PushBatch): Promise<PushReply> {
    const text = await this.callAs('SELECT push_operations($1::jsonb)::text AS r', [JSON.stringify(batch)], 'push_operations')
    try {
      return parsePushReply(parseJsonText('push_operations', text), batch)
    } catch (e) {
      throw classifyPgError(e, 'push_operations')
    }
  }

  async ledgerVerify(): Promise<LedgerVerifyReply> {
    const text = await this.callAs('SELECT ledger_verify()::text AS r', [], 'ledger_verify')
    try {
      return parseLedgerVerify(parseJsonText('ledger_verify', text))
    } catch (e) {
      throw classifyPgError(e, 'ledger_verify')
    }
  }

  async ledgerPage(after: string, limit: number): Promise<LedgerPageReply> {
    const text = await this.callAs('SELECT ledger_page($1::bigint, $2::int)::text AS r', [after, limit], 'ledger_page')
    try {
      return parseLedgerPage(parseJsonText('ledger_page', text))
    } catch (e) {
      throw classifyPgError(e, 'ledger_page')
    }
  }

  async nextXid(): Promise<string | null> {
    try {
      return await this.tx(async (q) => {
        const rows = await q('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS r')
        return (rows[0]?.r as string) ?? null
      })
    } catch (e) {
      // null tells the caller the id is unknown
      rootLogger().child({ domain: 'sync' }).info({ err: e }, 'reading the server\'s next transaction id failed')
      return null
    }
  }

  onPoke(cb: (xid: string | null) => void): () => void {
    this.pokeListeners.add(cb)
    if (this.pokeListeners.size === 1) {
      const fire = (payload: string | null) => {
        const xid = pokeXid(payload)
        for (const l of this.pokeListeners) l(xid)
      }
      this.listen(fire).catch(() => {
        /* no LISTEN: polling only */
      })
      if (this.pollMs > 0) this.pokeTimer = setInterval(() => fire(null), this.pollMs)
      this.pokeTimer?.unref?.()
    }
    return () => {
      this.pokeListeners.delete(cb)
      if (this.pokeListeners.size === 0) {
        if (this.pokeTimer) clearInterval(this.pokeTimer)
        this.pokeTimer = null
        this.unlisten().catch(() => {}) // no pokes wanted any more: a failed UNLISTEN changes nothing
      }
    }
  }

  protected stopPokes(): void {
    this.pokeListeners.clear()
    if (this.pokeTimer) clearInterval(this.pokeTimer)
    this.pokeTimer = null
  }
}

export function assertNever(x: never): never {
  throw new RemoteError('protocol', `unexpected ${String(x)}`)
}
