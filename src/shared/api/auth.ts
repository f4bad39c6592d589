// Identity on the workstation (issue 11 "Identity"): who is signed in, how (the server's JWT, a direct-Postgres login,
// or a sandbox demo user), the second factor, sign-out and the idle lock. The role is the server's answer, never
// chosen here, except for the sandbox's demo users (mode 'demo', shown with a DEMO badge).
import { z } from 'zod'
import type { SyncSource } from './sync'

export type AuthStep = 'signed-out' | 'mfa-enrol' | 'mfa-challenge' | 'signed-in'

export interface AuthState {
  source: SyncSource
  /** 'demo': a sandbox demo user picked on this machine; 'server': the role the server gave the signed-in person */
  mode: 'demo' | 'server'
  step: AuthStep
  user: { id: string; email: string; role: string | null } | null
  /** the JWT's assurance level (Supabase), null elsewhere */
  aal: 'aal1' | 'aal2' | null
  /** locked after idle: every data procedure is refused until unlock */
  locked: boolean
  /** 0: the idle lock is off */
  idleLockMinutes: number
  /** what unlocking takes: the password (re-auth against the server) or nothing (the sandbox's demo) */
  unlockWith: 'password' | 'none'
}

export interface TotpEnrolment {
  factorId: string
  secret: string
  /** otpauth:// URI (what a QR code would carry) */
  uri: string
}

export const passwordSignInInput = z.object({
  /** the email (Supabase) or the Postgres login name (direct Postgres) */
  login: z.string().min(1).max(320),
  password: z.string().min(1).max(500),
})
export const magicLinkInput = z.object({ email: z.email().max(320) })
export const magicVerifyInput = z.object({ email: z.email().max(320), token: z.string().min(6).max(200) })
export const totpVerifyInput = z.object({ code: z.string().regex(/^\d{6}$/, 'the 6-digit code from your authenticator app'), factorId: z.string().max(100).optional() })
export const unlockInput = z.object({ password: z.string().max(500).optional(), code: z.string().max(6).optional() })

export interface AuthApi {
  state(): Promise<AuthState>
  signInPassword(input: z.infer<typeof passwordSignInInput>): Promise<AuthState>
  sendMagicLink(input: z.infer<typeof magicLinkInput>): Promise<{ sent: true }>
  verifyMagicLink(input: z.infer<typeof magicVerifyInput>): Promise<AuthState>
  enrollTotp(): Promise<TotpEnrolment>
  verifyTotp(input: z.infer<typeof totpVerifyInput>): Promise<AuthState>
  signOut(): Promise<AuthState>
  lock(): Promise<AuthState>
  unlock(input: z.infer<typeof unlockInput>): Promise<AuthState>
  /** the person is active (the UI calls it on input, throttled); the idle timer starts again */
  touch(): Promise<{ locked: boolean }>
  /**
   * Not a procedure: every procedure outside `auth.*` (and the few listed open) calls it first; it throws FORBIDDEN
   * while the workstation is locked. Server side, so a locked app refuses data whatever its UI shows.
   */
  guard(path: string): void
}

/** Procedures a locked workstation still answers: its own identity, and the status bar's workspace state. */
export const OPEN_WHEN_LOCKED = ['workspace.status', 'sync.status', 'sync.getSettings', 'console.session.current']

/** With a real backend and nobody signed in, these too stay open: choosing the backend and signing in to it. */
export const OPEN_WHEN_SIGNED_OUT = [...OPEN_WHEN_LOCKED, 'sync.setSettings', 'sync.signIn', 'sync.signOut', 'console.session.users']
