// Between the shell and the screens: the lock screen while locked, sign-in and two-step verification for a real
// backend, the screens otherwise. It reports the person's keyboard and pointer activity to the idle lock (at most once
// a minute). The server enforces all of it (the API refuses data while locked or signed out); this is the UI of it.
import { Loader } from '@mantine/core'
import { useEffect, useRef, type ReactNode } from 'react'
import { useLocation } from 'react-router'
import { api } from '../api/client'
import { LockScreen } from '../screens/auth/LockScreen'
import { MfaScreen } from '../screens/auth/MfaScreen'
import { SignInScreen } from '../screens/auth/SignInScreen'
import { useAuthState, useRefreshAuth } from '../screens/auth/state'

function useActivity(onLocked: () => void): void {
  const last = useRef(0)
  useEffect(() => {
    const seen = () => {
      const now = Date.now()
      if (now - last.current < 60_000) return
      last.current = now
      api.auth.touch
        .mutate()
        .then((r) => r.locked && onLocked())
        .catch(() => undefined) // the next auth.state poll shows the state
    }
    const events = ['keydown', 'pointerdown', 'wheel'] as const
    for (const e of events) window.addEventListener(e, seen, { passive: true })
    return () => {
      for (const e of events) window.removeEventListener(e, seen)
    }
  }, [onLocked])
}

export function IdentityGate({ children }: { children: ReactNode }) {
  const state = useAuthState()
  const refresh = useRefreshAuth()
  const { pathname } = useLocation()
  useActivity(() => void refresh())
  const s = state.data
  if (!s) return state.isError ? children : <Loader m="xl" />
  if (s.locked) return <LockScreen state={s} />
  if (s.mode === 'server' && pathname !== '/sync') {
    if (s.step === 'signed-out') return <SignInScreen state={s} />
    if (s.step === 'mfa-challenge' || s.step === 'mfa-enrol') return <MfaScreen />
  }
  return children
}
