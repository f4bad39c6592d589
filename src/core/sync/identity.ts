// Who this workstation acts as on its backend (issue 11 "Identity"). The role is always the server's answer:
// - Supabase: the signed-in person's JWT (`app_metadata.role`), through Supabase Auth (src/adapters/supabase-auth):
//   password, magic link, TOTP when the server requires it (`app_metadata.mfa_required` with the JWT still at aal1);
// - direct Postgres: the person's own login role (user + password in the secret store, never in meta); the role is what
//   the server answers to `select public.app_role()` on that login's connection;
// - the sandbox: a demo role picked on this machine, marked as demo everywhere it shows.
// Sign-out revokes the session on the server where there is one and removes every secret of it from the machine.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { AuthError, needsSecondFactor, sessionFromGoTrue, SupabaseAuth, type AuthClient, type AuthSession } from '../../adapters/supabase-auth'
import { AppError } from '../../shared/api/errors'
import type { SyncRole, SyncSource } from '../../shared/api/sync'
import { SYNC_ROLES } from '../../shared/api/sync'
import type { Workspace } from '../store'
import { rootLogger } from '../log'
import { claimsFor, type Claims } from './remotes/remote'
import type { SecretStore } from './secrets'

export const SECRETS = {
  pgUrl: 'postgres_url',
  session: 'supabase_session',
  pgLogin: 'postgres_login',
  pgClaims: 'postgres_claims',
} as const

/** What Identity needs of its SyncService (an interface, so the two files import one way). */
export interface IdentityHost {
  readonly ws: Workspace
  readonly secrets: SecretStore
  source(): SyncSource
  supabaseProject(): { url: string; anonKey: string } | null
  /** the engine is rebuilt on the new identity */
  restart(): Promise<void>
  emitStatus(): void
}

export interface ServerIdentity {
  state: 'signed-out' | 'mfa-required' | 'signed-in'
  userId: string
  email: string
  role: SyncRole | null
  aal: 'aal1' | 'aal2' | null
  signedInAt: string | null
}

interface PgLogin {
  user: string
  password: string
}

interface PgClaims {
  login: string
  role: SyncRole
  signedInAt: string
}

const log = () => rootLogger().child({ domain: 'sync' })

const asRole = (r: unknown): SyncRole | null => ((SYNC_ROLES as readonly unknown[]).includes(r) ? (r as SyncRole) : null)

