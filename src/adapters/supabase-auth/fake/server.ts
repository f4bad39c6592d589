// A loopback GoTrue (Supabase Auth) speaking the subset the workstation uses, on the real paths under /auth/v1 with
// GoTrue's JSON and error shapes:
//   POST /token?grant_type=password|refresh_token   sessions; refresh tokens rotate (each is spent once)
//   GET  /user                                      the user of a bearer JWT (403 session_not_found after logout)
//   POST /logout?scope=local|global                 revokes the session(s): their refresh tokens stop working
//   POST /otp, POST /verify                         magic link: the "email" lands in `outbox` (link + 6-digit token)
//   POST /factors, /factors/:id/challenge, /factors/:id/verify   TOTP MFA (RFC 6238, node:crypto) → an aal2 session
// JWTs are signed as Supabase signs them: HS256 with the project's JWT secret, claims sub, email, role
// 'authenticated', aud, iat, exp, aal, amr, session_id and app_metadata (role, mfa_required). The clock is the
// server's own: a test expires a session by moving it forward (`advance`). `fallback` serves any other path (the
// Supabase remote's test puts PostgREST there).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { newTotpSecret, otpauthUri, totpValid } from '../totp'

export interface FakeUser {
  email: string
  password: string
  /** app_metadata.role */
  role: string
  id?: string
  /** app_metadata.mfa_required */
  mfaRequired?: boolean
}

export interface MagicLinkMail {
  to: string
  /** the 6-digit code in the mail */
  token: string
  /** the link in the mail (GET /auth/v1/verify?token=<hash>&type=magiclink) */
  link: string
}

interface Factor {
  id: string
  friendly_name: string
  factor_type: 'totp'
  status: 'verified' | 'unverified'
  secret: string
  created_at: string
  updated_at: string
}

interface UserRec extends Required<Omit<FakeUser, 'mfaRequired'>> {
  mfaRequired: boolean
  factors: Factor[]
}

interface SessionRec {
  id: string
  email: string
  aal: 'aal1' | 'aal2'
  amr: Array<{ method: string; timestamp: number }>
  revoked: boolean
}

export interface FakeGoTrueOptions {
  users: FakeUser[]
  jwtSecret?: string
  /** access token lifetime, seconds */
  expiresIn?: number
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<void>
}

export interface FakeGoTrue {
  /** the project URL (auth at `${url}/auth/v1`) */
  url: string
  jwtSecret: string
  outbox: MagicLinkMail[]
  /** every request, `METHOD /path?query` */
  calls: string[]
  /** false: every refresh is refused (a revoked refresh token) */
  refreshOk: boolean
  users: Map<string, UserRec>
  /** the server clock, epoch seconds */
  now(): number
  /** moves the server clock forward */
  advance(seconds: number): void
  signJwt(claims: Record<string, unknown>): string
  /** the claims of a valid, unexpired JWT this server signed, or PostgREST's refusal text */
  verifyJwt(token: string): { claims: Record<string, unknown> } | { refusal: string }
  /** a fresh session JSON for `email`, as /token answers */
  issueSession(email: string): Record<string, unknown>
  close(): Promise<void>
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const ch of req) chunks.push(ch as Buffer)
  const s = Buffer.concat(chunks).toString('utf8')
  if (!s) return null
  try {
    return JSON.parse(s)
  } catch {
    return { __malformed: s }
  }
}

export function send(res: ServerResponse, status: number, payload: unknown, raw = false): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(raw ? String(payload) : JSON.stringify(payload))
}

/** GoTrue's error shape. */
const fail = (res: ServerResponse, status: number, errorCode: string, msg: string) => send(res, status, { code: status, error_code: errorCode, msg })

class GoTrue implements FakeGoTrue {
  url = ''
  readonly jwtSecret: string
  outbox: MagicLinkMail[] = []
  calls: string[] = []
  refreshOk = true
  readonly users: Map<string, UserRec>
  private clockAhead = 0
  private expiresIn: number
  private sessions = new Map<string, SessionRec>()
  /** refresh token → session id */
  private refreshTokens = new Map<string, string>()
  private otps = new Map<string, { email: string; token: string; hash: string; exp: number }>()
  private challenges = new Map<string, { factorId: string; exp: number }>()
  readonly http: Server

