// The workstation's identity through the API (the in-process caller, same validation and gate as the transports),
// against the loopback GoTrue: the role is the JWT's, MFA when the server requires it, magic link, sign-out that
// leaves no secret behind, and the idle lock refusing data server side (issue 11 "Identity", attack 7).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SupabaseAuth } from '../../adapters/supabase-auth'
import { startFakeGoTrue, totpCode, type FakeGoTrue } from '../../adapters/supabase-auth/testing'
import { createApi, createCaller } from '../app'
import { Workspace } from '../store'
import { syncService } from '../sync'

const OP = { email: 'olivia@wingtel.example', password: 'op-pass-1' }
const ADMIN = { email: 'adam@wingtel.example', password: 'admin-pass-1' }

let gotrue: FakeGoTrue
let dir: string
let ws: Workspace
let clock: number
const secretsFile = () => join(dir, 'ws.secrets.json')

beforeAll(async () => {
  gotrue = await startFakeGoTrue({ users: [{ ...OP, role: 'operator' }, { ...ADMIN, role: 'admin', mfaRequired: true }] })
})
afterAll(async () => {
  await gotrue?.close()
})
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-auth-'))
  ws = new Workspace({ dbPath: join(dir, 'ws.sqlite') })
  clock = Date.parse('2026-12-01T09:00:00Z')
})
afterEach(async () => {
  await syncService(ws).close()
  ws.close()
  rmSync(dir, { recursive: true, force: true })
})

async function supabaseApi(idleMinutes = 15) {
  const api = createCaller(createApi(ws, { idleLock: { minutes: idleMinutes, now: () => clock } }))
  await api.sync.setSettings({ source: 'supabase', supabaseUrl: gotrue.url, supabaseAnonKey: 'anon-key-for-tests' })
  return api
}

describe('identity: the role comes from the server', () => {
  it('password sign-in: the role is the JWT app_metadata.role; demo users and role picking are refused', async () => {
    const api = await supabaseApi()
    expect((await api.auth.state()).step).toBe('signed-out')
    await expect(api.console.commit({ previewId: 'x' })).rejects.toThrow(/Sign in first/)
    // sign-in is required with a real backend: signed out, the data stays closed (server side)
    await expect(api.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/Sign in first/)
    await expect(api.auth.signInPassword({ login: OP.email, password: 'nope' })).rejects.toThrow(/Invalid login credentials/)
    const s = await api.auth.signInPassword({ login: OP.email, password: OP.password })
    expect(s).toMatchObject({ mode: 'server', step: 'signed-in', user: { email: OP.email, role: 'operator' }, aal: 'aal1' })
    await api.lines.list({ startRow: 0, endRow: 1 })
    expect(await api.console.session.current()).toMatchObject({ mode: 'server', canCommit: true, user: { role: 'operator', email: OP.email } })
    // attack 7: no workstation-side role choice with a real backend
    await expect(api.console.session.signInDemo({ role: 'admin' })).rejects.toThrow(/role comes from the server/)
    expect((await api.console.session.current()).user?.role).toBe('operator')
  })

  it('magic link: the mailed token signs in', async () => {
    const api = await supabaseApi()
    await api.auth.sendMagicLink({ email: OP.email })
    const mail = gotrue.outbox.filter((m) => m.to === OP.email).at(-1)!
    expect(mail.link).toContain('/auth/v1/verify?token=')
    const s = await api.auth.verifyMagicLink({ email: OP.email, token: mail.token })
    expect(s).toMatchObject({ step: 'signed-in', user: { role: 'operator' } })
  })

  it('MFA required by the server: aal1 cannot commit or sync; enrol + TOTP verify gives aal2', async () => {
    const api = await supabaseApi()
    const s = await api.auth.signInPassword({ login: ADMIN.email, password: ADMIN.password })
    expect(s).toMatchObject({ step: 'mfa-challenge', aal: 'aal1', user: { role: 'admin' } })
    await expect(api.console.commit({ previewId: 'x' })).rejects.toThrow(/two-step verification/)
    await expect(api.sync.pullNow({})).rejects.toThrow(/two-step verification/)
    await expect(api.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/two-step verification/)
    const e = await api.auth.enrollTotp()
    expect(e.uri).toMatch(/^otpauth:\/\/totp\/Wingtel%20Ops:adam%40wingtel\.example\?secret=/)
    await expect(api.auth.verifyTotp({ code: totpCode(e.secret, gotrue.now() * 1000) === '123456' ? '654321' : '123456', factorId: e.factorId })).rejects.toThrow(/Invalid TOTP code/)
    const s2 = await api.auth.verifyTotp({ code: totpCode(e.secret, gotrue.now() * 1000), factorId: e.factorId })
    expect(s2).toMatchObject({ step: 'signed-in', aal: 'aal2' })
    expect(await api.console.session.current()).toMatchObject({ canCommit: true, user: { role: 'admin' } })
  })

  it('sign-out revokes the session on the server and removes every secret of it from the machine', async () => {
    const api = await supabaseApi()
    await api.auth.signInPassword({ login: OP.email, password: OP.password })
    const before = readFileSync(secretsFile(), 'utf8')
    const saved = JSON.parse(JSON.parse(before).supabase_session) as { accessToken: string; refreshToken: string }
    expect(saved.refreshToken).toBeTruthy()
    const s = await api.auth.signOut()
    expect(s).toMatchObject({ step: 'signed-out', user: null })
    const after = existsSync(secretsFile()) ? readFileSync(secretsFile(), 'utf8') : ''
    expect(after).not.toContain(saved.refreshToken)
    expect(after).not.toContain(saved.accessToken)
    expect(after).not.toContain('supabase_session')
    // and the server no longer honours the refresh token
    await expect(new SupabaseAuth(gotrue.url, 'k').refresh(saved.refreshToken)).rejects.toMatchObject({ kind: 'expired' })
    expect(await api.console.session.current()).toMatchObject({ user: null, canCommit: false })
  })
})

