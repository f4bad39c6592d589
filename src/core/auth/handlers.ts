// The auth API: the state of this workstation's identity, sign-in (password, magic link, TOTP), sign-out and the idle
// lock. It composes sync's Identity (the server's view of the person) with the console's sandbox demo session.
import { OPEN_WHEN_SIGNED_OUT, type AuthApi, type AuthState } from '../../shared/api/auth'
import { AppError } from '../../shared/api/errors'
import { currentSession, signOutDemo } from '../console'
import type { Workspace } from '../store'
import { syncService } from '../sync'
import { IdleLock, type IdleLockOptions } from './lock'

const locks = new WeakMap<Workspace, IdleLock>()

/** The workspace's idle lock (one per workspace, made on first use with `opts`). */
export function idleLockFor(ws: Workspace, opts: IdleLockOptions = { minutes: 0 }): IdleLock {
  let l = locks.get(ws)
  if (!l) {
    l = new IdleLock(opts)
    locks.set(ws, l)
  }
  return l
}

export function authHandlers(ws: Workspace, opts: { idleLock?: IdleLockOptions } = {}): AuthApi {
  const lock = idleLockFor(ws, opts.idleLock)
  const svc = () => syncService(ws)

  const state = (): AuthState => {
    const s = svc()
    const source = s.source()
    const base = { source, locked: lock.locked, idleLockMinutes: lock.minutes }
    if (source === 'sandbox') {
      const demo = currentSession(ws)
      const user = demo.user ? { id: demo.user.id, email: demo.user.email, role: demo.user.role } : null
      return { ...base, mode: 'demo', step: user ? 'signed-in' : 'signed-out', user, aal: null, unlockWith: 'none' }
    }
    const id = s.identity.current()
    const user = id.state === 'signed-out' ? null : { id: id.userId, email: id.email, role: id.role }
    const step = id.state === 'mfa-required' ? 'mfa-challenge' : id.state
    return { ...base, mode: 'server', step, user, aal: id.aal, unlockWith: 'password' }
  }
  const notLocked = () => {
    if (lock.locked) throw new AppError('FORBIDDEN', 'Wingtel Ops is locked: unlock it first.')
  }

  return {
    state: async () => state(),
    async signInPassword({ login, password }) {
      notLocked()
      await svc().identity.signInPassword(login, password)
      return state()
    },
    async sendMagicLink({ email }) {
      notLocked()
      await svc().identity.sendMagicLink(email)
      return { sent: true }
    },
    async verifyMagicLink({ email, token }) {
      notLocked()
      await svc().identity.verifyMagicLink(email, token)
      return state()
    },
    async enrollTotp() {
      notLocked()
      return svc().identity.enrollTotp()
    },
    async verifyTotp({ code, factorId }) {
      notLocked()
      await svc().identity.verifyTotp(code, factorId)
      return state()
    },
    async signOut() {
      await svc().identity.signOut()
      if (svc().source() === 'sandbox') signOutDemo(ws)
      lock.unlock()
      return state()
    },
    async lock() {
      lock.lock()
      return state()
    },
    async unlock({ password, code }) {
      if (!lock.locked) return state()
      const s = state()
      if (s.mode === 'server' && s.user) {
        const byOs = !password && lock.osUnlock ? await lock.osUnlock.confirm(`Unlock Wingtel Ops as ${s.user.email}`) : false
        if (!byOs && !password) throw new AppError('FORBIDDEN', 'Enter your password to unlock.')
        if (!byOs) await svc().identity.reauthenticate(password!, code)
      }
      // sandbox demo: nothing to check (demo users have no password); signed out: the sign-in screen follows
      lock.unlock()
      return state()
    },
    touch: async () => ({ locked: lock.touch() }),
    guard: (path) => {
      lock.guard(path)
      // sign-in is required for every non-sandbox backend: signed out (or short of the second factor the server
      // requires), the workspace's data stays closed; a CLI run against a backend named on its command line is exempt
      const s = svc()
      if (s.source() === 'sandbox' || s.opts.remoteOverride || OPEN_WHEN_SIGNED_OUT.includes(path)) return
      const id = s.identity.current()
      if (id.state === 'signed-in') return
      throw new AppError(
        'FORBIDDEN',
        id.state === 'mfa-required' ? 'Your role requires two-step verification: enter the code from your authenticator app first.' : 'Sign in first: your role comes from the server (Settings → Sync).',
      )
    },
  }
}