  constructor(private opts: FakeGoTrueOptions) {
    this.jwtSecret = opts.jwtSecret ?? `fake-gotrue-${randomBytes(8).toString('hex')}`
    this.expiresIn = opts.expiresIn ?? 3600
    this.users = new Map(
      opts.users.map((u) => [u.email, { email: u.email, password: u.password, role: u.role, id: u.id ?? randomUUID(), mfaRequired: u.mfaRequired ?? false, factors: [] }]),
    )
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => send(res, 500, { code: 500, error_code: 'unexpected_failure', msg: String(e) }))
    })
  }

  now = () => Math.floor(Date.now() / 1000) + this.clockAhead
  advance = (s: number) => {
    this.clockAhead += s
  }
  private hs256 = (data: string) => createHmac('sha256', this.jwtSecret).update(data).digest()

  signJwt = (claims: Record<string, unknown>) => {
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
    return `${body}.${this.hs256(body).toString('base64url')}`
  }

  verifyJwt = (token: string): { claims: Record<string, unknown> } | { refusal: string } => {
    const parts = token.split('.')
    if (parts.length !== 3) return { refusal: `JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got ${parts.length})` }
    const sig = Buffer.from(parts[2], 'base64url')
    const want = this.hs256(`${parts[0]}.${parts[1]}`)
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return { refusal: 'JWSError JWSInvalidSignature' }
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>
    if (typeof claims.exp !== 'number' || claims.exp <= this.now()) return { refusal: 'JWT expired' }
    return { claims }
  }

  issueSession = (email: string) => this.newSession(email, 'password')

  close = () =>
    new Promise<void>((r) => {
      this.http.closeAllConnections()
      this.http.close(() => r())
    })

  private appMetadata(u: UserRec) {
    return { provider: 'email', providers: ['email'], role: u.role, ...(u.mfaRequired ? { mfa_required: true } : {}) }
  }

  private userJson(u: UserRec) {
    return {
      id: u.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: u.email,
      app_metadata: this.appMetadata(u),
      user_metadata: {},
      factors: u.factors.map(({ secret: _secret, ...f }) => f),
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    }
  }

  /** A session JSON for the session record `s` (a new access token and a new refresh token). */
  private sessionJson(s: SessionRec) {
    const u = this.users.get(s.email)!
    const iat = this.now()
    const exp = iat + this.expiresIn
    const refresh = randomBytes(16).toString('hex')
    this.refreshTokens.set(refresh, s.id)
    const access = this.signJwt({
      aud: 'authenticated',
      exp,
      iat,
      iss: `${this.url}/auth/v1`,
      sub: u.id,
      email: u.email,
      role: 'authenticated',
      aal: s.aal,
      amr: s.amr,
      session_id: s.id,
      app_metadata: this.appMetadata(u),
      user_metadata: {},
      is_anonymous: false,
    })
    return { access_token: access, token_type: 'bearer', expires_in: this.expiresIn, expires_at: exp, refresh_token: refresh, user: this.userJson(u) }
  }

  private newSession(email: string, method: string) {
    const s: SessionRec = { id: randomUUID(), email, aal: 'aal1', amr: [{ method, timestamp: this.now() }], revoked: false }
    this.sessions.set(s.id, s)
    return this.sessionJson(s)
  }

  /** The bearer's live session and user, or null with the refusal already sent. */
  private bearer(req: IncomingMessage, res: ServerResponse): { s: SessionRec; u: UserRec } | null {
    const auth = req.headers.authorization ?? ''
    const v = auth.startsWith('Bearer ') ? this.verifyJwt(auth.slice(7)) : { refusal: 'no bearer token' }
    if ('refusal' in v) {
      fail(res, 401, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${v.refusal}`)
      return null
    }
    const s = this.sessions.get(String(v.claims.session_id))
    if (!s || s.revoked) {
      fail(res, 403, 'session_not_found', 'Session from session_id claim in JWT does not exist')
      return null
    }
    return { s, u: this.users.get(s.email)! }
  }

  private token(url: URL, input: Record<string, unknown>, res: ServerResponse): void {
    const grant = url.searchParams.get('grant_type')
    if (grant === 'password') {
      const u = this.users.get(String(input.email ?? ''))
      if (u && input.password === u.password) return send(res, 200, this.newSession(u.email, 'password'))
      return fail(res, 400, 'invalid_credentials', 'Invalid login credentials')
    }
    if (grant === 'refresh_token') {
      const rt = String(input.refresh_token ?? '')
      const s = this.sessions.get(this.refreshTokens.get(rt) ?? '')
      this.refreshTokens.delete(rt)
      if (!this.refreshOk || !s || s.revoked) return fail(res, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      return send(res, 200, this.sessionJson(s))
    }
    return fail(res, 400, 'validation_failed', `unsupported grant_type ${grant}`)
  }

  private otp(input: Record<string, unknown>, res: ServerResponse): void {
    const email = String(input.email ?? '')
    if (!this.users.has(email)) return fail(res, 422, 'otp_disabled', 'Signups not allowed for otp')
    const code = String(randomBytes(4).readUInt32BE() % 1e6).padStart(6, '0')
    const hash = randomBytes(20).toString('hex')
    this.otps.set(hash, { email, token: code, hash, exp: this.now() + 3600 })
    this.outbox.push({ to: email, token: code, link: `${this.url}/auth/v1/verify?token=${hash}&type=magiclink` })
    return send(res, 200, {})
  }

  private verify(input: Record<string, unknown>, res: ServerResponse): void {
    const hash = typeof input.token_hash === 'string' ? input.token_hash : null
    const found = hash ? this.otps.get(hash) : [...this.otps.values()].find((o) => o.email === input.email && o.token === input.token)
    if (!found || found.exp <= this.now()) return fail(res, 403, 'otp_expired', 'Token has expired or is invalid')
    this.otps.delete(found.hash)
    return send(res, 200, this.newSession(found.email, 'otp'))
  }

  private factors(req: IncomingMessage, url: URL, input: Record<string, unknown>, res: ServerResponse): void {
    const who = this.bearer(req, res)
    if (!who) return
    const { s, u } = who
    const m = /^\/auth\/v1\/factors(?:\/([^/]+)\/(challenge|verify))?$/.exec(url.pathname)
    if (!m) return fail(res, 404, 'not_found', `no route ${url.pathname}`)
    if (!m[1]) {
      if (input.factor_type !== 'totp') return fail(res, 422, 'mfa_factor_type_not_supported', 'only totp factors here')
      const secret = newTotpSecret()
      const at = new Date(this.now() * 1000).toISOString()
      const f: Factor = { id: randomUUID(), friendly_name: String(input.friendly_name ?? ''), factor_type: 'totp', status: 'unverified', secret, created_at: at, updated_at: at }
      u.factors.push(f)
      const uri = otpauthUri(secret, u.email, String(input.issuer ?? 'Supabase'))
      return send(res, 200, { id: f.id, type: 'totp', friendly_name: f.friendly_name, totp: { qr_code: '', secret, uri } })
    }
    const f = u.factors.find((x) => x.id === m[1])
    if (!f) return fail(res, 404, 'mfa_factor_not_found', 'Factor not found')
    if (m[2] === 'challenge') {
      const id = randomUUID()
      this.challenges.set(id, { factorId: f.id, exp: this.now() + 300 })
      return send(res, 200, { id, type: 'totp', expires_at: this.now() + 300 })
    }
    const ch = this.challenges.get(String(input.challenge_id ?? ''))
    if (!ch || ch.factorId !== f.id || ch.exp <= this.now()) return fail(res, 422, 'mfa_challenge_expired', 'MFA challenge has expired, verify against another challenge')
    if (!totpValid(f.secret, String(input.code ?? ''), this.now() * 1000)) return fail(res, 422, 'mfa_verification_failed', 'Invalid TOTP code entered')
    this.challenges.delete(String(input.challenge_id))
    f.status = 'verified'
    s.aal = 'aal2'
    s.amr = [{ method: 'totp', timestamp: this.now() }, ...s.amr]
    return send(res, 200, this.sessionJson(s))
  }

  private logout(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const who = this.bearer(req, res)
    if (!who) return
    const scope = url.searchParams.get('scope') ?? 'global'
    for (const s of this.sessions.values()) if (scope === 'global' ? s.email === who.s.email : s.id === who.s.id) s.revoked = true
    res.writeHead(204).end()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const body = await readBody(req)
    this.calls.push(`${req.method} ${url.pathname}${url.search}`)
    const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
    const p = url.pathname
    const post = req.method === 'POST'
    if (p === '/auth/v1/token' && post) return this.token(url, input, res)
    if (p === '/auth/v1/user' && req.method === 'GET') {
      const who = this.bearer(req, res)
      return who ? send(res, 200, this.userJson(who.u)) : undefined
    }
    if (p === '/auth/v1/logout' && post) return this.logout(req, url, res)
    if (p === '/auth/v1/otp' && post) return this.otp(input, res)
    if (p === '/auth/v1/verify' && post) return this.verify(input, res)
    if (p.startsWith('/auth/v1/factors') && post) return this.factors(req, url, input, res)
    if (this.opts.fallback && !p.startsWith('/auth/')) return this.opts.fallback(req, res, url, body)
    return send(res, 404, { code: 404, error_code: 'not_found', msg: `no route ${req.method} ${p}` })
  }
}

export async function startFakeGoTrue(opts: FakeGoTrueOptions): Promise<FakeGoTrue> {
  const g = new GoTrue(opts)
  await new Promise<void>((r) => g.http.listen(0, '127.0.0.1', r))
  g.url = `http://127.0.0.1:${(g.http.address() as AddressInfo).port}`
  return g
}
