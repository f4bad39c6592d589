// One remote interface, three implementations: Supabase (supabase-js), direct Postgres (pg) and the sandbox (PGlite in
// process). Every reply goes through src/shared/sync/protocol.ts before the engine sees it.
import type { SyncRole } from '../../shared/api/sync'
import type { LedgerVerifyReply, PullReply, PushBatch, PushReply } from '../../shared/sync/protocol'

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
  push(batch: PushBatch): Promise<PushReply>
  /**
   * "pull now" signals; never data. `xid` is the committed transaction that poked (the central side sends it: pull until
   * the horizon passes it), null for a poll tick or a poke without one. Returns the unsubscribe.
   */
  onPoke(cb: (xid: string | null) => void): () => void
  /** optional: ledger check (direct/sandbox call ledger_verify(); Supabase through rpc) */
  ledgerVerify?(): Promise<LedgerVerifyReply>
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
  | { kind: 'sandbox'; dir: string; claims: Claims; pollMs?: number }
  | { kind: 'postgres'; url: string; claims: Claims; pollMs?: number }
  | { kind: 'supabase'; url: string; anonKey: string; session: Session | null }

export async function createRemote(cfg: RemoteConfig, hooks: { onSession?: (s: Session | null) => void } = {}): Promise<Remote> {
  switch (cfg.kind) {
    case 'postgres': {
      const { PgRemote } = await import('./remote-pg')
      return new PgRemote(cfg.url, cfg.claims, { pollMs: cfg.pollMs })
    }
    case 'sandbox': {
      const { openSandboxRemote } = await import('./remote-sandbox')
      return openSandboxRemote(cfg.dir, cfg.claims, { pollMs: cfg.pollMs })
    }
    case 'supabase': {
      const { SupabaseRemote } = await import('./remote-supabase')
      return new SupabaseRemote(cfg.url, cfg.anonKey, cfg.session, hooks.onSession)
    }
  }
}
