// The real AuthClient: supabase-js `auth` against a Supabase project's GoTrue. No persistence and no refresh timers in
// supabase-js: the workstation keeps the session in its secret store and hands it in for each call that needs one.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { AuthError, sessionFromGoTrue, type AuthClient, type AuthSession, type TotpEnrolment, type TotpFactor } from './types'

const CLIENT_OPTS = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }

interface GoTrueError {
  message?: string
  status?: number
  code?: string
}

function failure(what: string, e: GoTrueError | null | undefined): AuthError {
  const status = e?.status ?? 0
  const msg = e?.message ?? 'no session returned'
  if (status === 0 || status >= 500) return new AuthError('network', `${what}: the sign-in server is unreachable (${msg})`, status)
  if (e?.code === 'session_not_found' || e?.code === 'refresh_token_not_found' || /refresh token/i.test(msg)) {
    return new AuthError('expired', `${what}: your session has ended, sign in again (${msg})`, status)
  }
  if (/mfa|factor|totp|code/i.test(`${e?.code ?? ''} ${msg}`) && what.startsWith('Two-step')) return new AuthError('mfa', `${what} failed: ${msg}`, status)
  return new AuthError('credentials', `${what} failed: ${msg}`, status)
}

async function call<T extends { error: GoTrueError | null }>(what: string, p: () => Promise<T>): Promise<T> {
  let r: T
  try {
    r = await p()
  } catch (e) {
    throw new AuthError('network', `${what}: the sign-in server is unreachable (${(e as Error).message})`)
  }
  if (r.error) throw failure(what, r.error)
  return r
}

export class SupabaseAuth implements AuthClient {
  constructor(
    private url: string,
    private anonKey: string,
  ) {}

  private client(): SupabaseClient {
    return createClient(this.url, this.anonKey, { auth: CLIENT_OPTS })
  }

  /** A client holding `session` (supabase-js checks it against /user), for the calls made as the person. */
  private async as(session: AuthSession): Promise<SupabaseClient> {
    const c = this.client()
    await call('Restoring the session', () => c.auth.setSession({ access_token: session.accessToken, refresh_token: session.refreshToken }))
    return c
  }

  async signInWithPassword(email: string, password: string): Promise<AuthSession> {
    const r = await call('Sign-in', () => this.client().auth.signInWithPassword({ email, password }))
    if (!r.data.session) throw new AuthError('credentials', 'Sign-in failed: no session returned')
    return sessionFromGoTrue(r.data.session)
  }

  async sendMagicLink(email: string): Promise<void> {
    await call('Sending the sign-in link', () => this.client().auth.signInWithOtp({ email, options: { shouldCreateUser: false } }))
  }

  async verifyMagicLink(email: string, token: string): Promise<AuthSession> {
    const r = await call('Signing in with the link', () => this.client().auth.verifyOtp({ email, token, type: 'magiclink' }))
    if (!r.data.session) throw new AuthError('credentials', 'Signing in with the link failed: no session returned')
    return sessionFromGoTrue(r.data.session)
  }

  async refresh(refreshToken: string): Promise<AuthSession> {
    const r = await call('Refreshing the session', () => this.client().auth.refreshSession({ refresh_token: refreshToken }))
    if (!r.data.session) throw new AuthError('expired', 'Refreshing the session: your session has ended, sign in again')
    return sessionFromGoTrue(r.data.session)
  }

  async signOut(session: AuthSession): Promise<void> {
    const c = await this.as(session).catch((e: unknown) => {
      // an ended session needs no revoking
      if (e instanceof AuthError && e.kind === 'expired') return null
      throw e
    })
    if (c) await call('Signing out', () => c.auth.signOut({ scope: 'local' }))
  }

  async listFactors(session: AuthSession): Promise<TotpFactor[]> {
    const c = await this.as(session)
    const r = await call('Listing two-step factors', () => c.auth.mfa.listFactors())
    return (r.data?.all ?? [])
      .filter((f) => f.factor_type === 'totp')
      .map((f) => ({ id: f.id, friendlyName: f.friendly_name ?? null, status: f.status === 'verified' ? 'verified' : 'unverified' }))
  }

  async enrollTotp(session: AuthSession, friendlyName: string): Promise<TotpEnrolment> {
    const c = await this.as(session)
    const r = await call('Two-step enrolment', () => c.auth.mfa.enroll({ factorType: 'totp', friendlyName, issuer: 'Wingtel Ops' }))
    const d = r.data as { id: string; totp: { secret: string; uri: string } }
    return { factorId: d.id, secret: d.totp.secret, uri: d.totp.uri }
  }

  async verifyTotp(session: AuthSession, factorId: string, code: string): Promise<AuthSession> {
    const c = await this.as(session)
    const ch = await call('Two-step challenge', () => c.auth.mfa.challenge({ factorId }))
    const challengeId = (ch.data as { id: string }).id
    const v = await call('Two-step verification', () => c.auth.mfa.verify({ factorId, challengeId, code }))
    const d = v.data as { access_token: string; refresh_token: string; expires_in: number; user: { id: string; email?: string } }
    return sessionFromGoTrue(d)
  }
}