describe('the idle lock (server side)', () => {
  it('after the idle minutes every data procedure is refused until the password unlocks it', async () => {
    const api = await supabaseApi(15)
    await api.auth.signInPassword({ login: OP.email, password: OP.password })
    await api.lines.list({ startRow: 0, endRow: 1 })
    clock += 14 * 60_000
    await api.auth.touch()
    clock += 14 * 60_000
    // activity 14 minutes ago: still open
    await api.lines.list({ startRow: 0, endRow: 1 })
    clock += 2 * 60_000
    await expect(api.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/locked after 15 idle minutes/)
    await expect(api.console.history({})).rejects.toThrow(/locked/)
    await expect(api.sync.pullNow({})).rejects.toThrow(/locked/)
    expect((await api.auth.state()).locked).toBe(true)
    // input does not unlock it, a wrong password does not either
    expect(await api.auth.touch()).toEqual({ locked: true })
    await expect(api.auth.unlock({})).rejects.toThrow(/Enter your password/)
    await expect(api.auth.unlock({ password: 'wrong' })).rejects.toThrow(/Invalid login credentials/)
    expect((await api.auth.state()).locked).toBe(true)
    const s = await api.auth.unlock({ password: OP.password })
    expect(s.locked).toBe(false)
    await api.lines.list({ startRow: 0, endRow: 1 })
  })

  it('an explicit lock (the OS or the user) locks at once; 0 minutes never locks by itself', async () => {
    const api = await supabaseApi(0)
    await api.auth.signInPassword({ login: OP.email, password: OP.password })
    clock += 24 * 3600_000
    await api.lines.list({ startRow: 0, endRow: 1 })
    await api.auth.lock()
    await expect(api.lines.list({ startRow: 0, endRow: 1 })).rejects.toThrow(/locked/)
    expect((await api.workspace.status()).state).toBeDefined()
    await api.auth.unlock({ password: OP.password })
    await api.lines.list({ startRow: 0, endRow: 1 })
  })
})
