// The workstation's identity as the UI sees it: one query (auth.state), refetched after every auth action and when a
// data call is refused because the app locked.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { api } from '../../api/client'

export const AUTH_KEY = ['auth.state']

export function useAuthState() {
  return useQuery({ queryKey: AUTH_KEY, queryFn: () => api.auth.state.query(), staleTime: 0, refetchInterval: 30_000 })
}

export function useRefreshAuth(): () => Promise<void> {
  const qc = useQueryClient()
  return useCallback(async () => {
    await qc.invalidateQueries({ queryKey: AUTH_KEY })
    await qc.invalidateQueries({ queryKey: ['console.session'] })
  }, [qc])
}
