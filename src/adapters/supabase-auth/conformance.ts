// The suite every AuthClient must pass, written against the interface only. `env` provides the people the server
// knows, how to read the magic-link mail it sent, and the server's clock (for TOTP codes).
import { describe, expect, it } from 'vitest'
import { AuthError, needsSecondFactor, type AuthClient } from './types'
import { totpCode } from './totp'

export interface ConformanceEnv {
  client: () => AuthClient
  /** an operator without MFA and an admin whose role requires it */
  operator: { email: string; password: string }
  admin: { email: string; password: string }
  /** the token of the last magic link mailed to `email` */
  lastMailToken(email: string): string
  /** the server's clock, epoch milliseconds */
  serverNowMs(): number
}

export function authConformance(name: string, env: () => ConformanceEnv): void {
  describe(`AuthClient conformance: ${name}`, () => {
    it('email + password: the role and aal come from the server-signed JWT; a wrong password is a clear error', async () => {
      const { client, operator } = env()
      const s = await client().signInWithPassword(operator.email, operator.password)
      expect(s).toMatchObject({ email: operator.email, role: 'operator', aal: 'aal1', mfaRequired: false })
      expect(s.amr).toContain('password')
      expect(s.sessionId).toBeTruthy()
      const err = await client()
        .signInWithPassword(operator.email, 'wrong')
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AuthError)
      expect((err as AuthError).kind).toBe('credentials')
      expect((err as Error).message).toMatch(/Sign-in failed: Invalid login credentials/)
    })

    it('magic link: the mailed token signs in once', async () => {
      const { client, operator, lastMailToken } = env()
      await client().sendMagicLink(operator.email)
      const tokenText = lastMailToken(operator.email)
      const s = await client().verifyMagicLink(operator.email, tokenText)
      expect(s).toMatchObject({ email: operator.email, role: 'operator' })
      await expect(client().verifyMagicLink(operator.email, tokenText)).rejects.toThrow(/expired or is invalid/)
    })

    it('refresh rotates the token; sign-out revokes the session', async () => {
      const { client, operator } = env()
      const s = await client().signInWithPassword(operator.email, operator.password)
      const s2 = await client().refresh(s.refreshToken)
      expect(s2.refreshToken).not.toBe(s.refreshToken)
      expect(s2.sessionId).toBe(s.sessionId)
      await expect(client().refresh(s.refreshToken)).rejects.toMatchObject({ kind: 'expired' })
      await client().signOut(s2)
      await expect(client().refresh(s2.refreshToken)).rejects.toMatchObject({ kind: 'expired' })
    })

    it('TOTP MFA: enrol (secret + otpauth URI), challenge and verify raise the session to aal2; a wrong code is refused', async () => {
      const { client, admin, serverNowMs } = env()
      const s = await client().signInWithPassword(admin.email, admin.password)
      expect(s.mfaRequired).toBe(true)
      expect(needsSecondFactor(s)).toBe(true)
      const e = await client().enrollTotp(s, 'phone')
      expect(e.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/)
      expect((await client().listFactors(s)).find((f) => f.id === e.factorId)?.status).toBe('unverified')
      await expect(client().verifyTotp(s, e.factorId, '000000' === totpCode(e.secret, serverNowMs()) ? '111111' : '000000')).rejects.toThrow(/Invalid TOTP code/)
      const s2 = await client().verifyTotp(s, e.factorId, totpCode(e.secret, serverNowMs()))
      expect(s2).toMatchObject({ aal: 'aal2', role: 'admin' })
      expect(s2.amr).toContain('totp')
      expect(needsSecondFactor(s2)).toBe(false)
      expect((await client().listFactors(s2)).find((f) => f.id === e.factorId)?.status).toBe('verified')
    })
  })
}
