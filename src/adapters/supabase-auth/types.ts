// The types of the identity adapter (index.ts re-exports them; supabase.ts and the fake import them from here).
export type Aal = 'aal1' | 'aal2'

export interface AuthSession {
  accessToken: string
  refreshToken: string
  /** epoch seconds */
  expiresAt: number | null
  userId: string
  email: string
  /** the JWT's app_metadata.role (null: the server gave this person no role) */
  role: string | null
  aal: Aal
  /** the authentication methods of this session, e.g. ['password'] or ['password', 'totp'] */
  amr: string[]
  sessionId: string | null
  /** the server requires a second factor for this person (app_metadata.mfa_required) */
  mfaRequired: boolean
}

export interface TotpFactor {
  id: string
  friendlyName: string | null
  status: 'verified' | 'unverified'
}

export interface TotpEnrolment {
  factorId: string
  /** the base32 secret, to type into an authenticator app */
  secret: string
  /** otpauth:// URI (what a QR code would carry) */
  uri: string
}

export type AuthErrorKind = 'credentials' | 'expired' | 'network' | 'mfa' | 'server'

export class AuthError extends Error {
  constructor(
    readonly kind: AuthErrorKind,
    message: string,
    readonly status = 0,
  ) {
    super(message)
    this.name = 'AuthError'
  }
}

export interface AuthClient {
  signInWithPassword(email: string, password: string): Promise<AuthSession>
  /** emails a magic link (and its 6-digit code); resolves once the server accepted it */
  sendMagicLink(email: string): Promise<void>
  /** the token of the link (or the code in the email) for `email` → a session (verifyOtp) */
  verifyMagicLink(email: string, token: string): Promise<AuthSession>
  /** a new session from the refresh token (GoTrue rotates it: the old one is spent) */
  refresh(refreshToken: string): Promise<AuthSession>
  /** revokes the session on the server (its refresh tokens stop working) */
  signOut(session: AuthSession): Promise<void>
  listFactors(session: AuthSession): Promise<TotpFactor[]>
  enrollTotp(session: AuthSession, friendlyName: string): Promise<TotpEnrolment>
  /** challenge + verify: the aal2 session */
  verifyTotp(session: AuthSession, factorId: string, code: string): Promise<AuthSession>
}

/** The payload of a JWT, unverified (the server verifies it on every call; the workstation only reads its claims). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1]
  if (!part) throw new AuthError('server', 'The server sent a malformed access token.')
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    throw new AuthError('server', 'The server sent a malformed access token.')
  }
}

/** An AuthSession from GoTrue's session JSON (snake_case), its claims read from the access token. */
export function sessionFromGoTrue(s: { access_token: string; refresh_token: string; expires_at?: number; user?: { id?: string; email?: string } | null }): AuthSession {
  const c = jwtClaims(s.access_token)
  const meta = (c.app_metadata ?? {}) as Record<string, unknown>
  const amr = Array.isArray(c.amr) ? c.amr.map((m) => (typeof m === 'string' ? m : String((m as { method?: unknown }).method ?? ''))) : []
  return {
    accessToken: s.access_token,
    refreshToken: s.refresh_token,
    expiresAt: s.expires_at ?? (typeof c.exp === 'number' ? c.exp : null),
    userId: s.user?.id ?? String(c.sub ?? ''),
    email: s.user?.email ?? String(c.email ?? ''),
    role: typeof meta.role === 'string' ? meta.role : null,
    aal: c.aal === 'aal2' ? 'aal2' : 'aal1',
    amr,
    sessionId: typeof c.session_id === 'string' ? c.session_id : null,
    mfaRequired: meta.mfa_required === true,
  }
}

/** Whether the session may proceed: not when the server requires MFA and the JWT is still aal1. */
export function needsSecondFactor(s: AuthSession): boolean {
  return s.mfaRequired && s.aal !== 'aal2'
}
