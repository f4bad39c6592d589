// Builds a remote from its serializable configuration (remote.ts RemoteConfig), here or in a worker thread. Each
// implementation is loaded only when asked for: each brings its own client library (pg, PGlite, supabase-js).
import type { Remote, RemoteConfig, Session } from './remote'

export async function createRemote(cfg: RemoteConfig, hooks: { onSession?: (s: Session | null) => void } = {}): Promise<Remote> {
  switch (cfg.kind) {
    case 'postgres': {
      const { PgRemote } = await import('./pg')
      return new PgRemote(cfg.url, cfg.claims, { pollMs: cfg.pollMs, snapshotVia: cfg.snapshotVia })
    }
    case 'sandbox': {
      const { openSandboxRemote } = await import('./sandbox')
      return openSandboxRemote(cfg.dir, cfg.claims, { pollMs: cfg.pollMs, demo: cfg.demo })
    }
    case 'supabase': {
      const { SupabaseRemote } = await import('./supabase')
      return new SupabaseRemote(cfg.url, cfg.anonKey, cfg.session, hooks.onSession)
    }
  }
}
