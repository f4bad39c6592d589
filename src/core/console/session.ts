// The sandbox sign-in: one demo user per role, kept in the workspace meta until a real sign-in exists. Whoever is
// signed in is recorded on every batch (actor + role).
import { AppError } from '../../shared/api/errors'
import { COMMIT_ROLES, DEMO_USERS, type Role, type SessionState, type SessionUser } from '../../shared/api/console'
import type { Workspace } from '../store'

const KEY = 'session.user'

interface Stored {
  id: string
  signedInAt: string
}

export function canCommit(role: Role | undefined): boolean {
  return role !== undefined && COMMIT_ROLES.includes(role)
}

export function currentSession(ws: Workspace): SessionState {
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

export function signInDemo(ws: Workspace, role: Role): SessionState {
  const user = DEMO_USERS.find((u) => u.role === role)
  if (!user) throw new AppError('BAD_INPUT', `No demo user for role ${role}. Roles: ${DEMO_USERS.map((u) => u.role).join(', ')}`)
  ws.setMeta(KEY, JSON.stringify({ id: user.id, signedInAt: new Date().toISOString() } satisfies Stored))
  return currentSession(ws)
}

export function signOut(ws: Workspace): SessionState {
  ws.db.prepare('DELETE FROM meta WHERE key = ?').run(KEY)
  return currentSession(ws)
}

/** The signed-in user, or FORBIDDEN with the way to sign in. */
export function requireUser(ws: Workspace): SessionUser {
  const s = currentSession(ws)
  if (!s.user) throw new AppError('FORBIDDEN', `Sign in first: pick a demo user (${DEMO_USERS.map((u) => u.role).join(', ')}).`)
  return s.user
}

export function userName(id: string): string {
  return DEMO_USERS.find((u) => u.id === id)?.name ?? id
}
