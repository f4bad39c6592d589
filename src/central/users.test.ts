// Personal Postgres logins (issue 11, attack 7b): the SCRAM verifier and addPersonalLogin (the CLI's `central user add`
// with two people connecting as themselves: src/cli/central-user.test.ts).
import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { centralWithLogins } from './test-logins'
import { addPersonalLogin, scramVerifier } from './users'

describe('scramVerifier', () => {
  it('matches RFC 7677: the server signature and the client proof of its example check out', () => {
    const v = scramVerifier('pencil', { salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 })
    const [, keys] = v.split('$').slice(1)
    const [stored, server] = keys.split(':').map((k) => Buffer.from(k, 'base64'))
    const auth =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
    expect(createHmac('sha256', server).update(auth).digest('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64')
    const signature = createHmac('sha256', stored).update(auth).digest()
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]))
    expect(createHash('sha256').update(clientKey).digest()).toEqual(stored)
    expect(v.startsWith('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$')).toBe(true)
  })
})

describe('addPersonalLogin (issue 11 attack 7b)', () => {
  const t = centralWithLogins()

  it('stores a verifier, never the password, and maps the login; bad input is refused with the reason', async () => {
    const login = t.loginName()
    const r = await addPersonalLogin(t.db.client, { login, email: 'ann@wingtel.example', role: 'operator', password: 'correct horse' })
    expect(r.created).toBe(true)
    const stored = (await t.db.client.query<{ p: string | null }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [login])).rows[0].p
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/) // taken as a verifier (a clear text would have been hashed anew)
    expect(stored).not.toContain('correct horse')
    const again = await addPersonalLogin(t.db.client, { login, email: 'ann@wingtel.example', role: 'admin', password: 'another one' })
    expect(again).toEqual({ userId: r.userId, created: false })
    await expect(addPersonalLogin(t.db.client, { login: 'Robert"; DROP', email: 'x', role: 'operator', password: 'short' })).rejects.toThrow(
      /--login must be a lower-case Postgres role name.*--email must be an e-mail address.*at least 8 characters/,
    )
    await expect(addPersonalLogin(t.db.client, { login: 'postgres', email: 'p@x.y', role: 'admin', password: 'whatever1' })).rejects.toThrow(
      'the role postgres is a superuser or bypasses row-level security: a personal login must be an ordinary role',
    )
  })
})
