// Who commits from the console. With a real backend (Supabase, direct Postgres) it is the person signed in to it, with
// the role the server gave them (sync's Identity); nothing here can choose it. In the sandbox it is one demo user per
// role, picked on this machine and kept in the workspace meta, and always marked as demo. Whoever it is is recorded on
// every batch (actor + role).
//
// `--as <role>` (the CLI) acts as a demo user for one process only: an in-memory override that never touches the
// workspace, so a run killed halfway leaves the stored session as it was (issue 11, attack 7). It is refused outside
// the sandbox.
import { AppError } from '../../shared/api/errors'
import { COMMIT_ROLES, DEMO_USERS, ROLES, type Role, type SessionState, type SessionUser } from '../../shared/api/console'
import type { Workspace } from '../store'
import { SETTINGS, syncService } from '../sync'

const KEY = 'session.user'

interface Stored {
  id: string
  signedInAt: string
}

/** this process's `--as` demo user per workspace: never written anywhere */
const processOverride = new WeakMap<Workspace, { user: SessionUser; since: string }>()

export function canCommit(role: Role | undefined): boolean {
  return role !== undefined && COMMIT_ROLES.includes(role)
}

const isSandbox = (ws: Workspace) => (ws.meta(SETTINGS.source) ?? 'sandbox') === 'sandbox'

function serverSession(ws: Workspace): SessionState {
  const id = syncService(ws).identity.current()
  const role = (ROLES as readonly string[]).includes(id.role ?? '') ? (id.role as Role) : null
  if (id.state === 'signed-out' || !role) return { user: null, signedInAt: null, canCommit: false, mode: 'server' }
  const user: SessionUser = { id: id.userId, name: id.email, email: id.email, role }
  const mfa = id.state === 'mfa-required'
  return { user, signedInAt: id.signedInAt, canCommit: !mfa && canCommit(role), mode: 'server', ...(mfa ? { needsSecondFactor: true } : {}) }
}

export function currentSession(ws: Workspace): SessionState {
  if (!isSandbox(ws)) return serverSession(ws)
  const o = processOverride.get(ws)
  if (o) return { user: o.user, signedInAt: o.since, canCommit: canCommit(o.user.role), mode: 'demo' }
  const raw = ws.meta(KEY)
  let stored: Stored | null = null
  try {
    stored = raw ? (JSON.parse(raw) as Stored) : null
  } catch {
    // a damaged saved session: start a new one
    stored = null
  }
  const user = stored ? (DEMO_USERS.find((u) => u.id === stored.id) ?? null) : null
  return { user, signedInAt: user ? stored!.signedInAt : null, canCommit: canCommit(user?.role), mode: 'demo' }
}

function demoUser(ws: Workspace, role: Role): SessionUser {
  if (!isSandbox(ws)) {
    throw new AppError('FORBIDDEN', `Your role comes from the server (${ws.meta(SETTINGS.source)}): demo users exist only in the sandbox. Sign in as yourself.`)
  }
  const user = DEMO_USERS.find((u) => u.role === role)
  if (!user) throw new AppError('BAD_INPUT', `No demo user for role ${role}. Roles: ${DEMO_USERS.map((u) => u.role).join(', ')}`)
  return user
}

export function signInDemo(ws: Workspace, role: Role): SessionState {
  const user = demoUser(ws, role)
  ws.setMeta(KEY, JSON.stringify({ id: user.id, signedInAt: new Date().toISOString() } satisfies Stored))
  return currentSession(ws)
}

/** `--as`: this process acts as the sandbox demo user of `role` until `endActAs`; nothing is stored. */
export function actAsForProcess(ws: Workspace, role: Role): SessionUser {
  const user = demoUser(ws, role)
  processOverride.set(ws, { user, since: new Date().toISOString() })
  return user
}

export function endActAs(ws: Workspace): void {
  processOverride.delete(ws)
}

export function signOut(ws: Workspace): SessionState {
  processOverride.delete(ws)
  ws.db.prepare('DELETE FROM meta WHERE key = ?').run(KEY)
  return currentSession(ws)
}

/** The signed-in user, or FORBIDDEN with the way to sign in. */
export function requireUser(ws: Workspace): SessionUser {
  const s = currentSession(ws)
  if (s.needsSecondFactor) throw new AppError('FORBIDDEN', 'Your role requires two-step verification: enter the code from your authenticator app first.')
  if (!s.user) {
    if (s.mode === 'server') throw new AppError('FORBIDDEN', 'Sign in first (Settings → Sync): your role comes from the server.')
    throw new AppError('FORBIDDEN', `Sign in first: pick a demo user (${DEMO_USERS.map((u) => u.role).join(', ')}).`)
  }
  return s.user
}

export function userName(id: string): string {
  return DEMO_USERS.find((u) => u.id === id)?.name ?? id
}
