// One remote interface, three implementations: Supabase (supabase-js), direct Postgres (pg) and the sandbox (PGlite in
// process). Every reply goes through src/shared/sync/protocol.ts before the engine sees it. This module imports no
// implementation (they import it); create.ts builds one from its configuration.
import type { SyncRole } from '../../../shared/api/sync'
import {
  parseSnapshotChunk,
  type LedgerPageReply,
  type LedgerVerifyReply,
  type PullReply,
  type PushBatch,
  type PushReply,
  type SnapshotChunk,
  type SnapshotPlan,
  type SnapshotTable,
} from '../../../shared/sync/protocol'

export interface Session {
  accessToken: string
  refreshToken: string
  /** epoch seconds */
  expiresAt: number | null
  email: string
  userId: string
}

export interface Remote {
  readonly kind: 'sandbox' | 'supabase' | 'postgres'
  readonly label: string
  /** email/password sign-in (Supabase). Other remotes act under configured claims. */
  signIn?(email: string, password: string): Promise<Session>
  pull(cursor: string | null, limit: number): Promise<PullReply>
  /**
   * Bulk bootstrap (docs/SYNC-PROTOCOL.md "Bulk bootstrap"): the plan (H0 noted first, the log cursor to replay from,
   * the caller's readable tables). Absent or failing with "no such function" = the server only has sync_pull's JSON
   * snapshot.
   */
  snapshotBegin?(): Promise<SnapshotPlan>
  /**
   * One table's rows after `after` (primary key values, null = from the start) in key order, only `columns`, in chunks
   * of about `chunkRows` rows, as the caller's role may read them. Each chunk is complete and validated.
   */
  snapshotRows?(table: SnapshotTable, columns: readonly string[], after: readonly unknown[] | null, chunkRows: number): AsyncIterable<SnapshotChunk>
  /**
   * optional: how another thread can open a remote of its own acting as this one (the bulk bootstrap's second lane,
   * lane.ts); absent when it cannot (the sandbox lives in this thread, a Supabase session refreshes here)
   */
  laneConfig?(): RemoteConfig
  push(batch: PushBatch): Promise<PushReply>
  /**
   * "pull now" signals; never data. `xid` is the committed transaction that poked (the central side sends it: pull until
   * the horizon passes it), null for a poll tick or a poke without one. Returns the unsubscribe.
   */
  onPoke(cb: (xid: string | null) => void): () => void
  /** optional: ledger check (direct/sandbox call ledger_verify(); Supabase through rpc) */
  ledgerVerify?(): Promise<LedgerVerifyReply>
  /** optional: one page of the raw ledger (ledger_page()), so the workstation recomputes the chain and checks signatures */
  ledgerPage?(after: string, limit: number): Promise<LedgerPageReply>
  /** optional: ledger signing keys this remote itself vouches for (the sandbox's own key) */
  ledgerKeys?(): Array<{ id: string; spki: string }>
  /** optional: the server's next xid, for the horizon lag */
  nextXid?(): Promise<string | null>
  close(): Promise<void>
}

/** The JWT claims a direct connection sets, exactly as PostgREST would for a signed-in user. */
export interface Claims {
  sub: string
  email?: string
  role: 'authenticated'
  app_metadata: { role: SyncRole }
  [k: string]: unknown
}

export function claimsFor(role: SyncRole, sub?: string, email?: string): Claims {
  // A stable, recognisable uuid per workstation role when no user is given (sandbox, tests, CLI).
  const roleIdx = ['operator', 'analyst', 'agent', 'finance', 'admin'].indexOf(role) + 1
  return {
    sub: sub ?? `00000000-0000-4000-8000-00000000000${roleIdx}`,
    email: email ?? `${role}@sandbox.wingtel.local`,
    role: 'authenticated',
    aud: 'authenticated',
    app_metadata: { role },
  }
}

/** Serializable description of a remote, so a worker thread can build its own. */
export type RemoteConfig =
  | { kind: 'sandbox'; dir: string; claims: Claims; pollMs?: number; demo?: { lines: number; months: number } }
  /** snapshotVia 'rpc': page the bulk snapshot through sync_snapshot_chunk as PostgREST clients do (bench --rpc) instead of COPY */
  | { kind: 'postgres'; url: string; claims: Claims; pollMs?: number; snapshotVia?: 'copy' | 'rpc' }
  | { kind: 'supabase'; url: string; anonKey: string; session: Session | null }

/** A primary key as sync_snapshot_chunk's `p_after` object. */
export function keyObject(table: SnapshotTable, key: readonly unknown[] | null): Record<string, unknown> | null {
  if (!key) return null
  return Object.fromEntries(table.pk.map((c, i) => [c, typeof key[i] === 'bigint' ? String(key[i]) : key[i]]))
}

/**
 * snapshotRows over the sync_snapshot_chunk RPC (PostgREST, the sandbox): keyset pages, the next one asked for while
 * the caller writes the current one. `call` returns the raw reply; each is validated before it is yielded.
 */
export async function* rpcSnapshotRows(
  call: (after: Record<string, unknown> | null, limit: number) => Promise<unknown>,
  table: SnapshotTable,
  columns: readonly string[],
  after: readonly unknown[] | null,
  chunkRows: number,
): AsyncGenerator<SnapshotChunk> {
  let pos = after
  let next: Promise<unknown> | null = call(keyObject(table, pos), chunkRows)
  try {
    while (next) {
      const chunk = parseSnapshotChunk(await next, table, columns, pos)
      next = null
      if (!chunk.done && chunk.rows.length > 0) {
        next = call(keyObject(table, chunk.last), chunkRows)
        next.catch(() => {}) // thrown where it is awaited, on the next chunk
      }
      if (chunk.rows.length) yield { rows: chunk.rows, last: chunk.last }
      pos = chunk.last ?? pos
    }
  } finally {
    next?.catch(() => {}) // the consumer stopped early: the prefetched chunk is not wanted
  }
}