/** A stable uuid per Postgres login (the `sub` its claims carry), derived from the name. */
export function loginSub(login: string): string {
  const h = createHash('sha1').update(`wingtel-login:${login}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The URL with this login's user and password in it. */
export function urlWithLogin(url: string, login: PgLogin): string {
  const u = new URL(url)
  u.username = encodeURIComponent(login.user)
  u.password = encodeURIComponent(login.password)
  return u.toString()
}

export class Identity {
  constructor(
    private host: IdentityHost,
    private authFactory: (url: string, anonKey: string) => AuthClient = (url, key) => new SupabaseAuth(url, key),
  ) {}

  private json<T>(key: string): T | null {
    const raw = this.host.secrets.get(key)
    if (!raw) return null
    try {
      return JSON.parse(raw) as T
    } catch (e) {
      // a damaged saved secret is a signed-out one: the person signs in again
      log().warn({ err: e, key }, 'unreadable saved secret')
      return null
    }
  }

  /** The stored Supabase session with its claims read from the access token, or null. */
  supabaseSession(): AuthSession | null {
    const s = this.json<{ accessToken: string; refreshToken: string; expiresAt: number | null; email: string; userId: string }>(SECRETS.session)
    if (!s?.accessToken) return null
    try {
      return sessionFromGoTrue({ access_token: s.accessToken, refresh_token: s.refreshToken, expires_at: s.expiresAt ?? undefined, user: { id: s.userId, email: s.email } })
    } catch (e) {
      log().warn({ err: e }, 'the saved session has a malformed access token')
      return null
    }
  }

  /** The direct-Postgres login's claims as the server gave them (role from app_role()), or null when signed out. */
  pgClaims(): Claims | null {
    const c = this.json<PgClaims>(SECRETS.pgClaims)
    const role = asRole(c?.role)
    return c && role ? claimsFor(role, loginSub(c.login), c.login) : null
  }

  pgLogin(): PgLogin | null {
    return this.json<PgLogin>(SECRETS.pgLogin)
  }

  current(): ServerIdentity {
    const source = this.host.source()
    const none: ServerIdentity = { state: 'signed-out', userId: '', email: '', role: null, aal: null, signedInAt: null }
    if (source === 'supabase') {
      const s = this.supabaseSession()
      if (!s) return none
      return { state: needsSecondFactor(s) ? 'mfa-required' : 'signed-in', userId: s.userId, email: s.email, role: asRole(s.role), aal: s.aal, signedInAt: null }
    }
    if (source === 'postgres') {
      const c = this.json<PgClaims>(SECRETS.pgClaims)
      if (!c || !asRole(c.role) || !this.pgLogin()) return none
      return { state: 'signed-in', userId: loginSub(c.login), email: c.login, role: asRole(c.role), aal: null, signedInAt: c.signedInAt }
    }
    return none
  }

  private auth(): AuthClient {
    const p = this.host.supabaseProject()
    if (!p) throw new AppError('BAD_INPUT', 'No Supabase project is set: enter its URL and anon key in Settings → Sync.')
    return this.authFactory(p.url, p.anonKey)
  }

  private async storeSession(s: AuthSession): Promise<void> {
    if (!asRole(s.role)) throw new AppError('FORBIDDEN', `The server gives ${s.email} no workstation role: ask an admin to set one.`)
    this.host.secrets.set(SECRETS.session, JSON.stringify(s))
    await this.host.restart()
    this.host.emitStatus()
  }

  private async authCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (e instanceof AuthError) throw new AppError(e.kind === 'network' ? 'UNAVAILABLE' : 'FORBIDDEN', e.message)
      throw e
    }
  }

  async signInPassword(login: string, password: string): Promise<void> {
    const source = this.host.source()
    if (source === 'sandbox') throw new AppError('BAD_INPUT', 'The sandbox has no sign-in: pick a demo user (marked DEMO) instead.')
    if (source === 'postgres') return this.signInPostgres(login, password)
    const s = await this.authCall(() => this.auth().signInWithPassword(login, password))
    await this.storeSession(s)
  }

  async sendMagicLink(email: string): Promise<void> {
    if (this.host.source() !== 'supabase') throw new AppError('BAD_INPUT', 'Sign-in links are for a Supabase project.')
    await this.authCall(() => this.auth().sendMagicLink(email))
  }

  async verifyMagicLink(email: string, token: string): Promise<void> {
    if (this.host.source() !== 'supabase') throw new AppError('BAD_INPUT', 'Sign-in links are for a Supabase project.')
    const s = await this.authCall(() => this.auth().verifyMagicLink(email, token.trim()))
    await this.storeSession(s)
  }

  private signedInSupabase(): AuthSession {
    const s = this.host.source() === 'supabase' ? this.supabaseSession() : null
    if (!s) throw new AppError('FORBIDDEN', 'Sign in first: two-step verification is for a signed-in Supabase user.')
    return s
  }

  async enrollTotp(): Promise<{ factorId: string; secret: string; uri: string }> {
    const s = this.signedInSupabase()
    return this.authCall(() => this.auth().enrollTotp(s, `Wingtel Ops ${new Date().toISOString().slice(0, 10)}`))
  }

  async verifyTotp(code: string, factorId?: string): Promise<void> {
    const s = this.signedInSupabase()
    const auth = this.auth()
    const id = factorId ?? (await this.authCall(() => auth.listFactors(s))).find((f) => f.status === 'verified')?.id
    if (!id) throw new AppError('BAD_INPUT', 'No authenticator is enrolled yet: set one up first (two-step verification).')
    const s2 = await this.authCall(() => auth.verifyTotp(s, id, code))
    await this.storeSession(s2)
  }

  /** Asks the server who `login` is: `select public.app_role()` on that login's own connection. */
  private async askServerRole(login: PgLogin): Promise<SyncRole> {
    const url = this.host.secrets.get(SECRETS.pgUrl)
    if (!url) throw new AppError('BAD_INPUT', 'No Postgres URL is set: choose a source in Settings → Sync.')
    const client = new pg.Client({ connectionString: urlWithLogin(url, login), connectionTimeoutMillis: 10_000 })
    try {
      await client.connect()
      const r = await client.query<{ role: string | null }>('SELECT public.app_role() AS role')
      const role = asRole(r.rows[0]?.role)
      if (!role) throw new AppError('FORBIDDEN', `The server gives login ${login.user} no workstation role: ask an admin to set one.`)
      return role
    } catch (e) {
      if (e instanceof AppError) throw e
      const code = (e as { code?: string }).code
      if (code === '28P01' || code === '28000') throw new AppError('FORBIDDEN', `Sign-in failed: wrong login or password for ${login.user}.`)
      throw new AppError('UNAVAILABLE', `Sign-in: the Postgres server is unreachable (${(e as Error).message}).`)
    } finally {
      await client.end().catch((e: unknown) => log().debug({ err: e }, 'closing the sign-in connection'))
    }
  }

  private async signInPostgres(user: string, password: string): Promise<void> {
    const login = { user, password }
    const role = await this.askServerRole(login)
    this.host.secrets.set(SECRETS.pgLogin, JSON.stringify(login))
    this.host.secrets.set(SECRETS.pgClaims, JSON.stringify({ login: user, role, signedInAt: new Date().toISOString() } satisfies PgClaims))
    await this.host.restart()
    this.host.emitStatus()
  }

  /** Re-authenticates the signed-in person with `password` (and the TOTP `code` when their role requires it). */
  async reauthenticate(password: string, code?: string): Promise<void> {
    const source = this.host.source()
    if (source === 'postgres') {
      const login = this.pgLogin()
      if (!login) throw new AppError('FORBIDDEN', 'Signed out: sign in again.')
      await this.askServerRole({ user: login.user, password })
      return
    }
    const s = this.signedInSupabase()
    const fresh = await this.authCall(() => this.auth().signInWithPassword(s.email, password))
    if (fresh.userId !== s.userId) throw new AppError('FORBIDDEN', 'That is another account: unlock as the person who is signed in.')
    if (needsSecondFactor(fresh)) {
      if (!code) throw new AppError('FORBIDDEN', 'Your role requires two-step verification: enter the 6-digit code as well.')
      await this.storeSession(fresh)
      await this.verifyTotp(code)
      return
    }
    await this.storeSession(fresh)
  }

  /** Revokes the session on the server (when there is one) and removes its secrets from this machine. */
  async signOut(): Promise<void> {
    const s = this.supabaseSession()
    const project = this.host.supabaseProject()
    if (s && project) {
      try {
        await this.authFactory(project.url, project.anonKey).signOut(s)
      } catch (e) {
        // the local secrets go anyway; the server-side session then ends at its expiry
        log().warn({ err: e }, 'revoking the session on the server failed')
      }
    }
    for (const key of [SECRETS.session, SECRETS.pgLogin, SECRETS.pgClaims]) this.host.secrets.delete(key)
    await this.host.restart()
    this.host.emitStatus()
  }
}
